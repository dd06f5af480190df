// fscreate.c - metadata scale inside the guest (start-up excluded):
//   fscreate ROOT FILES DIRS create   make DIRS directories and FILES empty files spread over them
//   fscreate ROOT FILES DIRS lookup   FILES stats of files drawn at random (xorshift, fixed seed; with
//                                     replacement: about 63% of the files, a third of the stats repeat one)
//   fscreate ROOT FILES DIRS unlink   remove every file and directory
// One line per phase: <phase> <seconds> <ops/s>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void path_of(char *p, size_t n, const char *root, long i, long dirs) {
    snprintf(p, n, "%s/d%04ld/f%07ld", root, i % dirs, i);
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: fscreate ROOT FILES DIRS create|lookup|unlink\n"); return 2; }
    const char *root = argv[1], *phase = argv[4];
    long files = atol(argv[2]), dirs = atol(argv[3]);
    if (files < 1 || dirs < 1) { fprintf(stderr, "fscreate: FILES and DIRS must be positive\n"); return 2; }
    char p[512];
    double t = now();
    if (strcmp(phase, "create") == 0) {
        for (long d = 0; d < dirs; d++) {
            snprintf(p, sizeof p, "%s/d%04ld", root, d);
            if (mkdir(p, 0755) != 0) { perror(p); return 1; }
        }
        for (long i = 0; i < files; i++) {
            path_of(p, sizeof p, root, i, dirs);
            int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
            if (fd < 0) { perror(p); return 1; }
            close(fd);
        }
    } else if (strcmp(phase, "lookup") == 0) {
        unsigned long long x = 88172645463325252ULL;
        for (long k = 0; k < files; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            long i = (long) (x % (unsigned long long) files);
            path_of(p, sizeof p, root, i, dirs);
            struct stat st;
            if (stat(p, &st) != 0) { perror(p); return 1; }
        }
    } else if (strcmp(phase, "unlink") == 0) {
        for (long i = 0; i < files; i++) {
            path_of(p, sizeof p, root, i, dirs);
            if (unlink(p) != 0) { perror(p); return 1; }
        }
        for (long d = 0; d < dirs; d++) {
            snprintf(p, sizeof p, "%s/d%04ld", root, d);
            if (rmdir(p) != 0) { perror(p); return 1; }
        }
    } else {
        fprintf(stderr, "fscreate: unknown phase %s\n", phase);
        return 2;
    }
    double s = now() - t;
    printf("%s %.3f %.0f\n", phase, s, files / s);
    return 0;
}
