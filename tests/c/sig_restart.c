/* sig_restart: a handler installed with SA_RESTART lets a blocking read of a pipe and a waitpid
 * go on after it ran; without SA_RESTART the same read fails with EINTR and the data stays; a
 * poll is never restarted (signal(7)). The parent signals a child while the child blocks; the
 * child reports on its standard output, which the parent prints. */
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;
static volatile sig_atomic_t handled;

static void handler(int sig) {
    (void)sig;
    handled++;
}

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t spawn(const char *self, const char *mode, int in, int out) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    char *a[] = {(char *)self, (char *)mode, NULL};
    pid_t pid = -1;
    int e = posix_spawn(&pid, self, &fa, NULL, a, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0) {
        printf("posix_spawn: %s\n", errname(e));
        exit(1);
    }
    return pid;
}

/* The child: installs the handler, says it is ready, blocks in one call, reports. */
static int blocker(const char *self, const char *mode) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = strstr(mode, "restart") ? SA_RESTART : 0;
    sigaction(SIGUSR1, &sa, NULL);
    char line[128], buf[32];
    if (strstr(mode, "read")) {
        write(1, "r", 1);
        ssize_t n = read(0, buf, sizeof buf);
        int e = errno;
        int len = snprintf(line, sizeof line, "%s: read %d %s, handler ran %d", mode, (int)n, n >= 0 ? "bytes" : errname(e), handled);
        if (n < 0) len += snprintf(line + len, sizeof line - len, "; then read %d bytes", (int)read(0, buf, sizeof buf));
        printf("%s\n", line);
    } else if (strstr(mode, "wait")) {
        pid_t g = spawn(self, "nap", -1, -1);
        write(1, "r", 1);
        int status = 0;
        pid_t w = waitpid(g, &status, 0);
        printf("%s: waitpid %s, exited %d, handler ran %d\n", mode, w == g ? "the child" : errname(errno),
               WIFEXITED(status) ? WEXITSTATUS(status) : -1, handled);
    } else if (strstr(mode, "poll")) {
        write(1, "r", 1);
        struct pollfd pf = {0, POLLIN, 0};
        int r = poll(&pf, 1, 5000);
        printf("%s: poll %d %s, handler ran %d\n", mode, r, r < 0 ? errname(errno) : "", handled);
    }
    return 0;
}

/* The parent: starts a blocker, signals it once it blocks, then gives it data. */
static void run(const char *self, const char *mode) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        printf("pipe: %s\n", errname(errno));
        exit(1);
    }
    pid_t c = spawn(self, mode, in[0], out[1]);
    close(in[0]);
    close(out[1]);
    char r;
    if (read(out[0], &r, 1) != 1) printf("%s: no ready byte\n", mode);
    nap(300);
    kill(c, SIGUSR1);
    nap(300);
    write(in[1], "hello", 5);
    close(in[1]);
    char report[256];
    ssize_t n, got = 0;
    while ((n = read(out[0], report + got, sizeof report - 1 - got)) > 0) got += n;
    report[got] = 0;
    fputs(report, stdout);
    close(out[0]);
    int status;
    waitpid(c, &status, 0);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        if (strcmp(argv[1], "nap") == 0) {
            nap(900);
            return 7;
        }
        return blocker(argv[0], argv[1]);
    }
    signal(SIGPIPE, SIG_IGN); /* a blocker that already ended leaves the data pipe without a reader */
    run(argv[0], "restart-read");
    run(argv[0], "plain-read");
    run(argv[0], "restart-wait");
    run(argv[0], "restart-poll");
    return 0;
}
