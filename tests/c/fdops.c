/* fdops.c - per-descriptor state via fcntl: F_GETFL access modes (which
 * wasi-libc derives from the fd's WASI rights), O_APPEND/O_NONBLOCK/O_DSYNC
 * flags, F_SETFL toggling O_NONBLOCK and O_APPEND (and that appending really
 * follows the flag), fcntl errors, use after close.
 *
 * WASI calls covered: fd_fdstat_get, fd_fdstat_set_flags.
 * Skipped: dup/dup2 (not in WASI), fd_renumber (no POSIX equivalent),
 * F_GETFD/F_SETFD (wasi-libc fakes FD_CLOEXEC without asking the runtime).
 */
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *acc(int fl) {
    switch (fl & O_ACCMODE) {
    case O_RDONLY: return "O_RDONLY";
    case O_WRONLY: return "O_WRONLY";
    case O_RDWR: return "O_RDWR";
    default: return "other";
    }
}

static void getfl(const char *label, int fd) {
    errno = 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) { printf("%s: %s\n", label, errname(errno)); return; }
    printf("%s: %s append=%d nonblock=%d\n", label, acc(fl), !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
}

static void show_file(const char *path) {
    char buf[64];
    int fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    printf("  %s: [%.*s]\n", path, (int)(n > 0 ? n : 0), buf);
}

int main(void) {
    int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "12345", 5);
    getfl("O_WRONLY|O_CREAT|O_TRUNC", fd);
    close(fd);

    fd = open("f", O_RDONLY);            getfl("O_RDONLY", fd);            close(fd);
    fd = open("f", O_RDWR);              getfl("O_RDWR", fd);              close(fd);
    fd = open("f", O_WRONLY | O_APPEND); getfl("O_WRONLY|O_APPEND", fd);   close(fd);
    fd = open("f", O_RDWR | O_NONBLOCK); getfl("O_RDWR|O_NONBLOCK", fd);   close(fd);
    fd = open("f", O_WRONLY | O_DSYNC);
    printf("O_DSYNC open: %s, dsync flag: %d\n", fd >= 0 ? "ok" : errname(errno),
           fd >= 0 && (fcntl(fd, F_GETFL) & O_DSYNC) == O_DSYNC);
    close(fd);
    mkdir("d", 0755);
    fd = open("d", O_RDONLY | O_DIRECTORY); getfl("directory O_RDONLY", fd); close(fd);

    /* F_SETFL O_NONBLOCK on and off; the usual read-modify-write idiom */
    fd = open("f", O_RDWR);
    TRY("F_SETFL |O_NONBLOCK", fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK));
    getfl("  now", fd);
    TRY("F_SETFL &~O_NONBLOCK", fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK));
    getfl("  now", fd);

    /* F_SETFL O_APPEND changes where writes go */
    TRY("F_SETFL |O_APPEND", fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND));
    getfl("  now", fd);
    lseek(fd, 0, SEEK_SET);
    write(fd, "A", 1);
    show_file("f");
    TRY("F_SETFL &~O_APPEND", fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_APPEND));
    getfl("  now", fd);
    lseek(fd, 0, SEEK_SET);
    write(fd, "B", 1);
    show_file("f");
    close(fd);

    /* an O_APPEND fd cleared with F_SETFL writes at its position */
    fd = open("f", O_WRONLY | O_APPEND);
    TRY("F_SETFL 0 on O_APPEND fd", fcntl(fd, F_SETFL, 0));
    getfl("  now", fd);
    lseek(fd, 1, SEEK_SET);
    write(fd, "C", 1);
    show_file("f");
    close(fd);

    /* errors */
    getfl("F_GETFL bad fd", 987);
    TRY("F_SETFL bad fd", fcntl(987, F_SETFL, 0));
    TRY("fcntl unknown cmd", fcntl(0, 12345));
    fd = open("f", O_RDONLY);
    close(fd);
    getfl("F_GETFL after close", fd);
    struct stat st;
    TRY("fstat after close", fstat(fd, &st));
    TRY("close after close", close(fd));
    return 0;
}
