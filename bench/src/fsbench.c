// fsbench.c - file I/O throughput inside the guest (start-up excluded):
//   fsbench FILE MIB CHUNK_KIB RANDOM_OPS
// sequential write of MIB MiB in CHUNK_KIB pieces + fsync, sequential read, then RANDOM_OPS
// random 4 KiB reads and RANDOM_OPS random 4 KiB writes (+ fsync). One line per phase:
//   <phase> <seconds> <MB/s or ops/s>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: fsbench FILE MIB CHUNK_KIB RANDOM_OPS\n"); return 2; }
    const char *path = argv[1];
    long mib = atol(argv[2]), chunk = atol(argv[3]) * 1024, ops = atol(argv[4]);
    long total = mib * 1024 * 1024;
    char *buf = malloc(chunk);
    for (long i = 0; i < chunk; i++) buf[i] = (char) (i * 131 + 7);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); return 1; }
    double t = now();
    for (long off = 0; off < total; off += chunk) {
        if (write(fd, buf, chunk) != chunk) { perror("write"); return 1; }
    }
    fsync(fd);
    double s = now() - t;
    printf("seq-write %.3f %.1f\n", s, total / s / 1e6);
    lseek(fd, 0, SEEK_SET);
    t = now();
    long got = 0, n;
    while ((n = read(fd, buf, chunk)) > 0) got += n;
    s = now() - t;
    if (got != total) { fprintf(stderr, "read %ld of %ld\n", got, total); return 1; }
    printf("seq-read %.3f %.1f\n", s, total / s / 1e6);
    unsigned long x = 88172645463325252UL;
    long blocks = total / 4096;
    t = now();
    for (long i = 0; i < ops; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (pread(fd, buf, 4096, (long) (x % blocks) * 4096) != 4096) { perror("pread"); return 1; }
    }
    s = now() - t;
    printf("rand-read-4k %.3f %.0f\n", s, ops / s);
    t = now();
    for (long i = 0; i < ops; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (pwrite(fd, buf, 4096, (long) (x % blocks) * 4096) != 4096) { perror("pwrite"); return 1; }
    }
    fsync(fd);
    s = now() - t;
    printf("rand-write-4k %.3f %.0f\n", s, ops / s);
    close(fd);
    unlink(path);
    return 0;
}
