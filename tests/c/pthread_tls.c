/* pthread_tls - _Thread_local variables (initialized and zeroed) are per thread, errno is per
 * thread, and a FILE written by many threads at once loses no line and tears none. */
#include "common.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define N 8
static _Thread_local int counter = 42;
static _Thread_local char name[16];
static pthread_barrier_t both;
static FILE *shared;

static void *worker(void *arg) {
    long id = (long)arg;
    int ok = counter == 42 && name[0] == 0;
    snprintf(name, sizeof name, "t%ld", id);
    for (int i = 0; i < 1000; i++) counter++;
    errno = (int)id + 1;
    pthread_barrier_wait(&both); /* every thread has written its own copies */
    ok = ok && counter == 1042 && errno == (int)id + 1;
    char want[16];
    snprintf(want, sizeof want, "t%ld", id);
    ok = ok && strcmp(name, want) == 0;
    /* many threads write one FILE at once: every line must come out whole */
    for (int i = 0; i < 50; i++) fprintf(shared, "line from thread %ld number %d\n", id, i);
    return (void *)(long)ok;
}

int main(void) {
    pthread_t t[N];
    pthread_barrier_init(&both, NULL, N + 1);
    shared = fopen("lines.txt", "w+");
    errno = 0;
    for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&both);
    int good = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        good += (int)(long)r;
    }
    rewind(shared);
    char line[64];
    int lines = 0, whole = 0, per[N] = {0};
    while (fgets(line, sizeof line, shared)) {
        long id;
        int k;
        lines++;
        if (sscanf(line, "line from thread %ld number %d\n", &id, &k) == 2 && id >= 0 && id < N && k == per[id]) {
            per[id]++;
            whole++;
        }
    }
    fclose(shared);
    printf("lines: %d, whole and in each thread's order: %d\n", lines, whole);
    printf("threads with their own copies: %d of %d\n", good, N);
    printf("main's counter: %d, errno: %d, name empty: %s\n", counter, errno, yesno(name[0] == 0));
    return 0;
}
