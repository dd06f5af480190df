/* pipeline: a shell-style pipeline of three Arca processes, producer | filter | consumer, made
 * with pipe() and posix_spawn() the way a shell makes one. The program plays all three roles. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int producer(void) { /* trades: id, desk, notional */
    const char *desks[] = {"rates", "fx", "credit", "equity"};
    unsigned x = 12345;
    for (int i = 1; i <= 2000; i++) {
        x = x * 1103515245u + 12345u;
        printf("%d %s %u\n", i, desks[(x >> 8) % 4], (x >> 4) % 5000000);
    }
    return 0;
}

static int filter(void) { /* keep trades of a million or more */
    int id;
    char desk[16];
    unsigned n;
    while (scanf("%d %15s %u", &id, desk, &n) == 3)
        if (n >= 1000000) printf("%s %u\n", desk, n);
    return 0;
}

static int consumer(void) { /* totals per desk */
    const char *names[] = {"rates", "fx", "credit", "equity"};
    double sum[4] = {0};
    int count[4] = {0};
    char desk[16];
    unsigned n;
    while (scanf("%15s %u", desk, &n) == 2)
        for (int i = 0; i < 4; i++)
            if (!strcmp(desk, names[i])) { sum[i] += n; count[i]++; }
    for (int i = 0; i < 4; i++) printf("  %-7s %4d large trades, %12.0f total\n", names[i], count[i], sum[i]);
    return 0;
}

static pid_t stage(char *self, char *role, int in, int out, int close1, int close2) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    if (close1 >= 0) posix_spawn_file_actions_addclose(&fa, close1);
    if (close2 >= 0) posix_spawn_file_actions_addclose(&fa, close2);
    char *argv[] = {self, role, NULL};
    pid_t pid = -1;
    int err = posix_spawn(&pid, self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err) fprintf(stderr, "spawn %s: %s\n", role, strerror(err));
    return pid;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "producer")) return producer();
    if (argc > 1 && !strcmp(argv[1], "filter")) return filter();
    if (argc > 1 && !strcmp(argv[1], "consumer")) return consumer();
    int a[2], b[2];
    pipe(a);
    pipe(b);
    pid_t p1 = stage(argv[0], "producer", -1, a[1], a[0], b[0]);
    pid_t p2 = stage(argv[0], "filter", a[0], b[1], a[1], b[0]);
    pid_t p3 = stage(argv[0], "consumer", b[0], -1, a[1], b[1]);
    close(a[0]); close(a[1]); close(b[0]); close(b[1]);
    pid_t pids[] = {p1, p2, p3};
    const char *roles[] = {"producer", "filter", "consumer"};
    for (int i = 0; i < 3; i++) {
        int st;
        waitpid(pids[i], &st, 0);
        printf("pid %d (%s) exited %d\n", (int)pids[i], roles[i], WEXITSTATUS(st));
    }
    return 0;
}
