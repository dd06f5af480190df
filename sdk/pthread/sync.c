/* Mutexes, condition variables, read-write locks, spinlocks, barriers and semaphores over wasm's
   futex. Each keeps its state inside wasi-libc's (musl's) type, zero meaning "initialized with
   defaults", so the static initializers are all zeros. */
#include "internal.h"
#include <semaphore.h>
#include <string.h>

int __arca_timeout(clockid_t clock, const struct timespec *at, int64_t *ns) {
    if (!at) {
        *ns = -1;
        return 0;
    }
    if (at->tv_nsec < 0 || at->tv_nsec >= 1000000000L) return EINVAL;
    struct timespec now;
    clock_gettime(clock, &now);
    int64_t left = ((int64_t)at->tv_sec - now.tv_sec) * 1000000000LL + (at->tv_nsec - now.tv_nsec);
    *ns = left > 0 ? left : 0;
    return 0;
}

/* 0, or ETIMEDOUT when the deadline at passes first (Drepper's mutex 3) */
int __arca_lock_word(volatile int *l, clockid_t clock, const struct timespec *at) {
    int c = atomic_cas(l, 0, 1);
    if (c == 0) return 0;
    if (at && (at->tv_nsec < 0 || at->tv_nsec >= 1000000000L)) return EINVAL;
    if (c != 2) c = atomic_swap(l, 2);
    while (c != 0) {
        int64_t ns;
        __arca_timeout(clock, at, &ns);
        if (ns == 0) return ETIMEDOUT;
        futex_wait(l, 2, ns);
        c = atomic_swap(l, 2);
    }
    return 0;
}

void __arca_unlock_word(volatile int *l) {
    if (atomic_swap(l, 0) == 2) futex_wake(l, 1);
}

/* mutex: __vi[0] the lock word, __i[1] the type, __vi[2] the owner's thread id (recursive and
   error-checking mutexes), __i[3] the recursion count */
#define M_LOCK(m) (&(m)->__u.__vi[0])
#define M_TYPE(m) ((m)->__u.__i[1])
#define M_OWNER(m) (&(m)->__u.__vi[2])
#define M_COUNT(m) ((m)->__u.__i[3])
#define MA_TYPE(a) ((a)->__attr & 3)

int pthread_mutexattr_init(pthread_mutexattr_t *a) {
    a->__attr = 0;
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a) {
    (void)a;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type) {
    if (type < 0 || type > PTHREAD_MUTEX_ERRORCHECK) return EINVAL;
    a->__attr = (a->__attr & ~3u) | (unsigned)type;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *restrict a, int *restrict type) {
    *type = MA_TYPE(a);
    return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared) {
    (void)a;
    /* processes share no memory in Arca */
    return pshared == PTHREAD_PROCESS_PRIVATE ? 0 : pshared == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *restrict a, int *restrict pshared) {
    (void)a;
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol) {
    (void)a;
    return protocol == PTHREAD_PRIO_NONE ? 0 : ENOTSUP;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *restrict a, int *restrict protocol) {
    (void)a;
    *protocol = PTHREAD_PRIO_NONE;
    return 0;
}

int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust) {
    (void)a;
    return robust == PTHREAD_MUTEX_STALLED ? 0 : ENOTSUP;
}

int pthread_mutexattr_getrobust(const pthread_mutexattr_t *restrict a, int *restrict robust) {
    (void)a;
    *robust = PTHREAD_MUTEX_STALLED;
    return 0;
}

int pthread_mutexattr_setprioceiling(pthread_mutexattr_t *a, int ceiling) {
    (void)a;
    (void)ceiling;
    return ENOTSUP;
}

int pthread_mutexattr_getprioceiling(const pthread_mutexattr_t *restrict a, int *restrict ceiling) {
    (void)a;
    (void)ceiling;
    return ENOTSUP;
}

int pthread_mutex_init(pthread_mutex_t *restrict m, const pthread_mutexattr_t *restrict a) {
    memset(m, 0, sizeof *m);
    if (a) M_TYPE(m) = MA_TYPE(a);
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) {
    return atomic_load(M_LOCK(m)) ? EBUSY : 0;
}

