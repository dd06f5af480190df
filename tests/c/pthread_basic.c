/* pthread_basic - create/join with return values, pthread_exit's value, detach, self/equal,
 * attributes (detach state, stack size), getattr_np, names, gettid, sched_yield and nanosleep in
 * threads, sysconf(_SC_NPROCESSORS_ONLN). */
#define _GNU_SOURCE
#include "common.h"
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void *twice(void *arg) {
    sched_yield();
    return (void *)((long)arg * 2);
}

static void inner_exit(long v) {
    pthread_exit((void *)(v + 100));
}

static void *exits(void *arg) {
    inner_exit((long)arg);
    return NULL; /* never reached */
}

static sem_t detached_done;
static volatile int detached_ran;

static void *detached(void *arg) {
    (void)arg;
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    detached_ran = 1;
    sem_post(&detached_done);
    return NULL;
}

static pthread_t main_self;

static void *identity(void *arg) {
    int *out = arg;
    out[0] = pthread_equal(pthread_self(), main_self) != 0;
    out[1] = gettid() != getpid();
    out[2] = pthread_join(pthread_self(), NULL);
    return NULL;
}

int main(void) {
    pthread_t t[8];
    for (long i = 0; i < 8; i++) {
        if (pthread_create(&t[i], NULL, twice, (void *)i) != 0) return 1;
    }
    long sum = 0;
    for (int i = 0; i < 8; i++) {
        void *r;
        printf("join %d: %s\n", i, errname(pthread_join(t[i], &r)));
        sum += (long)r;
    }
    printf("sum of return values: %ld\n", sum);

    void *r;
    pthread_create(&t[0], NULL, exits, (void *)5L);
    pthread_join(t[0], &r);
    printf("pthread_exit value: %ld\n", (long)r);

    /* detach after create, and created detached */
    sem_init(&detached_done, 0, 0);
    pthread_create(&t[0], NULL, detached, NULL);
    printf("detach: %s\n", errname(pthread_detach(t[0])));
    sem_wait(&detached_done);
    pthread_attr_t a;
    pthread_attr_init(&a);
    int ds = -1;
    pthread_attr_getdetachstate(&a, &ds);
    printf("default detach state joinable: %s\n", yesno(ds == PTHREAD_CREATE_JOINABLE));
    printf("setdetachstate detached: %s\n", errname(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED)));
    printf("setdetachstate 99: %s\n", errname(pthread_attr_setdetachstate(&a, 99)));
    pthread_attr_getdetachstate(&a, &ds);
    printf("detach state detached: %s\n", yesno(ds == PTHREAD_CREATE_DETACHED));
    detached_ran = 0;
    printf("create detached: %s\n", errname(pthread_create(&t[0], &a, detached, NULL)));
    sem_wait(&detached_done);
    printf("detached thread ran: %s\n", yesno(detached_ran));
    pthread_attr_destroy(&a);

    /* stack size */
    pthread_attr_init(&a);
    printf("setstacksize 1 byte: %s\n", errname(pthread_attr_setstacksize(&a, 1)));
    printf("setstacksize 256 KiB: %s\n", errname(pthread_attr_setstacksize(&a, 256 * 1024)));
    size_t ss = 0;
    pthread_attr_getstacksize(&a, &ss);
    printf("getstacksize: %zu\n", ss);
    pthread_attr_destroy(&a);

    /* identity */
    main_self = pthread_self();
    printf("self equals self: %s\n", yesno(pthread_equal(pthread_self(), main_self) != 0));
    printf("main thread's tid is the pid: %s\n", yesno(gettid() == getpid()));
    int id[3];
    pthread_create(&t[0], NULL, identity, id);
    pthread_join(t[0], NULL);
    printf("thread's self is not main's: %s\n", yesno(!id[0]));
    printf("thread's tid is not the pid: %s\n", yesno(id[1]));
    printf("join self: %s\n", errname(id[2]));

    /* names */
    printf("setname: %s\n", errname(pthread_setname_np(pthread_self(), "arca-main")));
    printf("setname of 16 chars: %s\n", errname(pthread_setname_np(pthread_self(), "0123456789abcdef")));
    char name[16];
    pthread_getname_np(pthread_self(), name, sizeof name);
    printf("getname: %s\n", name);

    pthread_attr_t got;
    printf("getattr_np: %s\n", errname(pthread_getattr_np(pthread_self(), &got)));
    pthread_attr_getdetachstate(&got, &ds);
    printf("main is joinable: %s\n", yesno(ds == PTHREAD_CREATE_JOINABLE));
    pthread_attr_destroy(&got);

    printf("processors online >= 1: %s\n", yesno(sysconf(_SC_NPROCESSORS_ONLN) >= 1));
    return 0;
}
