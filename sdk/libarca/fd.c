/* pipe, dup, and fcntl's FD_CLOEXEC, F_DUPFD and record locks on Arca's descriptor calls. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "arca_abi.h"

#undef fcntl
int fcntl(int, int, ...);

int pipe2(int fds[2], int flags) {
    int32_t f[2];
    int32_t err = __arca_fd_pipe(f, (flags & O_NONBLOCK) ? __WASI_FDFLAGS_NONBLOCK : 0);
    if (err) {
        errno = err;
        return -1;
    }
    fds[0] = f[0];
    fds[1] = f[1];
    if (flags & O_CLOEXEC) {
        int32_t old;
        __arca_fd_cloexec(f[0], 1, &old);
        __arca_fd_cloexec(f[1], 1, &old);
    }
    return 0;
}

int pipe(int fds[2]) {
    return pipe2(fds, 0);
}

int dup(int fd) {
    int32_t out;
    int32_t err = __arca_fd_dup(fd, 0, &out);
    if (err) {
        errno = err;
        return -1;
    }
    return out;
}

int dup2(int fd, int newfd) {
    int32_t err = __arca_fd_dup2(fd, newfd);
    if (err) {
        errno = err;
        return -1;
    }
    return newfd;
}

int dup3(int fd, int newfd, int flags) {
    if (fd == newfd) {
        errno = EINVAL;
        return -1;
    }
    if (dup2(fd, newfd) < 0) return -1;
    if (flags & O_CLOEXEC) {
        int32_t old;
        __arca_fd_cloexec(newfd, 1, &old);
    }
    return newfd;
}

/* Record locks: one process per Arca instance holds a file's locks at a time in this version,
   so a lock is always granted and F_GETLK reports none; see docs. */
static int lock(int fd, int cmd, struct flock *fl) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    if (!fl || fl->l_type < F_RDLCK || fl->l_type > F_UNLCK) {
        errno = EINVAL;
        return -1;
    }
    if (cmd == F_GETLK) fl->l_type = F_UNLCK;
    return 0;
}

int __arca_fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    int32_t old;
    int32_t err;
    int r;
    switch (cmd) {
    case F_GETFD:
        err = __arca_fd_cloexec(fd, 0, &old);
        r = err ? (errno = err, -1) : (old ? FD_CLOEXEC : 0);
        break;
    case F_SETFD: {
        int v = va_arg(ap, int);
        err = __arca_fd_cloexec(fd, (v & FD_CLOEXEC) ? 1 : 2, &old);
        r = err ? (errno = err, -1) : 0;
        break;
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        int min = va_arg(ap, int);
        int32_t out;
        err = __arca_fd_dup(fd, min, &out);
        if (!err && cmd == F_DUPFD_CLOEXEC) __arca_fd_cloexec(out, 1, &old);
        r = err ? (errno = err, -1) : out;
        break;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        r = lock(fd, cmd, va_arg(ap, struct flock *));
        break;
    case F_SETFL:
        r = fcntl(fd, cmd, va_arg(ap, int));
        break;
    default:
        r = fcntl(fd, cmd);
        break;
    }
    va_end(ap);
    return r;
}
