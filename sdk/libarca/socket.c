/* BSD sockets on Arca's sock_* calls (docs/sockets.md). Each call passes its arguments to the
   kernel, which checks them; the C library adds only what the kernel leaves to it: AF_UNIX
   paths made absolute from the current directory, NULL pointers (address 0 is valid linear
   memory, so the kernel cannot tell them apart), and the msghdr unpacking of sendmsg/recvmsg.
   These replace wasi-libc's accept, recv, send, shutdown and getsockopt. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "libarca.h"

static int fail(int32_t err) {
    errno = err;
    return -1;
}

/* Appends the components of path to out (of n bytes, holding an absolute path), resolving "."
   and ".." lexically. Returns 0, or -1 when the result does not fit. */
static int append_path(char *out, size_t n, const char *path, size_t len) {
    size_t used = strlen(out);
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/') i++;
        size_t start = i;
        while (i < len && path[i] != '/') i++;
        size_t clen = i - start;
        if (clen == 0 || (clen == 1 && path[start] == '.')) continue;
        if (clen == 2 && path[start] == '.' && path[start + 1] == '.') {
            while (used > 1 && out[used - 1] != '/') used--; /* drop the last component */
            if (used > 1) used--;                            /* and its slash, unless root */
            out[used] = 0;
            continue;
        }
        size_t need = used + (used > 1 ? 1 : 0) + clen;
        if (need + 1 > n) return -1;
        if (used > 1) out[used++] = '/';
        memcpy(out + used, path + start, clen);
        used += clen;
        out[used] = 0;
    }
    return 0;
}

/* The address to give the kernel for addr: an AF_UNIX path that is relative becomes absolute
   from the C library's current directory, in *buf. Any other address is passed as it is (the
   kernel checks it). Returns 0, or an errno. */
static int kernel_address(const struct sockaddr *addr, socklen_t len, struct sockaddr_un *buf,
                          const void **out, socklen_t *out_len) {
    *out = addr;
    *out_len = len;
    if (!addr || len <= offsetof(struct sockaddr_un, sun_path) || len > sizeof(struct sockaddr_un)) return 0;
    if (!__arca_in_memory(addr, len)) return EFAULT;
    const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
    if (un->sun_family != AF_UNIX) return 0;
    size_t plen = strnlen(un->sun_path, len - offsetof(struct sockaddr_un, sun_path));
    if (plen == 0 || un->sun_path[0] == '/') return 0; /* abstract (leading NUL) or absolute */
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return errno;
    char abs[sizeof buf->sun_path + 1];
    if (strlen(cwd) >= sizeof abs) return ENAMETOOLONG;
    strcpy(abs, "/");
    if (append_path(abs, sizeof abs, cwd, strlen(cwd)) != 0 || append_path(abs, sizeof abs, un->sun_path, plen) != 0)
        return ENAMETOOLONG;
    size_t alen = strlen(abs);
    memset(buf, 0, sizeof *buf);
    buf->sun_family = AF_UNIX;
    memcpy(buf->sun_path, abs, alen);
    *out = buf;
    *out_len = offsetof(struct sockaddr_un, sun_path) + alen + (alen < sizeof buf->sun_path ? 1 : 0);
    return 0;
}

int socket(int domain, int type, int protocol) {
    int32_t fd;
    int32_t err = __arca_sock_open(domain, type, protocol, &fd);
    return err ? fail(err) : fd;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
    int32_t err = __arca_sock_pair(domain, type, protocol, (int32_t *)fds);
    return err ? fail(err) : 0;
}

