/* pipe, dup, and fcntl's FD_CLOEXEC, F_DUPFD and record locks on Arca's descriptor calls. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
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
        __arca_fd_cloexec(f[0], ARCA_CLOEXEC_SET, &old);
        __arca_fd_cloexec(f[1], ARCA_CLOEXEC_SET, &old);
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
        __arca_fd_cloexec(newfd, ARCA_CLOEXEC_SET, &old);
    }
    return newfd;
}

/* Record locks: Arca's kernel keeps them for every process of the instance (fd_lock). */
static int lock(int fd, int cmd, struct flock *fl) {
    if (!fl) {
        errno = EFAULT;
        return -1;
    }
    off_t base = 0;
    if (fl->l_whence == SEEK_CUR) {
        base = lseek(fd, 0, SEEK_CUR);
    } else if (fl->l_whence == SEEK_END) {
        struct stat st;
        if (fstat(fd, &st) != 0) return -1;
        base = st.st_size;
    } else if (fl->l_whence != SEEK_SET) {
        errno = EINVAL;
        return -1;
    }
    if (base < 0) return -1;
    int64_t start = base + fl->l_start, len = fl->l_len;
    if (len < 0) { /* a negative length covers the bytes before start */
        start += len;
        len = -len;
    }
    if (start < 0) {
        errno = EINVAL;
        return -1;
    }
    int type = fl->l_type == F_RDLCK ? ARCA_LOCK_READ : fl->l_type == F_WRLCK ? ARCA_LOCK_WRITE
             : fl->l_type == F_UNLCK ? ARCA_LOCK_UNLOCK : -1;
    if (type < 0) {
        errno = EINVAL;
        return -1;
    }
    struct __arca_lock out = {0};
    int32_t err = __arca_fd_lock(fd, cmd == F_GETLK ? ARCA_F_GETLK : cmd == F_SETLK ? ARCA_F_SETLK : ARCA_F_SETLKW, type, start,
                                 len, &out);
    if (err) {
        errno = err;
        return -1;
    }
    if (cmd == F_GETLK) {
        fl->l_type = out.type == ARCA_LOCK_READ ? F_RDLCK : out.type == ARCA_LOCK_WRITE ? F_WRLCK : F_UNLCK;
        if (out.type != ARCA_LOCK_UNLOCK) {
            fl->l_whence = SEEK_SET;
            fl->l_start = out.start;
            fl->l_len = out.len;
            fl->l_pid = out.pid;
        }
    }
    return 0;
}

/* flock(2) as a whole-file record lock of the process (the BSD emulation glibc once had): what one
   process holds excludes the others, as Linux's flock does. Unlike Linux's, it is the same lock as
   fcntl's (not a separate kind) and belongs to the process, not to the open file description. */
int flock(int fd, int op) {
    int nonblocking = op & LOCK_NB;
    op &= ~LOCK_NB;
    short type = op == LOCK_SH ? F_RDLCK : op == LOCK_EX ? F_WRLCK : op == LOCK_UN ? F_UNLCK : -1;
    if (type < 0) {
        errno = EINVAL;
        return -1;
    }
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (lock(fd, nonblocking ? F_SETLK : F_SETLKW, &fl) == 0) return 0;
    if (errno == EACCES || errno == EAGAIN) errno = EWOULDBLOCK;
    return -1;
}

int __arca_fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    int32_t old;
    int32_t err;
    int r;
    switch (cmd) {
    case F_GETFD:
        err = __arca_fd_cloexec(fd, ARCA_CLOEXEC_GET, &old);
        r = err ? (errno = err, -1) : (old ? FD_CLOEXEC : 0);
        break;
    case F_SETFD: {
        int v = va_arg(ap, int);
        err = __arca_fd_cloexec(fd, (v & FD_CLOEXEC) ? ARCA_CLOEXEC_SET : ARCA_CLOEXEC_CLEAR, &old);
        r = err ? (errno = err, -1) : 0;
        break;
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        int min = va_arg(ap, int);
        int32_t out;
        err = __arca_fd_dup(fd, min, &out);
        if (!err && cmd == F_DUPFD_CLOEXEC) __arca_fd_cloexec(out, ARCA_CLOEXEC_SET, &old);
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
