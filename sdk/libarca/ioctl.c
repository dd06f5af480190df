/* ioctl on Arca's descriptor calls: FIONREAD (fd_nread), FIONBIO (O_NONBLOCK through fcntl, so
   it works on sockets, pipes and files alike), FIOCLEX and FIONCLEX (fd_cloexec). Replaces
   wasi-libc's, whose FIONREAD asks poll_oneoff. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include "libarca.h"

#undef fcntl
int fcntl(int, int, ...);

static int fail(int32_t err) {
    errno = err;
    return -1;
}

int ioctl(int fd, int request, ...) {
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int32_t err, old;
    switch (request) {
    case FIONREAD: {
        if (!__arca_in_memory(arg, sizeof(int))) return fail(EFAULT);
        uint32_t n = 0;
        err = __arca_fd_nread(fd, &n);
        if (err) return fail(err);
        *(int *)arg = n > INT32_MAX ? INT32_MAX : (int)n;
        return 0;
    }
    case FIONBIO: {
        if (!__arca_in_memory(arg, sizeof(int))) return fail(EFAULT);
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0) return -1;
        flags = *(const int *)arg ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        return fcntl(fd, F_SETFL, flags);
    }
    case FIOCLEX:
    case FIONCLEX:
        err = __arca_fd_cloexec(fd, request == FIOCLEX ? 1 : 2, &old);
        return err ? fail(err) : 0;
    default:
        err = __arca_fd_cloexec(fd, 0, &old); /* EBADF first, as Linux */
        return fail(err ? err : ENOTTY);
    }
}
