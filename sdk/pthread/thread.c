/* Threads: create, join, detach, exit, self, keys, once, attributes, names, signals.
   pthread_create allocates one block (stack, TLS block, control block) and asks the kernel for a
   thread (wasi.thread-spawn); the new thread enters the module's export wasi_thread_start
   (wasi_thread_start.s), which sets its stack pointer and TLS and calls __arca_thread_main. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((import_module("wasi"), import_name("thread-spawn"))) int32_t __arca_wasi_thread_spawn(void *start_arg);

#include "arca_abi.h" /* __arca_thread_signal: pthread_kill */

/* A thread's stack when the attributes name none: 1 MiB, as arca cc gives the main thread
   (docs/threads.md); the stack is part of the block malloc gives, so it costs linear memory. */
#define DEFAULT_STACK_SIZE (1u << 20)

/* the export a new thread starts at (wasi_thread_start.s): this reference links it in */
void wasi_thread_start(int tid, void *start_arg);
__attribute__((used)) static void (*const thread_entry)(int, void *) = wasi_thread_start;

static struct __pthread main_thread;
static _Thread_local struct __pthread *self;

struct __pthread *__arca_self(void) {
    struct __pthread *s = self;
    if (!s) { /* the main thread, on its first call */
        s = &main_thread;
        s->tid = getpid();
        s->detach_state = DS_JOINABLE;
        self = s;
    }
    return s;
}

pthread_t pthread_self(void) {
    return __arca_self();
}

pid_t gettid(void) {
    return __arca_self()->tid;
}

#undef pthread_equal
int pthread_equal(pthread_t a, pthread_t b) {
    return a == b;
}

/* Threads running other than the main thread: the main thread's pthread_exit waits for 0. */
static volatile int running;

/* Detached threads that ended: their blocks are freed by the next pthread_create once their
   done flag says they touch them no more. */
static volatile int dead_lock;
static struct __pthread *dead;

static void reap_dead(void) {
    __arca_lock_word(&dead_lock, 0, NULL);
    struct __pthread **p = &dead;
    while (*p) {
        struct __pthread *t = *p;
        if (atomic_load(&t->done)) {
            *p = t->next_dead;
            free(t->block);
        } else {
            p = &t->next_dead;
        }
    }
    __arca_unlock_word(&dead_lock);
}

/* keys: a slot is in use while its destructor is not FREE_KEY */
static void no_destructor(void *v) {
    (void)v;
}
#define FREE_KEY ((void (*)(void *))0)
static void (*volatile key_destructors[PTHREAD_KEYS_MAX])(void *);
static volatile int keys_lock;

static void run_key_destructors(struct __pthread *t) {
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
            void *v = t->keys[k];
            void (*d)(void *) = key_destructors[k];
            if (v && d != FREE_KEY && d != no_destructor) {
                t->keys[k] = NULL;
                d(v);
                ran = 1;
            }
        }
        if (!ran) return;
    }
}

static void run_cleanup_handlers(struct __pthread *t) {
    while (t->cleanup) {
        struct __ptcb *cb = t->cleanup;
        t->cleanup = cb->__next;
        cb->__f(cb->__x);
    }
}

/* the end of a thread other than the main one: after the last store nothing touches the block */
static void finish(struct __pthread *t) {
    run_cleanup_handlers(t);
    run_key_destructors(t);
    if (atomic_add(&running, -1) == 1) futex_wake(&running, WAKE_ALL);
    if (atomic_swap(&t->detach_state, DS_EXITED) == DS_DETACHED) {
        __arca_lock_word(&dead_lock, 0, NULL);
        t->next_dead = dead;
        dead = t;
        __arca_unlock_word(&dead_lock);
    }
    atomic_store(&t->done, 1);
    futex_wake(&t->done, WAKE_ALL);
}

/* Runs a thread's start routine. C++ programs link libarca++'s definition instead
   (sdk/libarca/cxx_main.cpp), which hands a C++ exception that leaves the routine to
   std::terminate: WebAssembly's exceptions have no search phase, so without it the exception
   would leave the thread's instance as a bare trap. pthread_exit's longjmp passes through it. */
