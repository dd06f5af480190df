// maker.c - makes files on a volume for tests/cli/volumes.sh, then waits to be killed:
//   maker create DIR N       create DIR/f0 .. DIR/f(N-1) (empty), print "made N", wait
//   maker sync DIR N         the same, then fsync DIR's descriptor, print "synced N", then keep
//                            creating DIR/g0, g1, ... (never synced) until killed
//   maker write FILE TEXT    write TEXT to FILE, fsync it, print "synced", then rename FILE to
//                            FILE.moved (never synced), print "renamed", wait
//   maker list DIR           print how many names DIR holds that begin with f and with g: "f=N g=M"
//   maker cat FILE           print FILE's content, or "missing"
//   maker fsyncdir DIR       fsync a directory's descriptor; print "ok" or the error
//   maker big FILE MIB       write MIB MiB of a fixed pattern to FILE in pieces of 7 KiB (not block
//                            sized), fsync, rewrite every 13th KiB, read it all back from the
//                            start and from the end in 64 KiB pieces; print "sum" and a checksum
// "wait" is a sleep of 30 s: the test kills the process before it ends.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make(const char *dir, const char *prefix, long i) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s%ld", dir, prefix, i);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) { perror(p); return -1; }
    close(fd);
    return 0;
}

static int fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) { perror(dir); return -1; }
    int r = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: maker create|sync|write|list|fsyncdir ...\n"); return 2; }
    const char *mode = argv[1];
    setvbuf(stdout, NULL, _IONBF, 0);
    if (strcmp(mode, "create") == 0 || strcmp(mode, "sync") == 0) {
        long n = argc > 3 ? atol(argv[3]) : 0;
        mkdir(argv[2], 0755);
        for (long i = 0; i < n; i++) if (make(argv[2], "f", i) != 0) return 1;
        if (strcmp(mode, "create") == 0) {
            printf("made %ld\n", n);
            sleep(30);
            return 0;
        }
        if (fsync_dir(argv[2]) != 0) { perror("fsync"); return 1; }
        printf("synced %ld\n", n);
        for (long i = 0; i < 100000000; i++) if (make(argv[2], "g", i) != 0) return 1;
        return 0;
    }
    if (strcmp(mode, "write") == 0 && argc == 4) {
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) { perror(argv[2]); return 1; }
        if (write(fd, argv[3], strlen(argv[3])) != (ssize_t) strlen(argv[3]) || fsync(fd) != 0) { perror("write"); return 1; }
        printf("synced\n");
        char moved[512];
        snprintf(moved, sizeof moved, "%s.moved", argv[2]);
        if (rename(argv[2], moved) != 0) { perror("rename"); return 1; }
        printf("renamed\n");
        sleep(30);
        return 0;
    }
    if (strcmp(mode, "list") == 0) {
        DIR *d = opendir(argv[2]);
        if (!d) { perror(argv[2]); return 1; }
        long f = 0, g = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == 'f') f++;
            if (e->d_name[0] == 'g') g++;
        }
        closedir(d);
        printf("f=%ld g=%ld\n", f, g);
        return 0;
    }
    if (strcmp(mode, "cat") == 0) {
        FILE *in = fopen(argv[2], "r");
        if (!in) { printf("missing\n"); return 0; }
        int c;
        while ((c = fgetc(in)) != EOF) putchar(c);
        fclose(in);
        printf("\n");
        return 0;
    }
    if (strcmp(mode, "fsyncdir") == 0) {
        if (fsync_dir(argv[2]) != 0) { printf("%s\n", strerror(errno)); return 1; }
        printf("ok\n");
        return 0;
    }
    if (strcmp(mode, "big") == 0 && argc == 4) {
        long size = atol(argv[3]) << 20;
        int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) { perror(argv[2]); return 1; }
        static unsigned char buf[65536];
        unsigned long long x = 0x9E3779B97F4A7C15ULL;
        for (long at = 0; at < size; ) {
            long n = size - at < 7168 ? size - at : 7168;
            for (long i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (unsigned char) x; }
            if (write(fd, buf, n) != n) { perror("write"); return 1; }
            at += n;
        }
        if (fsync(fd) != 0) { perror("fsync"); return 1; }
        for (long at = 0; at + 1024 <= size; at += 13 * 1024) {
            memset(buf, (int) (at >> 10), 1024);
            if (pwrite(fd, buf, 1024, at) != 1024) { perror("pwrite"); return 1; }
        }
        unsigned long long sum = 0, back = 0;
        for (long at = 0; at < size; at += sizeof buf) {
            ssize_t n = pread(fd, buf, sizeof buf, at);
            if (n <= 0) { perror("pread"); return 1; }
            for (ssize_t i = 0; i < n; i++) sum = sum * 31 + buf[i];
        }
        for (long at = size - (long) sizeof buf; at >= 0; at -= sizeof buf) {
            if (pread(fd, buf, sizeof buf, at) != (ssize_t) sizeof buf) { perror("pread"); return 1; }
            for (size_t i = 0; i < sizeof buf; i++) back = back * 31 + buf[i];
        }
        close(fd);
        printf("sum %016llx %016llx\n", sum, back);
        return 0;
    }
    fprintf(stderr, "maker: unknown mode %s\n", mode);
    return 2;
}