static int mutex_lock(pthread_mutex_t *m, const struct timespec *at, int try) {
    int type = M_TYPE(m);
    if (type == PTHREAD_MUTEX_NORMAL) {
        if (try) return atomic_cas(M_LOCK(m), 0, 1) == 0 ? 0 : EBUSY;
        return __arca_lock_word(M_LOCK(m), CLOCK_REALTIME, at);
    }
    int me = __arca_self()->tid;
    if (atomic_load(M_OWNER(m)) == me) {
        if (type == PTHREAD_MUTEX_ERRORCHECK) return try ? EBUSY : EDEADLK;
        if (M_COUNT(m) == INT_MAX) return EAGAIN;
        M_COUNT(m)++;
        return 0;
    }
    int r = try ? (atomic_cas(M_LOCK(m), 0, 1) == 0 ? 0 : EBUSY) : __arca_lock_word(M_LOCK(m), CLOCK_REALTIME, at);
    if (r) return r;
    atomic_store(M_OWNER(m), me);
    M_COUNT(m) = 1;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m) {
    return mutex_lock(m, NULL, 0);
}

int pthread_mutex_trylock(pthread_mutex_t *m) {
    return mutex_lock(m, NULL, 1);
}

int pthread_mutex_timedlock(pthread_mutex_t *restrict m, const struct timespec *restrict at) {
    return mutex_lock(m, at, 0);
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
    if (M_TYPE(m) != PTHREAD_MUTEX_NORMAL) {
        if (atomic_load(M_OWNER(m)) != __arca_self()->tid) return EPERM;
        if (--M_COUNT(m) > 0) return 0;
        atomic_store(M_OWNER(m), 0);
    }
    __arca_unlock_word(M_LOCK(m));
    return 0;
}

int pthread_mutex_consistent(pthread_mutex_t *m) {
    (void)m;
    return EINVAL;
}

int pthread_mutex_getprioceiling(const pthread_mutex_t *restrict m, int *restrict ceiling) {
    (void)m;
    (void)ceiling;
    return ENOTSUP;
}

int pthread_mutex_setprioceiling(pthread_mutex_t *restrict m, int ceiling, int *restrict old) {
    (void)m;
    (void)ceiling;
    (void)old;
    return ENOTSUP;
}

/* condition variable: __vi[0] a sequence bumped by every signal, __vi[1] the number of waiters,
   __i[2] the clock (0: CLOCK_REALTIME). A waiter reads the sequence before it unlocks the mutex,
   so a signal between the unlock and its wait changes the value it waits on: no lost wake-up. */
#define C_SEQ(c) (&(c)->__u.__vi[0])
#define C_WAITERS(c) (&(c)->__u.__vi[1])
#define C_CLOCK(c) ((c)->__u.__i[2])
/* condattr: bit 0 CLOCK_MONOTONIC (the attribute stores a flag: clockid_t is an address here) */
#define CA_MONOTONIC 1u

int pthread_condattr_init(pthread_condattr_t *a) {
    a->__attr = 0;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a) {
    (void)a;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock) {
    if (clock == CLOCK_MONOTONIC) a->__attr |= CA_MONOTONIC;
    else if (clock == CLOCK_REALTIME) a->__attr &= ~CA_MONOTONIC;
    else return EINVAL;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *restrict a, clockid_t *restrict clock) {
    *clock = (a->__attr & CA_MONOTONIC) ? CLOCK_MONOTONIC : CLOCK_REALTIME;
    return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared) {
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE ? 0 : pshared == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_condattr_getpshared(const pthread_condattr_t *restrict a, int *restrict pshared) {
    (void)a;
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_cond_init(pthread_cond_t *restrict c, const pthread_condattr_t *restrict a) {
    memset(c, 0, sizeof *c);
    if (a && (a->__attr & CA_MONOTONIC)) C_CLOCK(c) = 1;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) {
    (void)c;
    return 0;
}

int pthread_cond_timedwait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m, const struct timespec *restrict at) {
    if (at && (at->tv_nsec < 0 || at->tv_nsec >= 1000000000L)) return EINVAL;
    clockid_t clock = C_CLOCK(c) ? CLOCK_MONOTONIC : CLOCK_REALTIME;
    int seq = atomic_load(C_SEQ(c));
    atomic_add(C_WAITERS(c), 1);
    int r = pthread_mutex_unlock(m);
    if (r) {
        atomic_add(C_WAITERS(c), -1);
        return r;
    }
    int64_t ns;
    __arca_timeout(clock, at, &ns);
    r = 0;
    if (ns == 0) r = ETIMEDOUT;
    else if (futex_wait(C_SEQ(c), seq, ns) == 2) r = ETIMEDOUT;
    atomic_add(C_WAITERS(c), -1);
    /* a wake-up that comes with the timeout is taken as a wake-up: the caller rechecks anyway */
    if (r == ETIMEDOUT && atomic_load(C_SEQ(c)) != seq) r = 0;
    int lr = mutex_lock(m, NULL, 0);
    return lr ? lr : r;
}

int pthread_cond_wait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m) {
    return pthread_cond_timedwait(c, m, NULL);
}