__attribute__((weak)) void *__arca_thread_run(void *(*start)(void *), void *arg) {
    return start(arg);
}

/* called by wasi_thread_start once the stack pointer and TLS are set */
void __arca_thread_main(int tid, struct __pthread *t) {
    self = t;
    t->tid = tid;
    if (setjmp(t->exit_jmp) == 0) t->result = __arca_thread_run(t->start, t->arg);
    finish(t);
}

_Noreturn void pthread_exit(void *result) {
    struct __pthread *t = __arca_self();
    if (t == &main_thread) {
        /* the process lives on until its last thread ends, then exits with status 0 */
        run_cleanup_handlers(t);
        run_key_destructors(t);
        int n;
        while ((n = atomic_load(&running)) != 0) futex_wait(&running, n, -1);
        exit(0);
    }
    t->result = result;
    longjmp(t->exit_jmp, 1);
}

#define ATTR_STACKSIZE(a) ((a)->__u.__s[0])
#define ATTR_DETACH(a) ((a)->__u.__i[1])
#define ATTR_GUARDSIZE(a) ((a)->__u.__s[2])
#define ATTR_STACKADDR(a) ((a)->__u.__s[3])
#define ATTR_SCHEDPOLICY(a) ((a)->__u.__i[4])
#define ATTR_PRIORITY(a) ((a)->__u.__i[5])
#define ATTR_INHERIT(a) ((a)->__u.__i[6])
#define ATTR_SCOPE(a) ((a)->__u.__i[7])

int pthread_create(pthread_t *restrict out, const pthread_attr_t *restrict attr, void *(*start)(void *), void *restrict arg) {
    __arca_self(); /* the main thread's control block exists before any other thread's */
    reap_dead();
    size_t stack = attr && ATTR_STACKSIZE(attr) ? ATTR_STACKSIZE(attr) : DEFAULT_STACK_SIZE;
    stack = (stack + 15) & ~(size_t)15;
    size_t tls_align = __builtin_wasm_tls_align();
    if (tls_align < 16) tls_align = 16;
    size_t tls_size = (__builtin_wasm_tls_size() + tls_align - 1) & ~(tls_align - 1);
    size_t size = stack + tls_align + tls_size + sizeof(struct __pthread);
    if (size < stack) return EAGAIN;
    char *block = malloc(size);
    if (!block) return EAGAIN;
    char *tls = (char *)(((uintptr_t)block + stack + tls_align - 1) & ~(uintptr_t)(tls_align - 1));
    struct __pthread *t = (struct __pthread *)(tls + tls_size);
    memset(t, 0, sizeof *t);
    t->stack_top = block + stack; /* the stack grows down from here */
    t->tls = tls;
    t->block = block;
    t->stack_size = stack;
    t->start = start;
    t->arg = arg;
    t->detach_state = attr && ATTR_DETACH(attr) == PTHREAD_CREATE_DETACHED ? DS_DETACHED : DS_JOINABLE;
    atomic_add(&running, 1);
    int tid = __arca_wasi_thread_spawn(t);
    if (tid <= 0) {
        atomic_add(&running, -1);
        free(block);
        return EAGAIN;
    }
    /* the thread stores its id too (it may run before this returns); both write the same value */
    t->tid = tid;
    *out = t;
    return 0;
}

int pthread_join(pthread_t t, void **result) {
    if (t == __arca_self()) return EDEADLK;
    if (t == &main_thread) return EINVAL; /* nobody ever gets the main thread's end */
    if (atomic_load(&t->detach_state) == DS_DETACHED) return EINVAL;
    while (!atomic_load(&t->done)) futex_wait(&t->done, 0, -1);
    if (result) *result = t->result;
    free(t->block);
    return 0;
}

int pthread_detach(pthread_t t) {
    if (t == &main_thread) return 0;
    int old = atomic_cas(&t->detach_state, DS_JOINABLE, DS_DETACHED);
    if (old == DS_DETACHED) return EINVAL;
    if (old == DS_EXITED) return pthread_join(t, NULL); /* it ended joinable: release it now */
    return 0;
}

