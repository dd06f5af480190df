/* pthread_hostile - what a program can do with the thread calls directly, below pthreads:
 * arca.thread_signal to ids that are not its threads (ESRCH, nothing else is signalled), a bad
 * signal number, and wasi.thread-spawn with a start argument pointing outside memory: the new
 * thread traps at its first load, which ends the whole process with one line. */
#include "common.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "../../../sdk/libarca/arca_abi.h"

__attribute__((import_module("wasi"), import_name("thread-spawn"))) int32_t raw_thread_spawn(int32_t start_arg);

static void *nothing(void *arg) {
    return arg;
}

int main(void) {
    int bad = 0;
    /* one ordinary thread first (this also links wasi_thread_start, which the module must export) */
    pthread_t t;
    printf("an ordinary thread: %s\n", errname(pthread_create(&t, NULL, nothing, NULL)));
    pthread_join(t, NULL);
    /* (the pid is the main thread's id: signalling it would be legitimate; pid+1 is the joined
       thread's id, which POSIX leaves undefined after the join and which raced the thread's
       exit here: its wasm code wakes the joiner just before the kernel drops the thread) */
    int ids[] = {0, -1, getpid() + 100000, getppid(), 0x7fffffff, (int)0x80000000u};
    const char *names[] = {"0", "-1", "pid+100000", "ppid", "INT_MAX", "INT_MIN"};
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        if (ids[i] == getpid()) continue;
        int r = __arca_thread_signal(ids[i], SIGTERM);
        printf("thread_signal(%s, SIGTERM): %s\n", names[i], errname(r));
        if (r != ESRCH) bad++;
    }
    int r = __arca_thread_signal(getpid(), 77);
    printf("thread_signal(self, 77): %s\n", errname(r));
    if (r != EINVAL) bad++;
    printf("thread_signal(self, 0): %s\n", errname(__arca_thread_signal(getpid(), 0)));
    printf("all refused: %s\n", yesno(!bad));
    fflush(stdout);
    /* a start argument at the very end of the 4 GiB address space: the thread's first load traps,
       which may end the process before thread-spawn has even returned here */
    int tid = raw_thread_spawn((int32_t)0xfffffff0u);
    printf("thread-spawn returned %s\n", tid > 0 ? "an id" : errname(-tid));
    fflush(stdout);
    sleep(20); /* the trap ends the process long before */
    return 1;
}
