/* pthread_stack - a thread given a 1 MiB stack by its attributes uses 512 KiB of it (a recursion
 * with a 4 KiB frame, 128 deep), and a thread whose attributes ask for 4 MiB gets 4 MiB: it uses
 * 3 MiB. */
#include "common.h"
#include <pthread.h>
#include <string.h>

static unsigned long deep(int depth) {
    volatile unsigned char frame[4096];
    memset((void *)frame, depth & 0xff, sizeof frame);
    unsigned long sum = depth ? deep(depth - 1) : 0;
    for (size_t i = 0; i < sizeof frame; i += 512) sum += frame[i];
    return sum;
}

static void *use_stack(void *arg) {
    return (void *)deep((int)(long)arg);
}

static unsigned long expected(int depth) {
    unsigned long s = 0;
    for (int d = 0; d <= depth; d++) s += 8ul * (d & 0xff);
    return s;
}

static void run(size_t stack, int depth) {
    pthread_attr_t a;
    pthread_attr_init(&a);
    printf("setstacksize %zu KiB: %s\n", stack / 1024, errname(pthread_attr_setstacksize(&a, stack)));
    pthread_t t;
    void *r;
    printf("create: %s\n", errname(pthread_create(&t, &a, use_stack, (void *)(long)depth)));
    pthread_join(t, &r);
    printf("%d KiB of stack used: %s\n", depth * 4, yesno((unsigned long)r == expected(depth)));
    pthread_attr_destroy(&a);
}

int main(void) {
    run(1 << 20, 128);
    run(4 << 20, 768);
    return 0;
}
