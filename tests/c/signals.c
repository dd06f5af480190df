/* signals: handlers installed with sigaction and signal, run for signals from the process
 * itself and from its parent; blocked signals stay pending until unblocked; SIG_IGN; kill
 * errors. */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;
static volatile sig_atomic_t count[32];

static void handler(int sig) {
    count[sig]++;
}

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        /* child: count SIGUSR1 until SIGUSR2 arrives, then report through the exit code */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sigaction(SIGUSR1, &sa, NULL);
        sigaction(SIGUSR2, &sa, NULL);
        write(1, "r", 1); /* ready */
        for (int i = 0; i < 500 && !count[SIGUSR2]; i++) nap(10);
        return count[SIGUSR1] * 10 + count[SIGUSR2];
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    TRY("sigaction USR1", sigaction(SIGUSR1, &sa, NULL));
    TRY("raise USR1", raise(SIGUSR1));
    printf("handled: %d\n", count[SIGUSR1]);
    TRY("kill self USR1", kill(getpid(), SIGUSR1));
    printf("handled: %d\n", count[SIGUSR1]);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR1);
    printf("while blocked: %d\n", count[SIGUSR1]);
    sigset_t pend;
    sigpending(&pend);
    printf("pending: %s\n", yesno(sigismember(&pend, SIGUSR1)));
    sigprocmask(SIG_SETMASK, &old, NULL);
    getpid(); /* a syscall boundary */
    printf("after unblock: %d\n", count[SIGUSR1]);

    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored USR2, still alive\n");
    printf("SIGKILL cannot be caught: %s\n", sigaction(SIGKILL, &sa, NULL) < 0 ? errname(errno) : "caught?");

    /* signals from the parent to a child */
    int p[2];
    pipe(p);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    char *a[] = {argv[0], "child", NULL};
    pid_t pid;
    posix_spawn(&pid, argv[0], &fa, NULL, a, environ);
    close(p[1]);
    char c;
    read(p[0], &c, 1);
    kill(pid, SIGUSR1);
    nap(100);
    kill(pid, SIGUSR1);
    nap(100);
    kill(pid, SIGUSR2);
    int st;
    waitpid(pid, &st, 0);
    printf("child counted (USR1*10+USR2): %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));

    printf("kill of no such pid: %s\n", kill(99999, SIGTERM) < 0 ? errname(errno) : "ok?");
    printf("kill with a bad signal: %s\n", kill(getpid(), 999) < 0 ? errname(errno) : "ok?");
    return 0;
}
