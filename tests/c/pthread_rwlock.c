/* pthread_rwlock - readers hold the lock together (all N inside at once), a writer excludes
 * readers and writers (try and timed variants), EDEADLK for a writer relocking, and a stress run
 * where writers keep two fields equal and readers never see them differ. */
#include "common.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define READERS 4
static pthread_rwlock_t l = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t inside;

static void *reader_together(void *arg) {
    (void)arg;
    pthread_rwlock_rdlock(&l);
    pthread_barrier_wait(&inside); /* only returns if all readers are inside at once */
    pthread_rwlock_unlock(&l);
    return NULL;
}

static void *try_ops(void *arg) {
    const char *op = arg;
    int r;
    if (op[0] == 'r') {
        r = pthread_rwlock_tryrdlock(&l);
    } else if (op[0] == 'w') {
        r = pthread_rwlock_trywrlock(&l);
    } else {
        struct timespec at;
        clock_gettime(CLOCK_REALTIME, &at);
        at = after_ms(at, 30);
        r = op[1] == 'r' ? pthread_rwlock_timedrdlock(&l, &at) : pthread_rwlock_timedwrlock(&l, &at);
    }
    if (r == 0) pthread_rwlock_unlock(&l);
    return (void *)(long)r;
}

static int from_other(const char *op) {
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, try_ops, (void *)op);
    pthread_join(t, &r);
    return (int)(long)r;
}

static long a, b;
static atomic_int torn;

static void *writer(void *arg) {
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        pthread_rwlock_wrlock(&l);
        a++;
        b++;
        pthread_rwlock_unlock(&l);
    }
    return NULL;
}

static void *reader(void *arg) {
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        pthread_rwlock_rdlock(&l);
        if (a != b) atomic_fetch_add(&torn, 1);
        pthread_rwlock_unlock(&l);
    }
    return NULL;
}

int main(void) {
    pthread_t t[8];
    pthread_barrier_init(&inside, NULL, READERS);
    for (int i = 0; i < READERS; i++) pthread_create(&t[i], NULL, reader_together, NULL);
    for (int i = 0; i < READERS; i++) pthread_join(t[i], NULL);
    printf("%d readers inside at once: yes\n", READERS);

    printf("rdlock: %s\n", errname(pthread_rwlock_rdlock(&l)));
    printf("  tryrdlock from another thread: %s\n", errname(from_other("r")));
    printf("  trywrlock from another thread: %s\n", errname(from_other("w")));
    printf("  timedwrlock from another thread: %s\n", errname(from_other("tw")));
    printf("unlock: %s\n", errname(pthread_rwlock_unlock(&l)));
    printf("wrlock: %s\n", errname(pthread_rwlock_wrlock(&l)));
    printf("  wrlock again: %s\n", errname(pthread_rwlock_wrlock(&l)));
    printf("  tryrdlock from another thread: %s\n", errname(from_other("r")));
    printf("  trywrlock from another thread: %s\n", errname(from_other("w")));
    printf("  timedrdlock from another thread: %s\n", errname(from_other("tr")));
    printf("unlock: %s\n", errname(pthread_rwlock_unlock(&l)));
    printf("trywrlock when free: %s\n", errname(pthread_rwlock_trywrlock(&l)));
    printf("unlock: %s\n", errname(pthread_rwlock_unlock(&l)));

    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, writer, NULL);
    for (int i = 4; i < 8; i++) pthread_create(&t[i], NULL, reader, NULL);
    for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
    printf("writes: %ld %ld, torn reads: %d\n", a, b, atomic_load(&torn));
    printf("destroy: %s\n", errname(pthread_rwlock_destroy(&l)));
    return 0;
}