/* bind or connect: call with the kernel's form of the address */
static int with_address(int32_t (*call)(int32_t, const void *, uint32_t), int fd, const struct sockaddr *addr,
                        socklen_t len) {
    struct sockaddr_un un;
    const void *a;
    socklen_t alen;
    int err = kernel_address(addr, len, &un, &a, &alen);
    if (!err) err = call(fd, a, alen);
    return err ? fail(err) : 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    return with_address(__arca_sock_bind, fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    return with_address(__arca_sock_connect, fd, addr, len);
}

int listen(int fd, int backlog) {
    int32_t err = __arca_sock_listen(fd, backlog);
    return err ? fail(err) : 0;
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags) {
    if (addr && !len) return fail(EFAULT);
    int32_t out;
    int32_t err = __arca_sock_accept4(fd, addr, addr ? len : NULL, flags, &out);
    return err ? fail(err) : out;
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
    return accept4(fd, addr, len, 0);
}

static int name(int fd, int which, struct sockaddr *restrict addr, socklen_t *restrict len) {
    if (!addr || !len) return fail(EFAULT);
    int32_t err = __arca_sock_name(fd, which, addr, len);
    return err ? fail(err) : 0;
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
    return name(fd, 0, addr, len);
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
    return name(fd, 1, addr, len);
}

int getsockopt(int fd, int level, int option, void *restrict value, socklen_t *restrict len) {
    if (!len) return fail(EFAULT);
    int32_t err = __arca_sock_getopt(fd, level, option, value, len);
    return err ? fail(err) : 0;
}

int setsockopt(int fd, int level, int option, const void *value, socklen_t len) {
    int32_t err = __arca_sock_setopt(fd, level, option, value, len);
    return err ? fail(err) : 0;
}

static ssize_t send_iov(int fd, const struct __arca_iovec *iov, uint32_t n, int flags, const struct sockaddr *addr,
                        socklen_t len) {
    struct sockaddr_un un;
    const void *a;
    socklen_t alen;
    int err = kernel_address(addr, len, &un, &a, &alen);
    if (err) return fail(err);
    uint32_t sent = 0;
    err = __arca_sock_sendto(fd, iov, n, flags, a, a ? alen : 0, &sent);
    return err ? fail(err) : (ssize_t)sent;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len) {
    struct __arca_iovec iov = {buf, n};
    return send_iov(fd, &iov, 1, flags, addr, len);
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
    return sendto(fd, buf, n, flags, NULL, 0);
}

_Static_assert(sizeof(struct iovec) == sizeof(struct __arca_iovec), "iovec is the kernel's");

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    if (!msg || !__arca_in_memory(msg, sizeof *msg)) return fail(EFAULT);
    if (msg->msg_iovlen < 0) return fail(EMSGSIZE);
    if (msg->msg_control && msg->msg_controllen > 0) return fail(EOPNOTSUPP); /* no ancillary data */
    return send_iov(fd, (const struct __arca_iovec *)msg->msg_iov, msg->msg_iovlen, flags,
                    msg->msg_name, msg->msg_name ? msg->msg_namelen : 0);
}

static ssize_t recv_iov(int fd, const struct __arca_iovec *iov, uint32_t n, int flags, struct sockaddr *addr,
                        socklen_t *len, int *msg_flags) {
    uint32_t got = 0;
    int32_t out_flags = 0;
    int32_t err = __arca_sock_recvfrom(fd, iov, n, flags, addr, addr ? len : NULL, &got, &out_flags);
    if (err) return fail(err);
    if (msg_flags) *msg_flags = out_flags;
    return got;
}

ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags, struct sockaddr *restrict addr,
                 socklen_t *restrict len) {
    struct __arca_iovec iov = {buf, n};
    return recv_iov(fd, &iov, 1, flags, len ? addr : NULL, len, NULL);
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
    return recvfrom(fd, buf, n, flags, NULL, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    if (!msg || !__arca_in_memory(msg, sizeof *msg)) return fail(EFAULT);
    if (msg->msg_iovlen < 0) return fail(EMSGSIZE);
    int out_flags = 0;
    ssize_t r = recv_iov(fd, (const struct __arca_iovec *)msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name,
                         &msg->msg_namelen, &out_flags);
    if (r >= 0) {
        msg->msg_controllen = 0; /* no ancillary data */
        msg->msg_flags = out_flags;
    }
    return r;
}

int shutdown(int fd, int how) {
    int32_t err = __arca_sock_shutdown(fd, how);
    return err ? fail(err) : 0;
}