int pthread_cond_signal(pthread_cond_t *c) {
    atomic_add(C_SEQ(c), 1);
    if (atomic_load(C_WAITERS(c))) futex_wake(C_SEQ(c), 1);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c) {
    atomic_add(C_SEQ(c), 1);
    if (atomic_load(C_WAITERS(c))) futex_wake(C_SEQ(c), WAKE_ALL);
    return 0;
}

/* read-write lock: __vi[0] the state: the number of readers, or RW_WRITER, plus RW_WAITING when
   someone sleeps on it; __vi[1] the writer's thread id. Readers are preferred (as glibc's
   default): a reader gets in while other readers hold the lock, even with a writer waiting. */
#define RW_STATE(l) (&(l)->__u.__vi[0])
#define RW_OWNER(l) (&(l)->__u.__vi[1])
#define RW_WAITING ((int)0x80000000u)
#define RW_WRITER 0x7fffffff
#define RW_COUNT(s) ((s) & 0x7fffffff)

int pthread_rwlockattr_init(pthread_rwlockattr_t *a) {
    memset(a, 0, sizeof *a);
    return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a) {
    (void)a;
    return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared) {
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE ? 0 : pshared == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *restrict a, int *restrict pshared) {
    (void)a;
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *restrict l, const pthread_rwlockattr_t *restrict a) {
    (void)a;
    memset(l, 0, sizeof *l);
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l) {
    return RW_COUNT(atomic_load(RW_STATE(l))) ? EBUSY : 0;
}

static int rw_lock(pthread_rwlock_t *l, int write, int try, const struct timespec *at) {
    volatile int *st = RW_STATE(l);
    int me = __arca_self()->tid;
    if (write && RW_COUNT(atomic_load(st)) == RW_WRITER && atomic_load(RW_OWNER(l)) == me) return EDEADLK;
    if (at && (at->tv_nsec < 0 || at->tv_nsec >= 1000000000L)) return EINVAL;
    for (;;) {
        int s = atomic_load(st);
        int n = RW_COUNT(s);
        if (write ? n == 0 : n < RW_WRITER - 1) {
            if (atomic_cas(st, s, write ? (s & RW_WAITING) | RW_WRITER : s + 1) != s) continue;
            if (write) atomic_store(RW_OWNER(l), me);
            return 0;
        }
        if (!write && n == RW_WRITER - 1) return EAGAIN;
        if (try) return EBUSY;
        if (!(s & RW_WAITING)) {
            if (atomic_cas(st, s, s | RW_WAITING) != s) continue;
            s |= RW_WAITING;
        }
        int64_t ns;
        __arca_timeout(CLOCK_REALTIME, at, &ns);
        if (ns == 0) return ETIMEDOUT;
        futex_wait(st, s, ns);
    }
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l) {
    return rw_lock(l, 0, 0, NULL);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) {
    return rw_lock(l, 0, 1, NULL);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *restrict l, const struct timespec *restrict at) {
    return rw_lock(l, 0, 0, at);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *l) {
    return rw_lock(l, 1, 0, NULL);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *l) {
    return rw_lock(l, 1, 1, NULL);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *restrict l, const struct timespec *restrict at) {
    return rw_lock(l, 1, 0, at);
}

int pthread_rwlock_unlock(pthread_rwlock_t *l) {
    volatile int *st = RW_STATE(l);
    for (;;) {
        int s = atomic_load(st);
        int n = RW_COUNT(s);
        if (n == 0) return EPERM;
        if (n == RW_WRITER) atomic_store(RW_OWNER(l), 0);
        int left = n == RW_WRITER ? 0 : n - 1;
        /* the last one out clears the waiting flag and wakes everyone: they contend again */
        int next = left == 0 ? 0 : left | (s & RW_WAITING);
        if (atomic_cas(st, s, next) != s) continue;
        if (left == 0 && (s & RW_WAITING)) futex_wake(st, WAKE_ALL);
        return 0;
    }
}

/* spinlock: 0 free, 1 held; spins with sched_yield (the holder may be descheduled) */
int pthread_spin_init(pthread_spinlock_t *s, int pshared) {
    (void)pshared;
    *s = 0;
    return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s) {
    (void)s;
    return 0;
}

int pthread_spin_lock(pthread_spinlock_t *s) {
    while (atomic_cas((volatile int *)s, 0, 1) != 0) {
        while (atomic_load((volatile int *)s)) sched_yield();
    }
    return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s) {
    return atomic_cas((volatile int *)s, 0, 1) == 0 ? 0 : EBUSY;
}

