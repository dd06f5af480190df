/* spawn: posix_spawn + exit + waitpid of a small program (this one), N times; prints the mean
 * latency in microseconds, measured inside the program. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "child")) return 0;
    int n = argc > 1 ? atoi(argv[1]) : 200;
    char *a[] = {argv[0], "child", NULL};
    /* warm up: the first spawns load and compile */
    for (int i = 0; i < 10; i++) {
        pid_t pid;
        if (posix_spawn(&pid, argv[0], NULL, NULL, a, environ)) return 1;
        waitpid(pid, NULL, 0);
    }
    double t0 = now_us();
    for (int i = 0; i < n; i++) {
        pid_t pid;
        if (posix_spawn(&pid, argv[0], NULL, NULL, a, environ)) return 1;
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st)) return 2;
    }
    printf("spawn+exit+wait: %.1f us (mean of %d)\n", (now_us() - t0) / n, n);
    return 0;
}
