/* stdio.c - standard streams: isatty on pipes, reading stdin to EOF in odd
 * chunk sizes (checksum echoed), lseek on a pipe (ESPIPE), EOF stickiness,
 * ordering of stdio-buffered and raw writes to stdout, a 16 KiB write,
 * stderr (not compared).
 *
 * WASI calls covered: fd_read/fd_write on fds 0-2, fd_fdstat_get (isatty),
 * fd_seek on a pipe.
 * Run with stdio.stdin piped in; stdout/stderr are redirected by the runner.
 */
#include "common.h"
#include <stdlib.h>
#include <unistd.h>

int main(void) {
    printf("isatty(0): %s\n", yesno(isatty(0)));
    printf("isatty(1): %s\n", yesno(isatty(1)));
    printf("isatty(2): %s\n", yesno(isatty(2)));
    errno = 0;
    int tty = isatty(987);
    printf("isatty(bad fd): %s %s\n", yesno(tty), errname(errno));
    TRY("lseek stdin (pipe)", lseek(0, 0, SEEK_CUR));

    /* read stdin to EOF in chunks of 1, 7, 100, 4096 bytes */
    static const size_t chunks[] = {1, 7, 100, 4096};
    char buf[4096];
    size_t total = 0, lines = 0, reads = 0;
    uint32_t h = 0;
    ssize_t n;
    for (;;) {
        size_t want = chunks[reads % 4];
        n = read(0, buf, want);
        if (n <= 0) break;
        reads++;
        h = fnv1a(buf, (size_t)n, h);
        for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
        total += (size_t)n;
    }
    printf("stdin: %zu bytes, %zu newlines, fnv=%08x, last read=%zd\n", total, lines, h, n);
    printf("read after EOF: %zd\n", read(0, buf, 10));
    int c = getchar();
    printf("fgetc after EOF: %s, feof: %s\n", yesno(c == EOF), yesno(feof(stdin)));

    /* stdio buffer vs raw write ordering */
    printf("buffered line 1\n");
    fputs("partial ", stdout);
    fflush(stdout);
    write(1, "raw write\n", 10);
    printf("buffered line 2\n");
    fflush(stdout);

    /* 16 KiB in one write() */
    size_t big = 16384;
    char *p = malloc(big);
    for (size_t i = 0; i < big; i++) p[i] = (i % 64 == 63) ? '\n' : (char)('a' + (i / 64) % 26);
    size_t off = 0;
    while (off < big) {
        n = write(1, p + off, big - off);
        if (n <= 0) { fprintf(stderr, "write failed\n"); return 1; }
        off += (size_t)n;
    }
    free(p);

    fprintf(stderr, "this goes to stderr and is not compared\n");
    printf("write to stdin fd: ");
    fflush(stdout);
    errno = 0;
    n = write(0, "x", 1);
    printf("%s\n", n < 0 ? "error" : "ok");   /* EBADF natively; name not compared */
    printf("done\n");
    return 0;
}