int pthread_once(pthread_once_t *once, void (*init)(void)) {
    volatile int *o = (volatile int *)once; /* 0 not run, 1 running, 2 done, 3 running and waited for */
    for (;;) {
        int v = atomic_load(o);
        if (v == 2) return 0;
        if (v == 0) {
            if (atomic_cas(o, 0, 1) != 0) continue;
            init();
            if (atomic_swap(o, 2) == 3) futex_wake(o, WAKE_ALL);
            return 0;
        }
        if (v == 1 && atomic_cas(o, 1, 3) != 1) continue;
        futex_wait(o, 3, -1);
    }
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
    int r = EAGAIN;
    __arca_lock_word(&keys_lock, 0, NULL);
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
        if (key_destructors[k] == FREE_KEY) {
            key_destructors[k] = destructor ? destructor : no_destructor;
            *key = k;
            r = 0;
            break;
        }
    }
    __arca_unlock_word(&keys_lock);
    return r;
}

/* The values other threads keep for a deleted key are not cleared (POSIX leaves that to the
   program); a new key in the same slot starts from the value the creating thread clears. */
int pthread_key_delete(pthread_key_t key) {
    if (key >= PTHREAD_KEYS_MAX || key_destructors[key] == FREE_KEY) return EINVAL;
    __arca_self()->keys[key] = NULL;
    key_destructors[key] = FREE_KEY;
    return 0;
}

void *pthread_getspecific(pthread_key_t key) {
    return key < PTHREAD_KEYS_MAX ? __arca_self()->keys[key] : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value) {
    if (key >= PTHREAD_KEYS_MAX || key_destructors[key] == FREE_KEY) return EINVAL;
    __arca_self()->keys[key] = (void *)value;
    return 0;
}

void _pthread_cleanup_push(struct __ptcb *cb, void (*f)(void *), void *x) {
    struct __pthread *t = __arca_self();
    cb->__f = f;
    cb->__x = x;
    cb->__next = t->cleanup;
    t->cleanup = cb;
}

void _pthread_cleanup_pop(struct __ptcb *cb, int run) {
    __arca_self()->cleanup = cb->__next;
    if (run) cb->__f(cb->__x);
}

/* Cancellation is not supported (docs/threads.md): the state and type are only recorded. */
int pthread_cancel(pthread_t t) {
    (void)t;
    return ENOSYS;
}

int pthread_setcancelstate(int state, int *old) {
    if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE) return EINVAL;
    struct __pthread *t = __arca_self();
    if (old) *old = t->cancel_state;
    t->cancel_state = state;
    return 0;
}

int pthread_setcanceltype(int type, int *old) {
    if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS) return EINVAL;
    struct __pthread *t = __arca_self();
    if (old) *old = t->cancel_type;
    t->cancel_type = type;
    return 0;
}

void pthread_testcancel(void) {
}

int pthread_kill(pthread_t t, int sig) {
    if (sig < 0 || sig > 64) return EINVAL;
    return __arca_thread_signal(t->tid, sig);
}

int pthread_setname_np(pthread_t t, const char *name) {
    size_t n = strlen(name);
    if (n >= sizeof t->name) return ERANGE;
    memcpy(t->name, name, n + 1);
    return 0;
}

int pthread_getname_np(pthread_t t, char *buf, size_t size) {
    size_t n = strlen(t->name);
    if (n >= size) return ERANGE;
    memcpy(buf, t->name, n + 1);
    return 0;
}

int pthread_yield(void) {
    return sched_yield();
}

/* attributes */
int pthread_attr_init(pthread_attr_t *a) {
    memset(a, 0, sizeof *a);
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a) {
    (void)a;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size) {
    if (size < PTHREAD_STACK_MIN || size > SIZE_MAX / 4) return EINVAL;
    ATTR_STACKSIZE(a) = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *restrict a, size_t *restrict size) {
    *size = ATTR_STACKSIZE(a) ? ATTR_STACKSIZE(a) : DEFAULT_STACK_SIZE;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state) {
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
    ATTR_DETACH(a) = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state) {
    *state = ATTR_DETACH(a);
    return 0;
}

