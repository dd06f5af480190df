/* pthread_malloc - malloc, realloc and free from many threads at once (the C library's heap lock):
 * every block keeps its contents. */
#include "common.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define N 6

static void *worker(void *arg) {
    unsigned id = (unsigned)(long)arg, seed = id * 7919 + 1, bad = 0;
    void *blocks[64] = {0};
    size_t sizes[64] = {0};
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        int k = (seed >> 16) % 64;
        if (blocks[k]) {
            unsigned char *p = blocks[k];
            for (size_t j = 0; j < sizes[k]; j++) if (p[j] != (unsigned char)(id + k)) bad++;
            if (seed & 1) {
                free(blocks[k]);
                blocks[k] = NULL;
                continue;
            }
            size_t n = 1 + (seed >> 8) % 2000;
            p = realloc(p, n);
            if (n > sizes[k]) memset(p + sizes[k], id + k, n - sizes[k]);
            blocks[k] = p;
            sizes[k] = n;
        } else {
            size_t n = 1 + (seed >> 8) % 2000;
            blocks[k] = malloc(n);
            memset(blocks[k], id + k, n);
            sizes[k] = n;
        }
    }
    for (int k = 0; k < 64; k++) free(blocks[k]);
    return (void *)(long)bad;
}

int main(void) {
    pthread_t t[N];
    for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    long bad = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    printf("corrupted bytes: %ld\n", bad);
    return 0;
}
