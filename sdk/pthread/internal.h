/* Arca's pthreads: what the parts share. A thread is a wasi-threads thread (wasi.thread-spawn, the
   export wasi_thread_start); every blocking wait is wasm's futex (memory.atomic.wait32/notify) on
   the shared memory, whose waits may end spuriously, so every wait is in a loop. */
#ifndef ARCA_PTHREAD_INTERNAL_H
#define ARCA_PTHREAD_INTERNAL_H
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>

/* the thread control block; the first two fields are read by wasi_thread_start.s */
struct __pthread {
    void *stack_top;            /* offset 0: the new thread's __stack_pointer */
    void *tls;                  /* offset 4: its TLS block, given to __wasm_init_tls */
    volatile int tid;           /* the kernel's thread id (the process id for the main thread) */
    void *(*start)(void *);
    void *arg;
    void *result;
    volatile int detach_state;  /* DS_* */
    volatile int done;          /* 1 once the thread touches nothing of its block any more */
    void *block;                /* what malloc gave: stack, TLS and this structure (0: main) */
    size_t stack_size;
    int cancel_state, cancel_type;
    jmp_buf exit_jmp;           /* pthread_exit returns to wasi_thread_start through it */
    struct __ptcb *cleanup;
    void *keys[PTHREAD_KEYS_MAX];
    char name[16];
    struct __pthread *next_dead;
};

enum { DS_JOINABLE, DS_DETACHED, DS_EXITED };

struct __pthread *__arca_self(void);

static inline int atomic_load(volatile int *p) {
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline void atomic_store(volatile int *p, int v) {
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}
static inline int atomic_cas(volatile int *p, int expected, int desired) {
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected; /* the value seen */
}
static inline int atomic_swap(volatile int *p, int v) {
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
static inline int atomic_add(volatile int *p, int v) {
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); /* the old value */
}

/* Waits while *p == expected, until woken, for at most timeout_ns (-1: no limit). 0: woken (or
   spuriously), 1: *p was not expected, 2: timed out. */
static inline int futex_wait(volatile int *p, int expected, int64_t timeout_ns) {
    return __builtin_wasm_memory_atomic_wait32((int *)p, expected, timeout_ns);
}
static inline void futex_wake(volatile int *p, unsigned count) {
    __builtin_wasm_memory_atomic_notify((int *)p, count);
}
#define WAKE_ALL 0x7fffffffu

/* Nanoseconds from now until the absolute time *at on clock, 0 when it has passed; -1 for
   at == NULL. EINVAL for a malformed timespec. */
int __arca_timeout(clockid_t clock, const struct timespec *at, int64_t *ns);

/* The lock word of a mutex: 0 free, 1 held, 2 held and maybe waited for. */
int __arca_lock_word(volatile int *l, clockid_t clock, const struct timespec *at);
void __arca_unlock_word(volatile int *l);
#endif
