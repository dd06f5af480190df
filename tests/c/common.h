/* common.h - shared helpers for the Arca C comparison tests.
 *
 * Every test prints only derived, deterministic facts. Errors are printed by
 * errno *name* from our own table (glibc and wasi-libc use different numeric
 * values and different strerror texts, but the same macro names).
 */
#ifndef ARCA_TEST_COMMON_H
#define ARCA_TEST_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Line-buffer stdout so a runtime that hangs or traps still shows how far the
 * program got in the diff. */
__attribute__((constructor)) static void line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

__attribute__((unused)) static const char *errname(int e) {
#define E(x) if (e == x) return #x;
    if (e == 0) return "0";
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC)
    E(EBADF) E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY)
    E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)
    E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS)
    E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOLCK)
    E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(ENOMSG) E(EIDRM) E(ENOLINK) E(EPROTO)
    E(EMULTIHOP) E(EBADMSG) E(EOVERFLOW) E(EILSEQ) E(ENOTSOCK) E(EDESTADDRREQ)
    E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT) E(EPROTONOSUPPORT) E(EOPNOTSUPP)
    E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH)
    E(ENETRESET) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN)
    E(ENOTCONN) E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTUNREACH) E(EALREADY)
    E(EINPROGRESS) E(ESTALE) E(EDQUOT) E(ECANCELED) E(EOWNERDEAD)
    E(ENOTRECOVERABLE)
#ifdef ENOTCAPABLE
    E(ENOTCAPABLE)
#endif
#undef E
    static char buf[32];
    snprintf(buf, sizeof buf, "errno#%d", e);
    return buf;
}

/* Print "label: ok" or "label: ENAME" for a libc call result (<0 means error).
 * Returns the call's result so fds etc. can still be used. */
__attribute__((unused)) static long res(const char *label, long r) {
    if (r < 0)
        printf("%s: %s\n", label, errname(errno));
    else
        printf("%s: ok\n", label);
    return r;
}
/* Run expr with errno cleared, then report it. */
#define TRY(label, expr) (errno = 0, res((label), (long)(expr)))

__attribute__((unused)) static const char *yesno(int b) { return b ? "yes" : "no"; }

/* The time ms milliseconds after t (for the absolute deadlines of the timed waits). */
#ifdef __STDC_VERSION__
#include <time.h>
__attribute__((unused)) static struct timespec after_ms(struct timespec t, long ms) {
    t.tv_nsec += ms * 1000000L;
    t.tv_sec += t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}
#endif

/* FNV-1a 32-bit, for printing checksums of data instead of the data. */
__attribute__((unused)) static uint32_t fnv1a(const void *p, size_t n, uint32_t h) {
    const unsigned char *s = p;
    if (h == 0) h = 2166136261u;
    while (n--) { h ^= *s++; h *= 16777619u; }
    return h;
}

#endif
