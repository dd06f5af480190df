/* pthread_killed - a signal whose default action ends the process (SIGTERM, sent to the process by
 * one thread) ends it while the main thread is blocked in pthread_join and another thread in
 * pthread_cond_wait: every thread stops, the status says SIGTERM. */
#include "common.h"
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t started;

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&m);
    pthread_barrier_wait(&started);
    for (;;) pthread_cond_wait(&never, &m);
    return NULL;
}

static void *killer(void *arg) {
    (void)arg;
    pthread_barrier_wait(&started);
    pthread_mutex_lock(&m); /* the waiter is in pthread_cond_wait once it can be taken */
    pthread_mutex_unlock(&m);
    printf("sending SIGTERM to the process\n");
    kill(getpid(), SIGTERM);
    for (;;) pause();
    return NULL;
}

int main(void) {
    pthread_barrier_init(&started, NULL, 2);
    pthread_t w, k;
    pthread_create(&w, NULL, waiter, NULL);
    pthread_create(&k, NULL, killer, NULL);
    pthread_join(w, NULL);
    printf("main: the join returned (should not happen)\n");
    return 0;
}
