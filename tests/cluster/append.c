/* Appends argv[1] and a newline to /data/log (creating it), then prints the whole file.
 * append --fill KIB: writes KIB KiB of a pattern to /data/big in one write, fsyncs, prints "filled KIB";
 * append --check KIB: reads /data/big back, prints "ok KIB" or where it differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static unsigned char at(long i) { return (unsigned char)(i * 131 + i / 4096 * 7 + 1); }

static int big(int fill, long kib) {
    long n = kib * 1024;
    unsigned char *b = malloc(n);
    if (!b) { perror("malloc"); return 1; }
    int fd = open("/data/big", fill ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY, 0644);
    if (fd < 0) { perror("/data/big"); return 1; }
    if (fill) {
        for (long i = 0; i < n; i++) b[i] = at(i);
        if (write(fd, b, n) != n) { perror("write"); return 1; }
        if (fsync(fd) != 0) { perror("fsync"); return 1; }
        printf("filled %ld\n", kib);
    } else {
        long got = 0, r;
        while (got < n && (r = read(fd, b + got, n - got)) > 0) got += r;
        if (got != n) { printf("short: %ld bytes\n", got); return 1; }
        for (long i = 0; i < n; i++) if (b[i] != at(i)) { printf("differs at %ld\n", i); return 1; }
        printf("ok %ld\n", kib);
    }
    return close(fd) != 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && (!strcmp(argv[1], "--fill") || !strcmp(argv[1], "--check"))) return big(!strcmp(argv[1], "--fill"), atol(argv[2]));
    if (argc != 2) { fprintf(stderr, "usage: append LINE\n"); return 2; }
    FILE *f = fopen("/data/log", "a");
    if (!f) { perror("/data/log"); return 1; }
    fprintf(f, "%s\n", argv[1]);
    if (fclose(f) != 0) { perror("close"); return 1; }
    f = fopen("/data/log", "r");
    if (!f) { perror("/data/log"); return 1; }
    int c;
    while ((c = getc(f)) != EOF) putchar(c);
    fclose(f);
    return 0;
}
