/* stat.c - stat/fstat/lstat/fstatat/utimensat/futimens.
 *
 * WASI calls covered: path_filestat_get, fd_filestat_get,
 * path_filestat_set_times, fd_filestat_set_times.
 * Prints sizes, file types (S_ISREG/S_ISDIR/...) and link counts of regular
 * files only: permission bits, uid/gid, inode and device numbers are
 * meaningless in the WASI sandbox, so they are not compared. Timestamps set
 * explicitly are compared at microsecond precision (what Java's file time
 * API reliably offers); "now" timestamps only as "within 60s of clock".
 * "Set to now" goes through set_now() (see there: wasi-libc bug workaround).
 */
#include "common.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif

/* Set atime and/or mtime of fd to "now", leaving the other alone.
 * Natively: futimens with UTIME_NOW/UTIME_OMIT. Under WASI the same request
 * is made with fd_filestat_set_times and the *_NOW flags directly, because
 * this wasi-libc snapshot (2022) mistranslates UTIME_NOW (EINVAL without
 * asking the runtime) and futimens(fd, NULL) (sets both times to 1970). */
static int set_now(int fd, int atime, int mtime) {
#ifdef __wasi__
    __wasi_fstflags_t fl = (atime ? __WASI_FSTFLAGS_ATIM_NOW : 0) | (mtime ? __WASI_FSTFLAGS_MTIM_NOW : 0);
    __wasi_errno_t e = __wasi_fd_filestat_set_times(fd, 0, 0, fl);
    if (e) { errno = e; return -1; }
    return 0;
#else
    struct timespec ts[2] = {{0, atime ? UTIME_NOW : UTIME_OMIT}, {0, mtime ? UTIME_NOW : UTIME_OMIT}};
    return futimens(fd, ts);
#endif
}

static const char *ftype(mode_t m) {
    if (S_ISREG(m)) return "regular";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISCHR(m)) return "chardev";
    if (S_ISBLK(m)) return "blockdev";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    return "unknown";
}

static void show(const char *label, int r, struct stat *st) {
    if (r < 0) { printf("%s: %s\n", label, errname(errno)); return; }
    printf("%s: type=%s", label, ftype(st->st_mode));
    if (S_ISREG(st->st_mode))
        printf(" size=%lld nlink=%lu", (long long)st->st_size, (unsigned long)st->st_nlink);
    printf("\n");
}

static void times(const char *label, struct stat *st) {
    printf("%s: atime=%lld.%06ld mtime=%lld.%06ld\n", label,
           (long long)st->st_atim.tv_sec, st->st_atim.tv_nsec / 1000,
           (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec / 1000);
}

static int near_now(struct timespec t) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long d = (long long)now.tv_sec - (long long)t.tv_sec;
    return d >= -60 && d <= 60;
}

int main(void) {
    struct stat st;
    int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789abc", 13);

    show("fstat f.txt", fstat(fd, &st), &st);
    printf("  mtime near now: %s\n", yesno(near_now(st.st_mtim)));
    show("stat f.txt", stat("f.txt", &st), &st);
    show("lstat f.txt", lstat("f.txt", &st), &st);
    show("fstatat f.txt", fstatat(AT_FDCWD, "f.txt", &st, 0), &st);
    errno = 0;
    show("stat missing", stat("nope", &st), &st);
    /* stat("") is not tested: Linux says ENOENT, but wasi-libc rewrites ""
     * to "." before the runtime sees it. */
    show("stat f.txt/x (not a dir)", stat("f.txt/x", &st), &st);
    show("fstat bad fd", fstat(987, &st), &st);

    mkdir("d", 0755);
    show("stat d", stat("d", &st), &st);
    show("stat .", stat(".", &st), &st);
    show("stat d/..", stat("d/..", &st), &st);
    show("stat ./d/./", stat("./d/./", &st), &st);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    show("fstat dir fd", fstat(dfd, &st), &st);
    close(dfd);

    /* size tracking across ftruncate and writes */
    ftruncate(fd, 100);
    fstat(fd, &st); printf("after ftruncate 100: size=%lld\n", (long long)st.st_size);
    ftruncate(fd, 0);
    stat("f.txt", &st); printf("after ftruncate 0: size=%lld\n", (long long)st.st_size);
    pwrite(fd, "x", 1, 4095);
    fstat(fd, &st); printf("after pwrite@4095: size=%lld\n", (long long)st.st_size);

    /* utimensat with explicit times (microsecond-exact values) */
    struct timespec ts[2] = {{1000000000, 250000000}, {1234567890, 500000000}};
    TRY("utimensat explicit", utimensat(AT_FDCWD, "f.txt", ts, 0));
    stat("f.txt", &st); times("  stat", &st);

    /* UTIME_OMIT keeps a field; "now" sets it to the current time */
    struct timespec ts2[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
    TRY("utimensat omit atime", utimensat(AT_FDCWD, "f.txt", ts2, 0));
    stat("f.txt", &st); times("  stat", &st);
    TRY("set atime now, omit mtime", set_now(fd, 1, 0));
    stat("f.txt", &st);
    printf("  atime near now: %s, mtime kept: %s\n", yesno(near_now(st.st_atim)),
           yesno(st.st_mtim.tv_sec == 1500000000));

    /* futimens */
    struct timespec ts4[2] = {{1111111111, 1000}, {1222222222, 999999000}};
    TRY("futimens explicit", futimens(fd, ts4));
    fstat(fd, &st); times("  fstat", &st);
    TRY("set both now", set_now(fd, 1, 1));
    fstat(fd, &st);
    printf("  both near now: %s\n", yesno(near_now(st.st_atim) && near_now(st.st_mtim)));

    /* times on a directory, and error cases */
    TRY("utimensat dir", utimensat(AT_FDCWD, "d", ts, 0));
    stat("d", &st); times("  stat d", &st);
    TRY("utimensat missing", utimensat(AT_FDCWD, "nope", ts, 0));
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    TRY("utimensat bad nsec", utimensat(AT_FDCWD, "f.txt", bad, 0));
    TRY("futimens bad fd", futimens(987, ts));

    /* a write updates mtime to ~now */
    utimensat(AT_FDCWD, "f.txt", ts, 0);
    write(fd, "more", 4);
    fstat(fd, &st);
    printf("write bumps mtime: %s\n", yesno(st.st_mtim.tv_sec != 1234567890 && near_now(st.st_mtim)));
    close(fd);
    return 0;
}
