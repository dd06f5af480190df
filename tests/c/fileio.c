/* fileio.c - file I/O: open/creat/read/write/pread/pwrite/lseek/ftruncate/
 * fsync/fdatasync, O_APPEND/O_EXCL/O_TRUNC/O_CREAT, readv/writev, EOF,
 * holes, a 1 MiB round trip, and the errors these return.
 *
 * WASI calls covered: path_open, fd_read, fd_write, fd_pread, fd_pwrite,
 * fd_seek, fd_tell, fd_filestat_set_size, fd_filestat_get, fd_sync,
 * fd_datasync, fd_close.
 * Not tested: pwrite on an O_APPEND fd (Linux ignores the offset there, a
 * documented quirk WASI runtimes need not copy).
 */
#include "common.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static void show_file(const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("  %s: open %s\n", path, errname(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) { printf("  %s: read %s\n", path, errname(errno)); return; }
    printf("  %s: %zd bytes [", path, n);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] >= 32 && buf[i] < 127) putchar(buf[i]); else printf("\\x%02x", (unsigned char)buf[i]);
    printf("]\n");
}

static long long pos(int fd) { return (long long)lseek(fd, 0, SEEK_CUR); }

int main(void) {
    char buf[128];
    ssize_t n;

    /* creat + write + close, then read back */
    int fd = TRY("creat a.txt", creat("a.txt", 0644));
    printf("write 5: %zd\n", write(fd, "hello", 5));
    printf("write 0: %zd\n", write(fd, "", 0));
    TRY("read on O_WRONLY", read(fd, buf, 1));
    TRY("fsync", fsync(fd));
    TRY("fdatasync", fdatasync(fd));
    TRY("close", close(fd));
    TRY("close again", close(fd));
    show_file("a.txt");

    /* read: partial reads, EOF, position */
    fd = TRY("open a.txt O_RDONLY", open("a.txt", O_RDONLY));
    n = read(fd, buf, 2); printf("read 2: %zd [%.*s] pos=%lld\n", n, (int)n, buf, pos(fd));
    n = read(fd, buf, 100); printf("read 100: %zd [%.*s] pos=%lld\n", n, (int)n, buf, pos(fd));
    n = read(fd, buf, 100); printf("read at EOF: %zd\n", n);
    errno = 0; n = write(fd, "x", 1); printf("write on O_RDONLY: %zd %s\n", n, errname(errno));
    close(fd);

    /* O_EXCL, O_TRUNC, O_CREAT without O_EXCL on existing file */
    TRY("open O_CREAT|O_EXCL existing", open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = TRY("open O_CREAT|O_EXCL new", open("b.txt", O_RDWR | O_CREAT | O_EXCL, 0644));
    close(fd);
    TRY("open missing no O_CREAT", open("missing.txt", O_RDONLY));
    fd = TRY("open O_CREAT existing", open("a.txt", O_RDWR | O_CREAT, 0644));
    n = read(fd, buf, 100); printf("  still has %zd bytes\n", n);
    close(fd);
    fd = TRY("open O_TRUNC", open("a.txt", O_RDWR | O_TRUNC));
    struct stat st; fstat(fd, &st); printf("  size after O_TRUNC: %lld\n", (long long)st.st_size);
    write(fd, "0123456789", 10);
    close(fd);
    show_file("a.txt");

    /* lseek: SEEK_SET/CUR/END, past EOF (hole), negative -> EINVAL */
    fd = open("a.txt", O_RDWR);
    printf("lseek SET 3: %lld\n", (long long)lseek(fd, 3, SEEK_SET));
    printf("lseek CUR +2: %lld\n", (long long)lseek(fd, 2, SEEK_CUR));
    n = read(fd, buf, 2); printf("read 2: [%.*s]\n", (int)n, buf);
    printf("lseek CUR -4: %lld\n", (long long)lseek(fd, -4, SEEK_CUR));
    printf("lseek END 0: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek END -1: %lld\n", (long long)lseek(fd, -1, SEEK_END));
    TRY("lseek SET -1", lseek(fd, -1, SEEK_SET));
    printf("  pos unchanged: %lld\n", pos(fd));
    TRY("lseek CUR -100", lseek(fd, -100, SEEK_CUR));
    TRY("lseek bad whence", lseek(fd, 0, 42));
    printf("lseek END +5: %lld\n", (long long)lseek(fd, 5, SEEK_END));
    write(fd, "Z", 1);
    fstat(fd, &st); printf("  size with hole: %lld\n", (long long)st.st_size);
    close(fd);
    show_file("a.txt");

    /* pread/pwrite do not move the file position */
    fd = open("a.txt", O_RDWR);
    lseek(fd, 1, SEEK_SET);
    n = pread(fd, buf, 4, 2); printf("pread 4@2: %zd [%.*s] pos=%lld\n", n, (int)n, buf, pos(fd));
    n = pread(fd, buf, 4, 1000); printf("pread past EOF: %zd\n", n);
    n = pwrite(fd, "AB", 2, 4); printf("pwrite 2@4: %zd pos=%lld\n", n, pos(fd));
    n = pwrite(fd, "END", 3, 20); printf("pwrite 3@20 (extends): %zd pos=%lld\n", n, pos(fd));
    TRY("pread negative offset", pread(fd, buf, 1, -1));
    close(fd);
    show_file("a.txt");

    /* ftruncate shrink / extend */
    fd = open("a.txt", O_RDWR);
    TRY("ftruncate 4", ftruncate(fd, 4));
    fstat(fd, &st); printf("  size: %lld pos=%lld\n", (long long)st.st_size, pos(fd));
    TRY("ftruncate 8", ftruncate(fd, 8));
    fstat(fd, &st); printf("  size: %lld\n", (long long)st.st_size);
    TRY("ftruncate -1", ftruncate(fd, -1));
    close(fd);
    show_file("a.txt");
    fd = open("a.txt", O_RDONLY);
    TRY("ftruncate on O_RDONLY", ftruncate(fd, 0));
    close(fd);

    /* O_APPEND: every write goes to the end, even after lseek */
    fd = TRY("open O_APPEND", open("a.txt", O_WRONLY | O_APPEND));
    lseek(fd, 0, SEEK_SET);
    write(fd, "++", 2);
    printf("  pos after append: %lld\n", pos(fd));
    close(fd);
    fd = open("app.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    write(fd, "one\n", 4);
    int fd2 = open("app.log", O_WRONLY | O_APPEND);
    write(fd2, "two\n", 4);
    write(fd, "three\n", 6);
    close(fd); close(fd2);
    show_file("a.txt");
    show_file("app.log");

    /* readv/writev */
    fd = open("v.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec wv[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    printf("writev: %zd\n", writev(fd, wv, 3));
    lseek(fd, 0, SEEK_SET);
    char r1[2], r2[4], r3[10];
    struct iovec rv[3] = {{r1, 2}, {r2, 4}, {r3, 10}};
    n = readv(fd, rv, 3);
    printf("readv: %zd [%.2s][%.4s][%.*s]\n", n, r1, r2, (int)(n > 6 ? n - 6 : 0), r3);
    n = readv(fd, rv, 3); printf("readv at EOF: %zd\n", n);
    close(fd);

    /* 1 MiB round trip in odd-sized chunks */
    size_t big = 1 << 20;
    unsigned char *p = malloc(big), *q = malloc(big);
    for (size_t i = 0; i < big; i++) p[i] = (unsigned char)(i * 7 + (i >> 9));
    fd = open("big.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    size_t off = 0;
    while (off < big) {
        size_t c = big - off < 12345 ? big - off : 12345;
        ssize_t w = write(fd, p + off, c);
        if (w <= 0) { printf("big write failed: %s\n", errname(errno)); break; }
        off += (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    off = 0;
    while (off < big) { ssize_t r = read(fd, q + off, big - off); if (r <= 0) break; off += (size_t)r; }
    printf("big: read %zu, equal: %s, fnv=%08x\n", off, yesno(memcmp(p, q, big) == 0), fnv1a(q, off, 0));
    close(fd);
    free(p); free(q);

    /* bad fds */
    TRY("read bad fd", read(987, buf, 1));
    TRY("write bad fd", write(987, buf, 1));
    TRY("lseek bad fd", lseek(987, 0, SEEK_SET));
    TRY("fsync bad fd", fsync(987));
    TRY("close bad fd", close(987));
    return 0;
}
