/* pthread_mutex - each mutex type's semantics: recursive counts, error-checking EDEADLK/EPERM,
 * trylock EBUSY, timedlock ETIMEDOUT with a CLOCK_REALTIME deadline; a counter incremented by N
 * threads under a mutex and with C11 atomics (exact totals). */
#include "common.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define N 8
#define M 20000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static atomic_long acounter;
static long plain_in_lock;

static void *add(void *arg) {
    (void)arg;
    for (int i = 0; i < M; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
        atomic_fetch_add(&acounter, 1);
    }
    return NULL;
}

static pthread_mutex_t m;

static void *other(void *arg) {
    const char *what = arg;
    int r;
    if (what[0] == 't' && what[1] == 0) {
        r = pthread_mutex_trylock(&m);
    } else if (what[0] == 'u') {
        r = pthread_mutex_unlock(&m);
    } else {
        struct timespec at;
        clock_gettime(CLOCK_REALTIME, &at);
        at = after_ms(at, 50);
        r = pthread_mutex_timedlock(&m, &at);
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int late = now.tv_sec > at.tv_sec || (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec);
        printf("  not before the deadline: %s\n", yesno(late));
    }
    return (void *)(long)r;
}

static int from_other(const char *what) {
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, other, (void *)what);
    pthread_join(t, &r);
    return (int)(long)r;
}

static void make(int type) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, type);
    pthread_mutex_init(&m, &a);
    pthread_mutexattr_destroy(&a);
}

int main(void) {
    pthread_t t[N];
    for (int i = 0; i < N; i++) pthread_create(&t[i], NULL, add, NULL);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    printf("mutex counter: %ld (want %d)\n", counter, N * M);
    printf("atomic counter: %ld (want %d)\n", atomic_load(&acounter), N * M);
    (void)plain_in_lock;

    puts("normal:");
    make(PTHREAD_MUTEX_NORMAL);
    printf("  lock: %s\n", errname(pthread_mutex_lock(&m)));
    printf("  trylock from another thread: %s\n", errname(from_other("t")));
    printf("  trylock from the owner: %s\n", errname(pthread_mutex_trylock(&m)));
    printf("  timedlock from another thread: %s\n", errname(from_other("d")));
    printf("  unlock: %s\n", errname(pthread_mutex_unlock(&m)));
    printf("  trylock when free: %s\n", errname(pthread_mutex_trylock(&m)));
    printf("  unlock: %s\n", errname(pthread_mutex_unlock(&m)));
    struct timespec past = {1, 0};
    printf("  timedlock when free, deadline passed: %s\n", errname(pthread_mutex_timedlock(&m, &past)));
    printf("  timedlock by the owner, deadline passed: %s\n", errname(from_other("t") == 0 ? -1 : pthread_mutex_timedlock(&m, &past)));
    pthread_mutex_unlock(&m);
    printf("  destroy: %s\n", errname(pthread_mutex_destroy(&m)));

    puts("recursive:");
    make(PTHREAD_MUTEX_RECURSIVE);
    printf("  lock x3: %s %s %s\n", errname(pthread_mutex_lock(&m)), errname(pthread_mutex_lock(&m)), errname(pthread_mutex_trylock(&m)));
    printf("  trylock from another thread: %s\n", errname(from_other("t")));
    printf("  unlock from another thread: %s\n", errname(from_other("u")));
    printf("  unlock x3: %s %s %s\n", errname(pthread_mutex_unlock(&m)), errname(pthread_mutex_unlock(&m)), errname(pthread_mutex_unlock(&m)));
    printf("  trylock from another thread once free: %s\n", errname(from_other("t")));
    pthread_mutex_destroy(&m);

    puts("error-checking:");
    make(PTHREAD_MUTEX_ERRORCHECK);
    printf("  unlock when free: %s\n", errname(pthread_mutex_unlock(&m)));
    printf("  lock: %s\n", errname(pthread_mutex_lock(&m)));
    printf("  lock again: %s\n", errname(pthread_mutex_lock(&m)));
    printf("  trylock again: %s\n", errname(pthread_mutex_trylock(&m)));
    printf("  unlock from another thread: %s\n", errname(from_other("u")));
    printf("  timedlock from another thread: %s\n", errname(from_other("d")));
    printf("  unlock: %s\n", errname(pthread_mutex_unlock(&m)));
    pthread_mutex_destroy(&m);

    pthread_mutexattr_t a;
    int type = -1;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_gettype(&a, &type);
    printf("default type is normal: %s\n", yesno(type == PTHREAD_MUTEX_DEFAULT));
    printf("settype 99: %s\n", errname(pthread_mutexattr_settype(&a, 99)));
    return 0;
}
