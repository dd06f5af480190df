/* pipe: throughput of a pipe between two processes in 64 KiB writes; prints MB/s measured
 * inside the program (the reader's wall time from first to last byte). */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
#define CHUNK 65536

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    static char buf[CHUNK];
    if (argc > 2 && !strcmp(argv[1], "writer")) {
        long total = atol(argv[2]);
        memset(buf, 'x', sizeof buf);
        for (long sent = 0; sent < total; sent += CHUNK) {
            if (write(1, buf, CHUNK) != CHUNK) return 1;
        }
        return 0;
    }
    long mib = argc > 1 ? atol(argv[1]) : 1024;
    long total = mib << 20;
    char num[32];
    snprintf(num, sizeof num, "%ld", total);
    int p[2];
    if (pipe(p)) return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    char *a[] = {argv[0], "writer", num, NULL};
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, a, environ)) return 2;
    close(p[1]);
    long got = 0;
    ssize_t n = read(p[0], buf, sizeof buf);
    double t0 = now_s();
    while (n > 0) {
        got += n;
        n = read(p[0], buf, sizeof buf);
    }
    double dt = now_s() - t0;
    waitpid(pid, NULL, 0);
    if (got != total) return 3;
    printf("pipe 64 KiB writes: %.0f MB/s (%ld MiB)\n", got / dt / 1e6, mib);
    return 0;
}
