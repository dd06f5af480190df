/* iovec_files: readv/writev/preadv/pwritev on a regular file with buffers larger than one
 * 64 KiB step of the runtime's copy loop, several iovecs, iovecs that overlap one another (a
 * write sends the same bytes twice; a read fills the overlap from the later iovec, in order),
 * an iovec of length zero, a read that ends at end of file in the middle of an iovec, and a
 * read whose iovecs lie at the end of the heap. Arca moves these chunks straight between guest
 * memory and the file system; Linux is the oracle. Prints checksums of what was read. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common.h"

#define BIG (300u * 1024u + 7u)

static uint32_t sum(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(void) {
    unsigned char *a = malloc(BIG), *b = malloc(BIG);
    if (!a || !b) return 1;
    for (size_t i = 0; i < BIG; i++) a[i] = (unsigned char)(i * 7 + (i >> 9));

    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 2;
    /* 100 KiB, nothing, the same 100 KiB again (overlap: the same bytes twice), then the rest */
    struct iovec w[4] = {{a, 100 * 1024}, {a + 5, 0}, {a, 100 * 1024}, {a + 100 * 1024, BIG - 100 * 1024}};
    ssize_t n = writev(fd, w, 4);
    printf("writev 4 iovecs: %zd\n", n);
    off_t end = lseek(fd, 0, SEEK_END);
    printf("size: %lld\n", (long long)end);

    /* read it back whole in three iovecs */
    memset(b, 0, BIG);
    lseek(fd, 0, SEEK_SET);
    struct iovec r[3] = {{b, 70000}, {b + 70000, 70000}, {b + 140000, BIG - 140000}};
    n = readv(fd, r, 3);
    printf("readv 3 iovecs: %zd sum=%08x\n", n, sum(b, (size_t)n));

    /* overlapping read iovecs: the second fills [50000, 150000) after the first filled [0, 100000) */
    memset(b, 0, BIG);
    lseek(fd, 0, SEEK_SET);
    struct iovec o[2] = {{b, 100000}, {b + 50000, 100000}};
    n = readv(fd, o, 2);
    printf("readv overlapping: %zd sum=%08x b[49999]=%u b[50000]=%u b[149999]=%u\n", n, sum(b, 150000), b[49999],
           b[50000], b[149999]);

    /* a read that meets end of file inside its second iovec */
    memset(b, 0, BIG);
    struct iovec e[3] = {{b, 1000}, {b + 1000, 200000}, {b + 201000, 5000}};
    n = preadv(fd, e, 3, end - 90000);
    printf("preadv across end of file: %zd sum=%08x b[89999]=%u b[90000]=%u\n", n, sum(b, 90000), b[89999], b[90000]);

    /* pwritev at an offset past the end: a hole, then the bytes */
    struct iovec p[2] = {{a + 3, 65536}, {a + 3, 65537}};
    n = pwritev(fd, p, 2, end + 4096);
    printf("pwritev past the end: %zd size=%lld\n", n, (long long)lseek(fd, 0, SEEK_END));
    memset(b, 0xAA, BIG);
    n = pread(fd, b, 4096 + 131073, end);
    unsigned holes = 0;
    for (int i = 0; i < 4096; i++) holes += b[i] == 0;
    printf("pread hole and tail: %zd zeros=%u sum=%08x\n", n, holes, sum(b + 4096, 131073));

    /* the last bytes of the heap as a buffer: one large read into the end of what malloc gave */
    size_t last = 96 * 1024;
    n = pread(fd, b + BIG - last, last, 12345);
    printf("pread into the buffer's tail: %zd sum=%08x\n", n, sum(b + BIG - last, last));
    close(fd);
    free(a);
    free(b);
    return 0;
}
