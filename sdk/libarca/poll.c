/* poll, ppoll, select and pselect on Arca's fd_poll, which computes Linux's readiness bits for
   every kind of descriptor (docs/sockets.md). They replace wasi-libc's, which use WASI's bit
   values and poll_oneoff, cannot report POLLHUP or POLLERR alone, and give ENOSYS for a pollfd
   that asks for neither POLLIN nor POLLOUT. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <time.h>
#include "libarca.h"

static int fail(int32_t err) {
    errno = err;
    return -1;
}

/* A timespec as fd_poll's timeout in nanoseconds: -1 for none (wait forever), saturating. */
static int timeout_ns(const struct timespec *ts, int64_t *out) {
    if (!ts) {
        *out = -1;
        return 0;
    }
    if (!__arca_in_memory(ts, sizeof *ts)) return EFAULT;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L) return EINVAL;
    *out = ts->tv_sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX : ts->tv_sec * 1000000000 + ts->tv_nsec;
    return 0;
}

static int fd_poll(struct pollfd *fds, nfds_t n, int64_t ns, const sigset_t *mask) {
    if (mask && !__arca_in_memory(mask, sizeof *mask)) return fail(EFAULT);
    uint32_t ready = 0;
    int32_t err = __arca_fd_poll(fds, n, ns, mask, &ready);
    return err ? fail(err) : (int)ready;
}

int poll(struct pollfd *fds, nfds_t n, int timeout) {
    return fd_poll(fds, n, timeout < 0 ? -1 : (int64_t)timeout * 1000000, NULL);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask) {
    int64_t ns;
    int err = timeout_ns(ts, &ns);
    return err ? fail(err) : fd_poll(fds, n, ns, mask);
}

#define IN_SET (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define OUT_SET (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define EX_SET POLLPRI

static int in_set(const fd_set *s, int fd) {
    return s && FD_ISSET(fd, s);
}

int pselect(int n, fd_set *restrict rd, fd_set *restrict wr, fd_set *restrict ex, const struct timespec *restrict ts,
            const sigset_t *restrict mask) {
    if (n < 0) return fail(EINVAL);
    if (n > FD_SETSIZE) n = FD_SETSIZE; /* as Linux clamps it to the descriptor table */
    /* the first n bits of each set, as the kernel would copy them in */
    uint32_t bytes = (uint32_t)(n + 8 * sizeof(long) - 1) / (8 * sizeof(long)) * sizeof(long);
    if ((rd && !__arca_in_memory(rd, bytes)) || (wr && !__arca_in_memory(wr, bytes)) ||
        (ex && !__arca_in_memory(ex, bytes)))
        return fail(EFAULT);
    int64_t ns;
    int err = timeout_ns(ts, &ns);
    if (err) return fail(err);
    struct pollfd fds[n > 0 ? n : 1];
    int count = 0;
    for (int fd = 0; fd < n; fd++) {
        short events = (in_set(rd, fd) ? POLLIN : 0) | (in_set(wr, fd) ? POLLOUT : 0) | (in_set(ex, fd) ? POLLPRI : 0);
        if (events) fds[count++] = (struct pollfd){fd, events, 0};
    }
    int r = fd_poll(fds, count, ns, mask);
    if (r < 0) return -1;
    for (int i = 0; i < count; i++) {
        if (fds[i].revents & POLLNVAL) return fail(EBADF);
    }
    int total = 0;
    for (int i = 0; i < count; i++) {
        int fd = fds[i].fd;
        short ev = fds[i].revents;
        if (rd && FD_ISSET(fd, rd)) {
            if (ev & IN_SET) total++;
            else FD_CLR(fd, rd);
        }
        if (wr && FD_ISSET(fd, wr)) {
            if (ev & OUT_SET) total++;
            else FD_CLR(fd, wr);
        }
        if (ex && FD_ISSET(fd, ex)) {
            if (ev & EX_SET) total++;
            else FD_CLR(fd, ex);
        }
    }
    return total;
}

/* As Linux's select, it leaves the time not slept in *tv. */
int select(int n, fd_set *restrict rd, fd_set *restrict wr, fd_set *restrict ex, struct timeval *restrict tv) {
    struct timespec ts, *tsp = NULL, start;
    if (tv) {
        if (!__arca_in_memory(tv, sizeof *tv)) return fail(EFAULT);
        if (tv->tv_sec < 0 || tv->tv_usec < 0) return fail(EINVAL);
        /* Linux folds whole seconds out of tv_usec */
        ts.tv_sec = tv->tv_sec + tv->tv_usec / 1000000;
        ts.tv_nsec = (tv->tv_usec % 1000000) * 1000;
        tsp = &ts;
        clock_gettime(CLOCK_MONOTONIC, &start);
    }
    int r = pselect(n, rd, wr, ex, tsp, NULL);
    if (tv && (r >= 0 || errno == EINTR) && ts.tv_sec < INT64_MAX / 1000000000 - 1) {
        int saved = errno;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t left = (ts.tv_sec - (now.tv_sec - start.tv_sec)) * 1000000000LL + ts.tv_nsec - (now.tv_nsec - start.tv_nsec);
        if (left < 0) left = 0;
        tv->tv_sec = left / 1000000000;
        tv->tv_usec = left % 1000000000 / 1000;
        errno = saved;
    }
    return r;
}
