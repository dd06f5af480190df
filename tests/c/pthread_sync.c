/* pthread_sync - barriers (N threads, several rounds, one PTHREAD_BARRIER_SERIAL_THREAD a round,
 * nobody leaves a round early), spinlocks (exact counter, trylock EBUSY) and unnamed semaphores
 * (init, trywait EAGAIN, post, getvalue, wait across threads, timedwait ETIMEDOUT). */
#include "common.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <time.h>

#define N 6
#define ROUNDS 50

static pthread_barrier_t bar;
static atomic_int serial, arrived[ROUNDS], early;

static void *round_trip(void *arg) {
    (void)arg;
    for (int r = 0; r < ROUNDS; r++) {
        atomic_fetch_add(&arrived[r], 1);
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) atomic_fetch_add(&serial, 1);
        if (atomic_load(&arrived[r]) != N) atomic_fetch_add(&early, 1);
    }
    return NULL;
}

static pthread_spinlock_t spin;
static long spun;

static void *spinner(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_spin_lock(&spin);
        spun++;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static void *spin_try(void *arg) {
    (void)arg;
    return (void *)(long)pthread_spin_trylock(&spin);
}

static sem_t items, done;
static atomic_int taken;

static void *taker(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        sem_wait(&items);
        atomic_fetch_add(&taken, 1);
    }
    sem_post(&done);
    return NULL;
}

int main(void) {
    pthread_t t[N];
    printf("barrier_init count 0: %s\n", errname(pthread_barrier_init(&bar, NULL, 0)));
    pthread_barrier_init(&bar, NULL, N);
    for (int i = 0; i < N; i++) pthread_create(&t[i], NULL, round_trip, NULL);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    printf("serial threads: %d (want %d), left a round early: %d\n", atomic_load(&serial), ROUNDS, atomic_load(&early));
    printf("barrier_destroy: %s\n", errname(pthread_barrier_destroy(&bar)));

    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, spinner, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("spinlock counter: %ld (want 80000)\n", spun);
    pthread_spin_lock(&spin);
    void *r;
    pthread_create(&t[0], NULL, spin_try, NULL);
    pthread_join(t[0], &r);
    printf("spin_trylock while held: %s\n", errname((int)(long)r));
    pthread_spin_unlock(&spin);
    printf("spin_trylock when free: %s\n", errname(pthread_spin_trylock(&spin)));
    pthread_spin_unlock(&spin);
    pthread_spin_destroy(&spin);

    TRY("sem_init 0", sem_init(&items, 0, 0));
    TRY("sem_trywait on 0", sem_trywait(&items));
    TRY("sem_post", sem_post(&items));
    int v = -1;
    sem_getvalue(&items, &v);
    printf("sem_getvalue: %d\n", v);
    TRY("sem_trywait on 1", sem_trywait(&items));
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at = after_ms(at, 30);
    TRY("sem_timedwait on 0", sem_timedwait(&items, &at));
    struct timespec bad = {0, -1};
    TRY("sem_timedwait, bad timespec", sem_timedwait(&items, &bad));
    sem_init(&done, 0, 0);
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, taker, NULL);
    for (int i = 0; i < 4000; i++) sem_post(&items);
    for (int i = 0; i < 4; i++) sem_wait(&done);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    sem_getvalue(&items, &v);
    printf("taken: %d, left: %d\n", atomic_load(&taken), v);
    TRY("sem_destroy", sem_destroy(&items));
    return 0;
}
