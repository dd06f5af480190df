/* pthread_signals - pthread_kill runs the handler in the target thread; pthread_kill(t, 0) checks
 * that a thread exists; pthread_sigmask is per thread, so a signal sent to the process goes to the
 * one thread that does not block it; an invalid signal is EINVAL. */
#define _GNU_SOURCE
#include "common.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

static atomic_int handled_by, handled2_by, stop;

static void on_usr1(int sig) {
    (void)sig;
    atomic_store(&handled_by, gettid());
}

static void on_usr2(int sig) {
    (void)sig;
    atomic_store(&handled2_by, gettid());
}

static atomic_int worker_tid, worker_ready, inherited_usr2;

static void *worker(void *arg) {
    (void)arg;
    atomic_store(&worker_tid, gettid());
    sigset_t set, inherited;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &set, &inherited);
    atomic_store(&inherited_usr2, sigismember(&inherited, SIGUSR2));
    atomic_store(&worker_ready, 1);
    struct timespec ts = {0, 1000000};
    /* makes calls, at whose boundaries Arca runs handlers */
    while (!atomic_load(&stop)) nanosleep(&ts, NULL);
    return NULL;
}

static void wait_for(atomic_int *v) {
    struct timespec ts = {0, 1000000};
    for (int i = 0; i < 5000 && !atomic_load(v); i++) nanosleep(&ts, NULL);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);

    /* the main thread blocks SIGUSR2; the worker, made after, unblocks it */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    printf("pthread_sigmask block: %s\n", errname(pthread_sigmask(SIG_BLOCK, &set, &old)));
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    printf("SIGUSR2 blocked in main: %s\n", yesno(sigismember(&now, SIGUSR2)));

    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_for(&worker_ready);

    printf("pthread_kill 0: %s\n", errname(pthread_kill(t, 0)));
    printf("pthread_kill 999: %s\n", errname(pthread_kill(t, 999)));
    printf("pthread_kill SIGUSR1: %s\n", errname(pthread_kill(t, SIGUSR1)));
    wait_for(&handled_by);
    printf("SIGUSR1 handled by the worker: %s\n", yesno(atomic_load(&handled_by) == atomic_load(&worker_tid)));

    printf("the worker started with main's mask: %s\n", yesno(atomic_load(&inherited_usr2)));
    /* to the process: the worker is the one thread that does not block SIGUSR2 */
    printf("kill the process SIGUSR2: %s\n", errname(kill(getpid(), SIGUSR2) ? errno : 0));
    wait_for(&handled2_by);
    printf("SIGUSR2 handled by the worker: %s\n", yesno(atomic_load(&handled2_by) == atomic_load(&worker_tid)));
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    printf("SIGUSR2 still blocked in main: %s\n", yesno(sigismember(&now, SIGUSR2)));
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    return 0;
}
