/* pthread_cond - a bounded buffer with many producers and consumers (every item delivered once),
 * broadcast waking every waiter, timedwait on CLOCK_MONOTONIC timing out (and not early), and a
 * CLOCK_REALTIME timedwait with a deadline in the past. */
#include "common.h"
#include <pthread.h>
#include <time.h>

#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS 5000 /* per producer */
#define SLOTS 8

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long buf[SLOTS];
static int head, count, producers_left = PRODUCERS;
static long consumed_sum, consumed_n;

static void *producer(void *arg) {
    long base = (long)arg * ITEMS;
    for (long i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&m);
        while (count == SLOTS) pthread_cond_wait(&not_full, &m);
        buf[(head + count) % SLOTS] = base + i;
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&m);
    }
    pthread_mutex_lock(&m);
    producers_left--;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&m);
        while (count == 0 && producers_left > 0) pthread_cond_wait(&not_empty, &m);
        if (count == 0) {
            pthread_mutex_unlock(&m);
            return NULL;
        }
        long v = buf[head];
        head = (head + 1) % SLOTS;
        count--;
        consumed_sum += v;
        consumed_n++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&m);
    }
}

static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int waiting, released, woken;

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&m);
    waiting++;
    pthread_cond_broadcast(&not_empty); /* tell main one more waits */
    while (!released) pthread_cond_wait(&go, &m);
    woken++;
    pthread_mutex_unlock(&m);
    return NULL;
}

static long ms_between(struct timespec a, struct timespec b) {
    return (b.tv_sec - a.tv_sec) * 1000L + (b.tv_nsec - a.tv_nsec) / 1000000L;
}

int main(void) {
    pthread_t t[PRODUCERS + CONSUMERS];
    for (long i = 0; i < PRODUCERS; i++) pthread_create(&t[i], NULL, producer, (void *)i);
    for (int i = 0; i < CONSUMERS; i++) pthread_create(&t[PRODUCERS + i], NULL, consumer, NULL);
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++) pthread_join(t[i], NULL);
    long n = (long)PRODUCERS * ITEMS;
    printf("consumed %ld items, sum %ld (want %ld)\n", consumed_n, consumed_sum, n * (n + 1) / 2);

    for (int i = 0; i < 6; i++) pthread_create(&t[i], NULL, waiter, NULL);
    pthread_mutex_lock(&m);
    while (waiting < 6) pthread_cond_wait(&not_empty, &m);
    released = 1;
    pthread_cond_broadcast(&go);
    pthread_mutex_unlock(&m);
    for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
    printf("broadcast woke: %d\n", woken);

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    printf("setclock monotonic: %s\n", errname(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)));
    clockid_t clock;
    pthread_condattr_getclock(&ca, &clock);
    printf("getclock is monotonic: %s\n", yesno(clock == CLOCK_MONOTONIC));
    pthread_cond_t mono;
    pthread_cond_init(&mono, &ca);
    struct timespec start, at, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    at = start;
    at = after_ms(at, 100);
    pthread_mutex_lock(&m);
    int r;
    do r = pthread_cond_timedwait(&mono, &m, &at); while (r == 0);
    pthread_mutex_unlock(&m);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("monotonic timedwait: %s\n", errname(r));
    printf("waited >= 100 ms: %s\n", yesno(ms_between(start, end) >= 100));
    printf("waited < 5 s: %s\n", yesno(ms_between(start, end) < 5000));

    struct timespec past = {1, 0};
    pthread_mutex_lock(&m);
    printf("realtime timedwait, deadline passed: %s\n", errname(pthread_cond_timedwait(&go, &m, &past)));
    pthread_mutex_unlock(&m);
    struct timespec bad = {0, 2000000000L};
    pthread_mutex_lock(&m);
    printf("timedwait, tv_nsec out of range: %s\n", errname(pthread_cond_timedwait(&go, &m, &bad)));
    pthread_mutex_unlock(&m);
    return 0;
}
