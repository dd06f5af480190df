/* wait: statuses of children that exit, are killed, or raise a signal; WNOHANG; waiting for any
 * child; ECHILD. */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t start(char *self, char *mode) {
    char *a[] = {self, mode, NULL};
    pid_t pid = -1;
    posix_spawn(&pid, self, NULL, NULL, a, environ);
    return pid;
}

static void describe(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: signal %d\n", what, WTERMSIG(st));
    else printf("%s: other\n", what);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        if (!strcmp(argv[1], "sleep")) {
            for (int i = 0; i < 500; i++) nap(10);
            return 3;
        }
        if (!strcmp(argv[1], "term")) raise(SIGTERM);
        if (!strcmp(argv[1], "abort")) abort();
        if (!strcmp(argv[1], "quick")) return 5;
        return 1;
    }
    int st;
    pid_t a = start(argv[0], "sleep");
    printf("WNOHANG on a running child: %d\n", (int)waitpid(a, &st, WNOHANG));
    kill(a, SIGKILL);
    printf("waited the killed one: %s\n", yesno(waitpid(a, &st, 0) == a));
    describe("killed", st);

    pid_t b = start(argv[0], "term");
    waitpid(b, &st, 0);
    describe("raised SIGTERM", st);

    pid_t c = start(argv[0], "sleep");
    kill(c, SIGTERM);
    waitpid(c, &st, 0);
    describe("sent SIGTERM", st);

    pid_t d = start(argv[0], "quick");
    pid_t e = start(argv[0], "quick");
    int seen = 0;
    for (int i = 0; i < 2; i++) {
        pid_t w = waitpid(-1, &st, 0);
        if ((w == d || w == e) && WIFEXITED(st) && WEXITSTATUS(st) == 5) seen++;
    }
    printf("two children reaped with -1: %d\n", seen);
    printf("no child left: %s\n", waitpid(-1, &st, WNOHANG) < 0 ? errname(errno) : "one left");
    printf("kill of a reaped pid: %s\n", kill(d, 0) < 0 ? errname(errno) : "exists");
    return 0;
}
