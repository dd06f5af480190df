/* pthread_exit_thread - exit() in a thread other than the main one ends the process with its
 * status, after the atexit handlers (run in that thread) and a stdio flush; the main thread is
 * blocked in pthread_join meanwhile. */
#include "common.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_t main_thread;

static void at_exit(void) {
    printf("atexit handler ran in the exiting thread: %s\n", yesno(!pthread_equal(pthread_self(), main_thread)));
}

static void *exiter(void *arg) {
    (void)arg;
    printf("thread about to exit\n");
    printf("buffered, unflushed text");
    exit(3);
}

int main(void) {
    setvbuf(stdout, NULL, _IOFBF, 4096); /* the exit must flush it */
    main_thread = pthread_self();
    atexit(at_exit);
    pthread_t t;
    pthread_create(&t, NULL, exiter, NULL);
    pthread_join(t, NULL);
    printf("main: the join returned (should not happen)\n");
    return 0;
}