/* wasm memory has no guard pages: the size is recorded and reported, nothing more */
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size) {
    ATTR_GUARDSIZE(a) = size;
    return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *restrict a, size_t *restrict size) {
    *size = ATTR_GUARDSIZE(a);
    return 0;
}

/* a stack the caller allocates is not supported: the stack is part of the thread's block */
int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size) {
    (void)a;
    (void)addr;
    (void)size;
    return ENOTSUP;
}

int pthread_attr_getstack(const pthread_attr_t *restrict a, void **restrict addr, size_t *restrict size) {
    *addr = (void *)ATTR_STACKADDR(a);
    return pthread_attr_getstacksize(a, size);
}

int pthread_attr_setscope(pthread_attr_t *a, int scope) {
    if (scope == PTHREAD_SCOPE_PROCESS) return ENOTSUP;
    if (scope != PTHREAD_SCOPE_SYSTEM) return EINVAL;
    ATTR_SCOPE(a) = scope;
    return 0;
}

int pthread_attr_getscope(const pthread_attr_t *restrict a, int *restrict scope) {
    *scope = ATTR_SCOPE(a);
    return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy) {
    if (policy != SCHED_OTHER) return ENOTSUP;
    ATTR_SCHEDPOLICY(a) = policy;
    return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *restrict a, int *restrict policy) {
    *policy = ATTR_SCHEDPOLICY(a);
    return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *restrict a, const struct sched_param *restrict p) {
    if (p->sched_priority != 0) return ENOTSUP;
    ATTR_PRIORITY(a) = p->sched_priority;
    return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *restrict a, struct sched_param *restrict p) {
    p->sched_priority = ATTR_PRIORITY(a);
    return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit) {
    if (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED) return EINVAL;
    ATTR_INHERIT(a) = inherit;
    return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *restrict a, int *restrict inherit) {
    *inherit = ATTR_INHERIT(a);
    return 0;
}

int pthread_getattr_np(pthread_t t, pthread_attr_t *a) {
    pthread_attr_init(a);
    ATTR_STACKSIZE(a) = t == &main_thread ? DEFAULT_STACK_SIZE : t->stack_size;
    ATTR_STACKADDR(a) = t == &main_thread ? 0 : (unsigned long)t->stack_top;
    ATTR_DETACH(a) = atomic_load(&t->detach_state) == DS_DETACHED ? PTHREAD_CREATE_DETACHED : PTHREAD_CREATE_JOINABLE;
    return 0;
}

/* scheduling: one policy, one priority */
int pthread_getschedparam(pthread_t t, int *restrict policy, struct sched_param *restrict p) {
    (void)t;
    *policy = SCHED_OTHER;
    p->sched_priority = 0;
    return 0;
}

int pthread_setschedparam(pthread_t t, int policy, const struct sched_param *p) {
    (void)t;
    return policy == SCHED_OTHER && p->sched_priority == 0 ? 0 : EPERM;
}

int pthread_setschedprio(pthread_t t, int prio) {
    (void)t;
    return prio == 0 ? 0 : EPERM;
}

static int concurrency;

int pthread_getconcurrency(void) {
    return concurrency;
}

int pthread_setconcurrency(int level) {
    if (level < 0) return EINVAL;
    concurrency = level;
    return 0;
}

int pthread_getcpuclockid(pthread_t t, clockid_t *clock) {
    (void)t;
    (void)clock;
    return ENOENT;
}

int sched_get_priority_max(int policy) {
    (void)policy;
    return 0;
}

int sched_get_priority_min(int policy) {
    (void)policy;
    return 0;
}

int sched_getscheduler(pid_t pid) {
    (void)pid;
    return SCHED_OTHER;
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *p) {
    (void)pid;
    if (policy != SCHED_OTHER || p->sched_priority != 0) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

int sched_getparam(pid_t pid, struct sched_param *p) {
    (void)pid;
    p->sched_priority = 0;
    return 0;
}

int sched_setparam(pid_t pid, const struct sched_param *p) {
    return sched_setscheduler(pid, SCHED_OTHER, p);
}

/* Arca has no fork, so the handlers would never run */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void)) {
    (void)prepare;
    (void)parent;
    (void)child;
    return 0;
}
