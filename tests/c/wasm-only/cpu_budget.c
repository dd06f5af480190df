/* cpu_budget (wasm only: run by run.sh with a manifest whose cpuTime is 1 s): the CPU limit is
 * the instance's budget, spent by every process together. "parallel": five children spin until
 * stopped while the parent waits for them; "serial": children that each spin for 300 ms of CPU,
 * one after another, ten of them; "stdin": one spinning child while the parent waits in a read of
 * standard input that gets nothing (run.sh feeds it from a sleep). Each way the budget runs out,
 * every process of the instance is stopped (the parent too: "all children done" must not be
 * printed), and arca exits with 137 and one line, at once. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spins until this process has used `seconds` of CPU (forever when negative). */
static void spin(double seconds) {
    volatile unsigned long long n = 0;
    while (seconds < 0 || cpu_seconds() < seconds) {
        for (int i = 0; i < 1000000; i++) n++;
    }
}

static pid_t start(char *self, char *arg) {
    char *a[] = {self, "spin", arg, NULL};
    pid_t pid = -1;
    if (posix_spawn(&pid, self, NULL, NULL, a, environ) != 0) printf("spawn failed\n");
    return pid;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "spin")) {
        spin(atof(argv[2]));
        return 0;
    }
    int st;
    if (argc > 1 && !strcmp(argv[1], "parallel")) {
        pid_t kids[5];
        for (int i = 0; i < 5; i++) kids[i] = start(argv[0], "-1");
        for (int i = 0; i < 5; i++) waitpid(kids[i], &st, 0);
    } else if (argc > 1 && !strcmp(argv[1], "stdin")) {
        start(argv[0], "-1");
        char buf[16];
        read(0, buf, sizeof buf);
    } else {
        for (int i = 0; i < 10; i++) waitpid(start(argv[0], "0.3"), &st, 0);
    }
    printf("all children done\n");
    return 0;
}
