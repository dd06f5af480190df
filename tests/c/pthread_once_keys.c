/* pthread_once_keys - pthread_once with many threads racing (one call), keys: per-thread values,
 * destructors at thread exit (not for NULL values, not for the main thread's return),
 * PTHREAD_DESTRUCTOR_ITERATIONS when a destructor sets its value again, key_delete. */
#include "common.h"
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define N 16
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int init_calls, ready;
static pthread_barrier_t start;

static void init(void) {
    atomic_fetch_add(&init_calls, 1);
    /* keep the others waiting in pthread_once for a while */
    for (volatile int i = 0; i < 100000; i++) {
    }
    atomic_store(&ready, 1);
}

static atomic_int saw_ready;

static void *racer(void *arg) {
    (void)arg;
    pthread_barrier_wait(&start);
    pthread_once(&once, init);
    if (atomic_load(&ready)) atomic_fetch_add(&saw_ready, 1);
    return NULL;
}

static pthread_key_t key, again_key;
static atomic_long destructed_sum;
static atomic_int destructor_calls, again_calls;

static void destructor(void *v) {
    atomic_fetch_add(&destructor_calls, 1);
    atomic_fetch_add(&destructed_sum, (long)v);
}

static void again(void *v) {
    int n = atomic_fetch_add(&again_calls, 1) + 1;
    (void)v;
    pthread_setspecific(again_key, (void *)(long)(n + 1)); /* set again: another round */
}

static void *keeper(void *arg) {
    long v = (long)arg;
    if (pthread_getspecific(key) != NULL) return (void *)1L;
    pthread_setspecific(key, (void *)v);
    for (int i = 0; i < 1000; i++) {
        if ((long)pthread_getspecific(key) != v) return (void *)2L;
    }
    if (v % 2) pthread_setspecific(key, NULL); /* no destructor call for NULL */
    return NULL;
}

static void *keeper_again(void *arg) {
    (void)arg;
    pthread_setspecific(again_key, (void *)1L);
    return NULL;
}

int main(void) {
    pthread_t t[N];
    pthread_barrier_init(&start, NULL, N);
    for (int i = 0; i < N; i++) pthread_create(&t[i], NULL, racer, NULL);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    printf("init calls: %d, threads that saw it done: %d\n", atomic_load(&init_calls), atomic_load(&saw_ready));
    pthread_once(&once, init);
    printf("init calls after another once: %d\n", atomic_load(&init_calls));

    printf("key_create: %s\n", errname(pthread_key_create(&key, destructor)));
    printf("main value before set: %s\n", pthread_getspecific(key) ? "set" : "NULL");
    pthread_setspecific(key, (void *)1000L);
    int bad = 0;
    for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, keeper, (void *)(i + 1));
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        if (r) bad++;
    }
    printf("threads that saw another's value: %d\n", bad);
    printf("destructor calls: %d, sum of values: %ld\n", atomic_load(&destructor_calls), atomic_load(&destructed_sum));
    printf("main value kept: %ld\n", (long)pthread_getspecific(key));

    pthread_key_create(&again_key, again);
    pthread_create(&t[0], NULL, keeper_again, NULL);
    pthread_join(t[0], NULL);
    printf("destructor that sets again runs PTHREAD_DESTRUCTOR_ITERATIONS times: %s\n",
           yesno(atomic_load(&again_calls) == PTHREAD_DESTRUCTOR_ITERATIONS));

    printf("key_delete: %s\n", errname(pthread_key_delete(key)));
    /* many keys: at least _POSIX_THREAD_KEYS_MAX (128) can be made */
    pthread_key_t k;
    int made = 0;
    for (int i = 0; i < 128 - 1; i++) {
        if (pthread_key_create(&k, NULL) == 0) made++;
    }
    printf("126 more keys made: %s\n", yesno(made >= 126));
    return 0;
}
