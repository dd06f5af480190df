/* pthread_lpthread - built as configure scripts build (SQLite's): compiled without -pthread, linked
 * with -lpthread. errno stays per thread, the C library's heap and stdio locks hold, a mutex
 * counter is exact. */
#include "common.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define N 4
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pthread_barrier_t both;

static void *worker(void *arg) {
    long id = (long)arg;
    errno = 0;
    int fd = open("no-such-dir/file", O_RDONLY);
    int mine = fd < 0 ? errno : 0;
    pthread_barrier_wait(&both); /* every thread has its error, main has its own */
    int kept = errno == mine;
    for (int i = 0; i < 10000; i++) {
        char *p = malloc(16 + (i % 64));
        p[0] = (char)id;
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
        free(p);
    }
    return (void *)(long)(kept && mine == ENOENT);
}

int main(void) {
    pthread_t t[N];
    pthread_barrier_init(&both, NULL, N + 1);
    errno = 0;
    for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    errno = EEXIST;
    pthread_barrier_wait(&both);
    int ok = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += (int)(long)r;
    }
    printf("threads whose errno was their own (ENOENT): %d of %d\n", ok, N);
    printf("main's errno kept: %s\n", yesno(errno == EEXIST));
    printf("counter: %ld (want %d)\n", counter, N * 10000);
    return 0;
}
