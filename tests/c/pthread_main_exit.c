/* pthread_main_exit - pthread_exit in the main thread: the process lives on until its last thread
 * ends, then exits with status 0 and runs the atexit handlers; key destructors run for the main
 * thread too. */
#include "common.h"
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_key_t key;
static volatile int main_gone;

static void destructor(void *v) {
    printf("destructor for the main thread's value: %s\n", (char *)v);
    main_gone = 1;
}

static void at_exit(void) {
    printf("atexit handler after the last thread\n");
}

static void *late(void *arg) {
    (void)arg;
    struct timespec ts = {0, 10000000};
    while (!main_gone) nanosleep(&ts, NULL);
    nanosleep(&ts, NULL);
    printf("the worker runs after main's pthread_exit\n");
    return NULL;
}

int main(void) {
    atexit(at_exit);
    pthread_key_create(&key, destructor);
    pthread_setspecific(key, "main");
    pthread_t t;
    pthread_create(&t, NULL, late, NULL);
    printf("main calls pthread_exit\n");
    pthread_exit(NULL);
}
