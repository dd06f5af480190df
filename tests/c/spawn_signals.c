/* spawn_signals: a spawned child's signals as execve leaves them: what the parent ignores stays
 * ignored, handled signals start at their default, the spawning thread's mask is the child's;
 * posix_spawn's POSIX_SPAWN_SETSIGMASK replaces the mask and POSIX_SPAWN_SETSIGDEF resets the
 * signals it names (sigfillset sets included, as programs pass them). Each child also shows it:
 * a USR1 it ignores leaves it alive, a USR1 at its default kills it, a USR2 it blocks stays
 * pending. */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static void handler(int sig) {
    (void)sig;
}

static const char *what(int sig) {
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) != 0) return errname(errno);
    return sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled";
}

static void report(const char *label) {
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    printf("%s: HUP %s, USR1 %s, USR2 %s, TERM %s; blocks INT %d, USR1 %d, USR2 %d, TERM %d\n", label, what(SIGHUP),
           what(SIGUSR1), what(SIGUSR2), what(SIGTERM), sigismember(&m, SIGINT), sigismember(&m, SIGUSR1),
           sigismember(&m, SIGUSR2), sigismember(&m, SIGTERM));
}

static void child(const char *label) {
    report(label);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    if (sigismember(&m, SIGUSR2)) {
        raise(SIGUSR2);
        sigset_t p;
        sigpending(&p);
        printf("%s: a blocked USR2 is pending: %d\n", label, sigismember(&p, SIGUSR2));
    }
    raise(SIGUSR1); /* ignored: goes on; at its default: the end of this child */
    printf("%s: alive after USR1\n", label);
}

static void run(const char *self, const char *label, const posix_spawnattr_t *at) {
    char *a[] = {(char *)self, (char *)label, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, self, NULL, at, a, environ);
    if (err) {
        printf("%s: spawn: %s\n", label, errname(err));
        return;
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st)) printf("%s: exit %d\n", label, WEXITSTATUS(st));
    else printf("%s: killed by %s\n", label, WTERMSIG(st) == SIGUSR1 ? "USR1" : "another signal");
}

int main(int argc, char **argv) {
    if (argc > 1) {
        child(argv[1]);
        return 0;
    }
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, NULL);
    report("parent");

    run(argv[0], "inherited", NULL);

    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t def, mask;
    sigemptyset(&def);
    sigaddset(&def, SIGUSR1);
    sigaddset(&def, SIGUSR2); /* handled in the parent: default anyway */
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &mask);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    run(argv[0], "sigdef USR1 USR2, sigmask USR2", &at);

    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK); /* the set stays, the flag decides */
    sigemptyset(&mask);
    posix_spawnattr_setsigmask(&at, &mask);
    run(argv[0], "sigmask empty only", &at);

    sigfillset(&def);
    sigfillset(&mask);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &mask);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    run(argv[0], "sigfillset both", &at);
    posix_spawnattr_destroy(&at);

    report("parent after"); /* the parent's own signals are untouched by all that */
    return 0;
}
