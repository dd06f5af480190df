/* spawn_wait: a parent waiting for one child behaves the same whichever thread runs the child
 * (Arca runs a child on its waiting parent's thread when it can). A parent killed while it waits
 * is reaped at once, its child going on; a parent with a handler gets EINTR when a signal comes
 * while it waits; a child spawned by a parent that then computes without a syscall still runs
 * meanwhile; several processes spawning and waiting at once lose no child. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t spawn(char *self, char *mode, char *arg, int out) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    char *a[] = {self, mode, arg, NULL};
    pid_t pid = -1;
    int e = posix_spawn(&pid, self, &fa, NULL, a, environ);
    posix_spawn_file_actions_destroy(&fa);
    return e ? -e : pid;
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) {
    (void)sig;
    got_usr1 = 1;
}

static int child(char *self, char *mode, char *arg) {
    if (!strcmp(mode, "sleep")) {
        nap(atoi(arg));
        return 7;
    }
    if (!strcmp(mode, "waiter")) { /* waits for a child that sleeps ARG ms */
        pid_t c = spawn(self, "sleep", arg, -1);
        int st;
        waitpid(c, &st, 0);
        return 0;
    }
    if (!strcmp(mode, "handler")) { /* as waiter, with a SIGUSR1 handler; reports what waitpid did */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1; /* no SA_RESTART */
        sigaction(SIGUSR1, &sa, NULL);
        pid_t c = spawn(self, "sleep", arg, -1);
        int st;
        pid_t r = waitpid(c, &st, 0);
        int e = errno;
        int first = r < 0 && e == EINTR && got_usr1;
        r = waitpid(c, &st, 0);
        return first && r == c && WEXITSTATUS(st) == 7 ? 0 : 1;
    }
    if (!strcmp(mode, "mark")) { /* writes one byte to stdout */
        write(1, "m", 1);
        return 0;
    }
    if (!strcmp(mode, "loop")) { /* spawns and waits ARG children */
        int n = atoi(arg), ok = 0;
        for (int i = 0; i < n; i++) {
            pid_t c = spawn(self, "sleep", "0", -1);
            int st;
            if (c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7) ok++;
        }
        return ok == n ? 0 : 1;
    }
    return 99;
}

int main(int argc, char **argv) {
    if (argc > 2) return child(argv[0], argv[1], argv[2]);
    int st;

    /* killed while waiting for a child that sleeps 3 s: reaped at once */
    pid_t w = spawn(argv[0], "waiter", "3000", -1);
    nap(300);
    double t0 = now();
    kill(w, SIGKILL);
    pid_t r = waitpid(w, &st, 0);
    double dt = now() - t0;
    printf("waiting parent killed: %s, reaped within 1 s: %s\n", r == w && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "SIGKILL" : "other",
           yesno(dt < 1.0));

    /* a signal for a waiting parent with a handler: EINTR, then the child is reaped */
    pid_t h = spawn(argv[0], "handler", "600", -1);
    nap(300);
    kill(h, SIGUSR1);
    waitpid(h, &st, 0);
    printf("waiting parent with a handler: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "EINTR, then reaped" : "other");

    /* a parent that computes after a spawn: the child runs meanwhile */
    int p[2];
    pipe(p);
    pid_t m = spawn(argv[0], "mark", "x", p[1]);
    close(p[1]);
    volatile unsigned long x = 0;
    for (long i = 0; i < 200000000L; i++) x++; /* no syscall in between */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char b;
    printf("child ran while the parent computed: %s\n", yesno(read(p[0], &b, 1) == 1));
    waitpid(m, &st, 0);
    close(p[0]);

    /* four processes spawning and waiting 25 children each, at once */
    pid_t kids[4];
    for (int i = 0; i < 4; i++) kids[i] = spawn(argv[0], "loop", "25", -1);
    int good = 0;
    for (int i = 0; i < 4; i++) {
        if (waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0) good++;
    }
    printf("spawning at once: %d of 4 spawned and reaped all theirs\n", good);
    return 0;
}
