/* Durable commits on one file, for bench/cluster.sh: each iteration writes 4 KiB at one of 256
 * offsets and fsyncs, so every iteration is one commit that must be durable before it returns.
 *   commit latency N FILE   N commits; prints "commits N median_us M p99_us P max_us X per_s R"
 *   commit stream SECONDS FILE   commits for SECONDS; prints "ack MS" (CLOCK_REALTIME, ms) after each,
 *                                which bench/cluster.sh compares with the time it killed a node */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_us(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int commit(int fd, long i) {
    static char block[4096];
    memset(block, (int)(i & 0xff), sizeof block);
    if (pwrite(fd, block, sizeof block, (i % 256) * 4096L) != (ssize_t)sizeof block) { perror("pwrite"); return -1; }
    if (fsync(fd) != 0) { perror("fsync"); return -1; }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: commit latency N FILE | commit stream SECONDS FILE\n"); return 2; }
    long n = atol(argv[2]);
    int fd = open(argv[3], O_RDWR | O_CREAT, 0644);
    if (fd < 0) { perror(argv[3]); return 1; }
    if (strcmp(argv[1], "latency") == 0) {
        double *t = malloc(sizeof *t * (size_t)n);
        double start = now_us(CLOCK_MONOTONIC);
        for (long i = 0; i < n; i++) {
            double t0 = now_us(CLOCK_MONOTONIC);
            if (commit(fd, i)) return 1;
            t[i] = now_us(CLOCK_MONOTONIC) - t0;
        }
        double total = now_us(CLOCK_MONOTONIC) - start;
        qsort(t, (size_t)n, sizeof *t, cmp);
        printf("commits %ld median_us %.0f p99_us %.0f max_us %.0f per_s %.0f\n", n, t[n / 2], t[(n * 99) / 100], t[n - 1], n / (total / 1e6));
    } else {
        double end = now_us(CLOCK_MONOTONIC) + n * 1e6;
        for (long i = 0; now_us(CLOCK_MONOTONIC) < end; i++) {
            if (commit(fd, i)) return 1;
            printf("ack %.0f\n", now_us(CLOCK_REALTIME) / 1e3);
            fflush(stdout);
        }
    }
    return close(fd) != 0;
}