int pthread_spin_unlock(pthread_spinlock_t *s) {
    atomic_store((volatile int *)s, 0);
    return 0;
}

/* barrier: __vi[0] threads arrived in this round, __i[1] the count, __vi[2] the round. A thread
   reads the round before it arrives; the last one resets the arrivals, then starts a new round. */
#define B_ARRIVED(b) (&(b)->__u.__vi[0])
#define B_COUNT(b) ((b)->__u.__i[1])
#define B_ROUND(b) (&(b)->__u.__vi[2])

int pthread_barrierattr_init(pthread_barrierattr_t *a) {
    a->__attr = 0;
    return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a) {
    (void)a;
    return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared) {
    (void)a;
    return pshared == PTHREAD_PROCESS_PRIVATE ? 0 : pshared == PTHREAD_PROCESS_SHARED ? ENOTSUP : EINVAL;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *restrict a, int *restrict pshared) {
    (void)a;
    *pshared = PTHREAD_PROCESS_PRIVATE;
    return 0;
}

int pthread_barrier_init(pthread_barrier_t *restrict b, const pthread_barrierattr_t *restrict a, unsigned count) {
    (void)a;
    if (count == 0 || count > INT_MAX) return EINVAL;
    memset(b, 0, sizeof *b);
    B_COUNT(b) = (int)count;
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b) {
    return atomic_load(B_ARRIVED(b)) ? EBUSY : 0;
}

int pthread_barrier_wait(pthread_barrier_t *b) {
    int round = atomic_load(B_ROUND(b));
    if (atomic_add(B_ARRIVED(b), 1) + 1 == B_COUNT(b)) {
        atomic_store(B_ARRIVED(b), 0);
        atomic_add(B_ROUND(b), 1);
        futex_wake(B_ROUND(b), WAKE_ALL);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    while (atomic_load(B_ROUND(b)) == round) futex_wait(B_ROUND(b), round, -1);
    return 0;
}

/* semaphore: __val[0] the value, __val[1] the number of waiters */
#define S_VALUE(s) (&(s)->__val[0])
#define S_WAITERS(s) (&(s)->__val[1])
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 0x7fffffff
#endif

int sem_init(sem_t *s, int pshared, unsigned value) {
    if (value > SEM_VALUE_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (pshared) {
        errno = ENOSYS; /* processes share no memory in Arca */
        return -1;
    }
    memset(s, 0, sizeof *s);
    *S_VALUE(s) = (int)value;
    return 0;
}

int sem_destroy(sem_t *s) {
    (void)s;
    return 0;
}

int sem_getvalue(sem_t *restrict s, int *restrict value) {
    *value = atomic_load(S_VALUE(s));
    return 0;
}

int sem_post(sem_t *s) {
    for (;;) {
        int v = atomic_load(S_VALUE(s));
        if (v == SEM_VALUE_MAX) {
            errno = EOVERFLOW;
            return -1;
        }
        if (atomic_cas(S_VALUE(s), v, v + 1) == v) break;
    }
    if (atomic_load(S_WAITERS(s))) futex_wake(S_VALUE(s), 1);
    return 0;
}

int sem_trywait(sem_t *s) {
    for (;;) {
        int v = atomic_load(S_VALUE(s));
        if (v <= 0) {
            errno = EAGAIN;
            return -1;
        }
        if (atomic_cas(S_VALUE(s), v, v - 1) == v) return 0;
    }
}

int sem_timedwait(sem_t *restrict s, const struct timespec *restrict at) {
    for (;;) {
        if (sem_trywait(s) == 0) return 0;
        int64_t ns;
        if (__arca_timeout(CLOCK_REALTIME, at, &ns)) {
            errno = EINVAL;
            return -1;
        }
        if (ns == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        atomic_add(S_WAITERS(s), 1);
        futex_wait(S_VALUE(s), 0, ns);
        atomic_add(S_WAITERS(s), -1);
    }
}

int sem_wait(sem_t *s) {
    return sem_timedwait(s, NULL);
}

/* named semaphores would live in a shared namespace of processes, which Arca does not have */
sem_t *sem_open(const char *name, int flags, ...) {
    (void)name;
    (void)flags;
    errno = ENOSYS;
    return SEM_FAILED;
}

int sem_close(sem_t *s) {
    (void)s;
    errno = ENOSYS;
    return -1;
}

int sem_unlink(const char *name) {
    (void)name;
    errno = ENOSYS;
    return -1;
}
