/* pthread_bomb - create threads until pthread_create fails with EAGAIN (Arca's thread limit, 64 by
 * default) or a cap of 500 (natively), then release and join them all and exit cleanly. */
#include "common.h"
#include <pthread.h>
#include <stdatomic.h>

#define CAP 500
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t release_cv = PTHREAD_COND_INITIALIZER;
static int released;
static atomic_int started;

static void *sleeper(void *arg) {
    (void)arg;
    atomic_fetch_add(&started, 1);
    pthread_mutex_lock(&m);
    while (!released) pthread_cond_wait(&release_cv, &m);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void) {
    static pthread_t t[CAP];
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    int n = 0, r = 0;
    while (n < CAP && (r = pthread_create(&t[n], &a, sleeper, NULL)) == 0) n++;
    printf("created at least 16: %s\n", yesno(n >= 16));
    printf("stopped by EAGAIN or the cap: %s\n", yesno(r == EAGAIN || n == CAP));
    pthread_mutex_lock(&m);
    released = 1;
    pthread_cond_broadcast(&release_cv);
    pthread_mutex_unlock(&m);
    int joined = 0;
    for (int i = 0; i < n; i++) joined += pthread_join(t[i], NULL) == 0;
    printf("joined all: %s, all started: %s\n", yesno(joined == n), yesno(atomic_load(&started) == n));
    /* and threads can be made again once the others are gone */
    pthread_t again;
    printf("create after joining: %s\n", errname(pthread_create(&again, NULL, sleeper, NULL)));
    pthread_join(again, NULL);
    return 0;
}
