/* sock_hostile: hostile arguments to every socket call of the arca module (docs/sockets.md),
 * called directly, and to the C library's socket functions: pointers past the end of memory,
 * straddling it, or whose length wraps; lengths too short and too long; unknown families, types,
 * protocols, options, levels and flags; descriptors that are closed, out of range, or not
 * sockets (a file, a pipe, a directory); calls on sockets in the wrong state; a network policy
 * that refuses (EACCES); the socket limit. Each must fail with the documented errno (EFAULT for
 * memory), never trap, and never write outside what it was given. Prints one line per check
 * that fails, then "sock_hostile: N checked, M failed"; exits 1 if anything failed.
 *
 * Run by tests/c/run.sh with --listen 0 (ports chosen by the system only) and --connect
 * 127.0.0.1:1024-65535, so that port 80 and 127.0.0.1:9 are outside the policy. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wasi_raw.h"

#define BAD ((ptr)0xFFFFFFF0u)
static ptr mem_end(void) { return (ptr)(__builtin_wasm_memory_size(0) * 65536u); }
#define EDGE (mem_end())
#define STRADDLE (mem_end() - 3)
static ptr P(const void *p) { return (ptr)(uintptr_t)p; }

static int checked, failed;

/* got must be one of the wanted errnos (0 ends the list) */
static void want(const char *label, int got, int a, int b) {
    checked++;
    if (got == a || (b && got == b)) return;
    failed++;
    printf("FAIL %s: got %d (%s), want %d%s\n", label, got, got ? strerror(got) : "success", a, b ? " or another" : "");
}

/* A libc call: -1 with errno e */
static void want_libc(const char *label, long r, int e) {
    checked++;
    if (r == -1 && errno == e) return;
    failed++;
    printf("FAIL %s: returned %ld errno %d (%s), want errno %d\n", label, r, r < 0 ? errno : 0, strerror(errno), e);
}

struct iov { ptr buf; uint32_t len; };

static struct sockaddr_in lo(int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int main(void) {
    i32 s = -1, u = -1, un = -1, out = -1;
    uint32_t len;
    int one = 1;
    static uint8_t buf[256];

    /* ---- sock_open ---- */
    want("open: bad fd_out", a_sock_open(AF_INET, SOCK_STREAM, 0, BAD), EFAULT, 0);
    want("open: fd_out straddles the end", a_sock_open(AF_INET, SOCK_STREAM, 0, STRADDLE), EFAULT, 0);
    want("open: family 99", a_sock_open(99, SOCK_STREAM, 0, P(&out)), EAFNOSUPPORT, 0);
    want("open: family -1", a_sock_open(-1, SOCK_STREAM, 0, P(&out)), EAFNOSUPPORT, 0);
    want("open: AF_UNSPEC", a_sock_open(AF_UNSPEC, SOCK_STREAM, 0, P(&out)), EAFNOSUPPORT, 0);
    want("open: type 99", a_sock_open(AF_INET, 99, 0, P(&out)), EPROTONOSUPPORT, EINVAL);
    want("open: SOCK_SEQPACKET", a_sock_open(AF_UNIX, SOCK_SEQPACKET, 0, P(&out)), EPROTONOSUPPORT, 0);
    want("open: SOCK_RAW", a_sock_open(AF_INET, SOCK_RAW, 0, P(&out)), EPROTONOSUPPORT, 0);
    want("open: AF_UNIX datagram", a_sock_open(AF_UNIX, SOCK_DGRAM, 0, P(&out)), EPROTONOSUPPORT, 0);
    want("open: TCP with protocol UDP", a_sock_open(AF_INET, SOCK_STREAM, IPPROTO_UDP, P(&out)), EPROTONOSUPPORT, 0);
    want("open: UDP with protocol TCP", a_sock_open(AF_INET, SOCK_DGRAM, IPPROTO_TCP, P(&out)), EPROTONOSUPPORT, 0);
    want("open: unknown flag bits in the type", a_sock_open(AF_INET, SOCK_STREAM | 0x100000, 0, P(&out)), EINVAL, EPROTONOSUPPORT);
    want("open: TCP", a_sock_open(AF_INET, SOCK_STREAM, 0, P(&s)), 0, 0);
    want("open: UDP", a_sock_open(AF_INET, SOCK_DGRAM, 0, P(&u)), 0, 0);
    want("open: AF_UNIX stream", a_sock_open(AF_UNIX, SOCK_STREAM, 0, P(&un)), 0, 0);

    /* ---- sock_pair ---- */
    i32 pr[2];
    want("pair: bad fds_out", a_sock_pair(AF_UNIX, SOCK_STREAM, 0, BAD), EFAULT, 0);
    want("pair: fds_out straddles the end", a_sock_pair(AF_UNIX, SOCK_STREAM, 0, STRADDLE), EFAULT, 0);
    want("pair: AF_INET", a_sock_pair(AF_INET, SOCK_STREAM, 0, P(pr)), EOPNOTSUPP, 0);
    want("pair: AF_UNIX datagram", a_sock_pair(AF_UNIX, SOCK_DGRAM, 0, P(pr)), EOPNOTSUPP, EPROTONOSUPPORT);
    want("pair: protocol 6", a_sock_pair(AF_UNIX, SOCK_STREAM, 6, P(pr)), EPROTONOSUPPORT, 0);

    /* descriptors that are not sockets */
    int file = open("hostile.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int pipefd[2];
    pipe(pipefd);
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    int closed = dup(file);
    close(closed);
    struct sockaddr_in a = lo(0);
    struct { const char *what; int fd; int e; } notsock[] = {
        {"a file", file, ENOTSOCK}, {"a pipe", pipefd[0], ENOTSOCK}, {"a directory", dir, ENOTSOCK},
        {"a closed fd", closed, EBADF}, {"fd -1", -1, EBADF}, {"fd 1000000", 1000000, EBADF}};
    for (size_t i = 0; i < sizeof notsock / sizeof *notsock; i++) {
        char label[96];
        int fd = notsock[i].fd, e = notsock[i].e;
        struct iov iv = {P(buf), 8};
        uint32_t n32;
        i32 flags;
        len = sizeof buf;
#define ON(call) snprintf(label, sizeof label, "%s on %s", #call, notsock[i].what)
        ON(bind); want(label, a_sock_bind(fd, P(&a), sizeof a), e, 0);
        ON(listen); want(label, a_sock_listen(fd, 5), e, 0);
        ON(accept4); want(label, a_sock_accept4(fd, 0, 0, 0, P(&out)), e, 0);
        ON(connect); want(label, a_sock_connect(fd, P(&a), sizeof a), e, 0);
        ON(name); want(label, a_sock_name(fd, 0, P(buf), P(&len)), e, 0);
        ON(getopt); want(label, a_sock_getopt(fd, SOL_SOCKET, SO_TYPE, P(buf), P(&len)), e, 0);
        ON(setopt); want(label, a_sock_setopt(fd, SOL_SOCKET, SO_KEEPALIVE, P(&one), 4), e, 0);
        ON(sendto); want(label, a_sock_sendto(fd, P(&iv), 1, 0, 0, 0, P(&n32)), e, 0);
        ON(recvfrom); want(label, a_sock_recvfrom(fd, P(&iv), 1, MSG_DONTWAIT, 0, 0, P(&n32), P(&flags)), e, 0);
        ON(shutdown); want(label, a_sock_shutdown(fd, SHUT_RDWR), e, 0);
        ON(preview1 sock_accept); want(label, raw_sock_accept(fd, 0, P(&out)), e, 0);
        ON(preview1 sock_recv); want(label, raw_sock_recv(fd, P(&iv), 1, 0, P(&n32), P(&flags)), e, 0);
        ON(preview1 sock_send); want(label, raw_sock_send(fd, P(&iv), 1, 0, P(&n32)), e, 0);
        ON(preview1 sock_shutdown); want(label, raw_sock_shutdown(fd, 3), e, 0);
#undef ON
    }
    want("nread on a closed fd", a_fd_nread(closed, P(&len)), EBADF, 0);
    want("nread: bad n_out", a_fd_nread(s, BAD), EFAULT, 0);

    /* ---- addresses: pointers and lengths ---- */
    want("bind: bad address", a_sock_bind(s, BAD, sizeof a), EFAULT, 0);
    want("bind: address straddles the end", a_sock_bind(s, STRADDLE, sizeof a), EFAULT, 0);
    want("bind: length 0", a_sock_bind(s, P(&a), 0), EINVAL, 0);
    want("bind: length 1", a_sock_bind(s, P(&a), 1), EINVAL, 0);
    want("bind: length 7", a_sock_bind(s, P(&a), 7), EINVAL, 0);
    want("bind: length 0x7fffffff", a_sock_bind(s, P(&a), 0x7fffffff), EINVAL, EFAULT);
    want("bind: length -1", a_sock_bind(s, P(&a), -1), EINVAL, EFAULT);
    struct sockaddr_in6 a6 = {0};
    a6.sin6_family = AF_INET6;
    want("bind: AF_INET6 address on AF_INET", a_sock_bind(s, P(&a6), sizeof a6), EAFNOSUPPORT, 0);
    struct sockaddr_in fam = lo(0);
    fam.sin_family = 77;
    want("bind: family 77", a_sock_bind(s, P(&fam), sizeof fam), EAFNOSUPPORT, 0);
    struct sockaddr_in port80 = lo(80);
    want("bind: port 80, outside the policy", a_sock_bind(s, P(&port80), sizeof port80), EACCES, 0);
    want("connect: bad address", a_sock_connect(s, BAD, sizeof a), EFAULT, 0);
    want("connect: length 3", a_sock_connect(s, P(&a), 3), EINVAL, 0);
    struct sockaddr_in to9 = lo(9);
    want("connect: 127.0.0.1:9, outside the policy", a_sock_connect(s, P(&to9), sizeof to9), EACCES, 0);
    struct sockaddr_in toport0 = lo(0);
    want("connect: port 0", a_sock_connect(s, P(&toport0), sizeof toport0), ECONNREFUSED, EADDRNOTAVAIL);

    /* AF_UNIX addresses */
    struct sockaddr_un ua = {0};
    ua.sun_family = AF_UNIX;
    strcpy(ua.sun_path, "relative.sock");
    want("unix bind: a relative path (the C library makes it absolute)", a_sock_bind(un, P(&ua), sizeof ua), EINVAL, 0);
    want("unix bind: length 111", a_sock_bind(un, P(&ua), 111), EINVAL, 0);
    want("unix bind: empty path", a_sock_bind(un, P(&ua), 2), EINVAL, 0);
    want("unix connect: no such path", a_sock_connect(un, P(&(struct sockaddr_un){AF_UNIX, "/no/such.sock"}), sizeof ua), ENOENT, 0);

    /* a bound, listening TCP socket */
    want("bind 127.0.0.1:0", a_sock_bind(s, P(&a), sizeof a), 0, 0);
    want("bind again", a_sock_bind(s, P(&a), sizeof a), EINVAL, 0);
    want("listen backlog -5 (clamped)", a_sock_listen(s, -5), 0, 0);
    want("listen backlog 2^31-1 (clamped)", a_sock_listen(s, 0x7fffffff), 0, 0);
    struct sockaddr_in bound;
    len = sizeof bound;
    want("name: local", a_sock_name(s, 0, P(&bound), P(&len)), 0, 0);
    want("name: which 2", a_sock_name(s, 2, P(&bound), P(&len)), EINVAL, 0);
    want("name: peer of a listener", a_sock_name(s, 1, P(&bound), P(&len)), ENOTCONN, 0);
    want("name: bad addr", a_sock_name(s, 0, BAD, P(&len)), EFAULT, 0);
    len = 16;
    want("name: addr straddles the end", a_sock_name(s, 0, STRADDLE, P(&len)), EFAULT, 0);
    want("name: bad addr_len", a_sock_name(s, 0, P(&bound), BAD), EFAULT, 0);
    want("name: addr_len straddles the end", a_sock_name(s, 0, P(&bound), STRADDLE), EFAULT, 0);
    /* a short buffer gets only what fits, and the full length */
    memset(buf, 0xAA, sizeof buf);
    len = 3;
    want("name: 3-byte buffer", a_sock_name(s, 0, P(buf), P(&len)), 0, 0);
    checked++;
    if (len != sizeof(struct sockaddr_in) || buf[3] != 0xAA) {
        failed++;
        printf("FAIL name: 3-byte buffer: len %u, byte 3 %#x (want 16 and untouched)\n", len, buf[3]);
    }
    len = 0xFFFFFFFF;
    want("name: addr_len 2^32-1 with a small buffer at the end", a_sock_name(s, 0, EDGE - 8, P(&len)), EFAULT, 0);

    /* accept4 */
    i32 cl = -1;
    a_sock_open(AF_INET, SOCK_STREAM, 0, P(&cl));
    a_sock_connect(cl, P(&bound), sizeof bound);
    len = sizeof buf;
    want("accept4: bad flags", a_sock_accept4(s, 0, 0, 0x1, P(&out)), EINVAL, 0);
    want("accept4: bad fd_out", a_sock_accept4(s, 0, 0, 0, BAD), EFAULT, 0);
    want("accept4: bad addr", a_sock_accept4(s, BAD, P(&len), 0, P(&out)), EFAULT, 0);
    want("accept4: bad addr_len", a_sock_accept4(s, P(buf), BAD, 0, P(&out)), EFAULT, 0);
    i32 conn = -1;
    len = sizeof buf;
    want("accept4: the connection is still there after the faults", a_sock_accept4(s, P(buf), P(&len), SOCK_NONBLOCK, P(&conn)), 0, 0);
    want("accept4 on a connected socket", a_sock_accept4(conn, 0, 0, 0, P(&out)), EINVAL, 0);
    want("listen on a connected socket", a_sock_listen(conn, 5), EINVAL, EISCONN);
    want("accept4 on an unlistened socket", a_sock_accept4(u, 0, 0, 0, P(&out)), EINVAL, EOPNOTSUPP);

    /* options */
    len = 4;
    want("getopt: level 12345", a_sock_getopt(conn, 12345, 1, P(buf), P(&len)), ENOPROTOOPT, 0);
    want("getopt: SOL_SOCKET 9999", a_sock_getopt(conn, SOL_SOCKET, 9999, P(buf), P(&len)), ENOPROTOOPT, 0);
    want("getopt: bad value", a_sock_getopt(conn, SOL_SOCKET, SO_TYPE, BAD, P(&len)), EFAULT, 0);
    want("getopt: bad value_len", a_sock_getopt(conn, SOL_SOCKET, SO_TYPE, P(buf), BAD), EFAULT, 0);
    len = 0x7fffffff;
    want("getopt: value_len 2^31-1 at the end of memory", a_sock_getopt(conn, SOL_SOCKET, SO_TYPE, EDGE - 4, P(&len)), 0, EFAULT);
    want("setopt: level 12345", a_sock_setopt(conn, 12345, 1, P(&one), 4), ENOPROTOOPT, 0);
    want("setopt: SO_ERROR is read-only", a_sock_setopt(conn, SOL_SOCKET, SO_ERROR, P(&one), 4), ENOPROTOOPT, EINVAL);
    want("setopt: SO_TYPE is read-only", a_sock_setopt(conn, SOL_SOCKET, SO_TYPE, P(&one), 4), ENOPROTOOPT, EINVAL);
    want("setopt: bad value", a_sock_setopt(conn, SOL_SOCKET, SO_KEEPALIVE, BAD, 4), EFAULT, 0);
    want("setopt: length 0", a_sock_setopt(conn, SOL_SOCKET, SO_KEEPALIVE, P(&one), 0), EINVAL, 0);
    want("setopt: length 2^31-1", a_sock_setopt(conn, SOL_SOCKET, SO_KEEPALIVE, P(&one), 0x7fffffff), EINVAL, EFAULT);
    want("setopt: SO_LINGER length 4", a_sock_setopt(conn, SOL_SOCKET, SO_LINGER, P(&one), 4), EINVAL, 0);
    want("setopt: SO_RCVTIMEO length 8", a_sock_setopt(conn, SOL_SOCKET, SO_RCVTIMEO, P(buf), 8), EINVAL, 0);
    int64_t tv[2] = {-1, 0};
    /* Linux takes a negative timeout as none (0); EDOM, as for a bad tv_usec, is as clear */
    want("setopt: SO_RCVTIMEO negative", a_sock_setopt(conn, SOL_SOCKET, SO_RCVTIMEO, P(tv), 16), 0, EDOM);
    tv[0] = 0;
    tv[1] = 2000000;
    want("setopt: SO_RCVTIMEO usec 2e6", a_sock_setopt(conn, SOL_SOCKET, SO_RCVTIMEO, P(tv), 16), EDOM, EINVAL);
    int huge = 0x7fffffff;
    want("setopt: SO_RCVBUF 2^31-1 (clamped)", a_sock_setopt(conn, SOL_SOCKET, SO_RCVBUF, P(&huge), 4), 0, 0);
    int neg = -5;
    want("setopt: SO_SNDBUF -5 (clamped)", a_sock_setopt(conn, SOL_SOCKET, SO_SNDBUF, P(&neg), 4), 0, 0);
    want("setopt: TCP_NODELAY on UDP", a_sock_setopt(u, IPPROTO_TCP, 1, P(&one), 4), ENOPROTOOPT, EOPNOTSUPP);

    /* data: iovecs */
    uint32_t n32 = 0;
    i32 fl;
    struct iov good = {P(buf), 8}, badbuf = {BAD, 8}, straddle = {STRADDLE, 8}, wrap = {P(buf), 0xFFFFFFF0u};
    want("sendto: bad iovs", a_sock_sendto(cl, BAD, 1, 0, 0, 0, P(&n32)), EFAULT, 0);
    want("sendto: iov buffer out of memory", a_sock_sendto(cl, P(&badbuf), 1, 0, 0, 0, P(&n32)), EFAULT, 0);
    want("sendto: iov buffer straddles the end", a_sock_sendto(cl, P(&straddle), 1, 0, 0, 0, P(&n32)), EFAULT, 0);
    want("sendto: iov length wraps", a_sock_sendto(cl, P(&wrap), 1, 0, 0, 0, P(&n32)), EFAULT, EINVAL);
    want("sendto: iov count wraps", a_sock_sendto(cl, P(&good), 0x20000001, 0, 0, 0, P(&n32)), EFAULT, EINVAL);
    want("sendto: iov count -1", a_sock_sendto(cl, P(&good), -1, 0, 0, 0, P(&n32)), EFAULT, EINVAL);
    want("sendto: bad nsent", a_sock_sendto(cl, P(&good), 1, 0, 0, 0, BAD), EFAULT, 0);
    want("sendto: bad address", a_sock_sendto(u, P(&good), 1, 0, BAD, 16, P(&n32)), EFAULT, 0);
    want("sendto: UDP to 127.0.0.1:9, outside the policy", a_sock_sendto(u, P(&good), 1, 0, P(&to9), sizeof to9, P(&n32)), EACCES, 0);
    want("sendto: UDP without an address", a_sock_sendto(u, P(&good), 1, 0, 0, 0, P(&n32)), EDESTADDRREQ, 0);
    want("sendto: UDP address length 5", a_sock_sendto(u, P(&good), 1, 0, P(&to9), 5, P(&n32)), EINVAL, 0);
    want("recvfrom: bad iovs", a_sock_recvfrom(conn, BAD, 1, 0, 0, 0, P(&n32), P(&fl)), EFAULT, 0);
    want("recvfrom: iov buffer out of memory", a_sock_recvfrom(conn, P(&badbuf), 1, 0, 0, 0, P(&n32), P(&fl)), EFAULT, 0);
    want("recvfrom: iov count wraps", a_sock_recvfrom(conn, P(&good), 0x20000001, 0, 0, 0, P(&n32), P(&fl)), EFAULT, EINVAL);
    want("recvfrom: bad nrecv", a_sock_recvfrom(conn, P(&good), 1, MSG_DONTWAIT, 0, 0, BAD, P(&fl)), EFAULT, 0);
    want("recvfrom: bad flags_out", a_sock_recvfrom(conn, P(&good), 1, MSG_DONTWAIT, 0, 0, P(&n32), BAD), EFAULT, 0);
    len = 16;
    want("recvfrom: bad addr", a_sock_recvfrom(conn, P(&good), 1, MSG_DONTWAIT, BAD, P(&len), P(&n32), P(&fl)), EFAULT, 0);
    want("recvfrom: bad addr_len", a_sock_recvfrom(conn, P(&good), 1, MSG_DONTWAIT, P(buf + 64), BAD, P(&n32), P(&fl)), EFAULT, 0);
    want("recvfrom: nothing yet (non-blocking)", a_sock_recvfrom(conn, P(&good), 1, 0, 0, 0, P(&n32), P(&fl)), EAGAIN, 0);
    /* a fault must not lose the data: send 8 bytes, fault a receive, then get them */
    struct iov msg = {P("abcdefgh"), 8};
    want("sendto 8 bytes", a_sock_sendto(cl, P(&msg), 1, 0, 0, 0, P(&n32)), 0, 0);
    struct pollfd pfd = {conn, POLLIN, 0};
    poll(&pfd, 1, 5000);
    want("recvfrom into a bad buffer", a_sock_recvfrom(conn, P(&badbuf), 1, 0, 0, 0, P(&n32), P(&fl)), EFAULT, 0);
    memset(buf, 0, 16);
    want("recvfrom after the fault", a_sock_recvfrom(conn, P(&good), 1, 0, 0, 0, P(&n32), P(&fl)), 0, 0);
    checked++;
    if (n32 != 8 || memcmp(buf, "abcdefgh", 8)) {
        failed++;
        printf("FAIL the bytes survive a faulting receive: got %u bytes\n", n32);
    }
    want("shutdown how 3", a_sock_shutdown(conn, 3), EINVAL, 0);
    want("shutdown how -1", a_sock_shutdown(conn, -1), EINVAL, 0);
    want("shutdown of an unconnected socket", a_sock_shutdown(un, SHUT_RD), ENOTCONN, 0);
    want("preview1 sock_shutdown how 0", raw_sock_shutdown(conn, 0), EINVAL, 0);
    want("preview1 sock_recv: bad iovs", raw_sock_recv(conn, BAD, 1, 0, P(&n32), P(&fl)), EFAULT, 0);
    want("preview1 sock_send: bad nsent", raw_sock_send(cl, P(&good), 1, 0, BAD), EFAULT, 0);
    want("preview1 sock_accept: bad fd_out", raw_sock_accept(s, 0, BAD), EFAULT, 0);

    /* ---- sock_resolve ---- */
    static const char host[] = "localhost";
    static uint8_t rec[20 * 4];
    uint32_t count = 0;
    want("resolve: bad name", a_sock_resolve(BAD, 9, 0, P(rec), 4, P(&count)), EFAULT, 0);
    want("resolve: name straddles the end", a_sock_resolve(STRADDLE, 9, 0, P(rec), 4, P(&count)), EFAULT, 0);
    want("resolve: name length 0", a_sock_resolve(P(host), 0, 0, P(rec), 4, P(&count)), EINVAL, ENOENT);
    want("resolve: name length 2^31-1", a_sock_resolve(P(host), 0x7fffffff, 0, P(rec), 4, P(&count)), EINVAL, EFAULT);
    want("resolve: family 99", a_sock_resolve(P(host), 9, 99, P(rec), 4, P(&count)), EAFNOSUPPORT, 0);
    want("resolve: bad out", a_sock_resolve(P(host), 9, 0, BAD, 4, P(&count)), EFAULT, 0);
    want("resolve: capacity past the end of memory", a_sock_resolve(P(host), 9, 0, EDGE - 20, 4, P(&count)), EFAULT, 0);
    want("resolve: capacity that wraps", a_sock_resolve(P(host), 9, 0, P(rec), 0x0CCCCCCD, P(&count)), EFAULT, EINVAL);
    want("resolve: bad count", a_sock_resolve(P(host), 9, 0, P(rec), 4, BAD), EFAULT, 0);
    want("resolve: an unknown name", a_sock_resolve(P("no.such.name"), 12, 0, P(rec), 4, P(&count)), ENOENT, 0);
    want("resolve: a NUL in the name", a_sock_resolve(P("local\0host"), 10, 0, P(rec), 4, P(&count)), EINVAL, ENOENT);
    memset(rec, 0xAA, sizeof rec);
    want("resolve: capacity 1", a_sock_resolve(P(host), 9, 0, P(rec), 1, P(&count)), 0, 0);
    checked++;
    if (count < 1 || rec[20] != 0xAA) {
        failed++;
        printf("FAIL resolve: capacity 1 wrote past its record (count %u)\n", count);
    }

    /* ---- fd_poll and fd_nread ---- */
    uint32_t ready = 0;
    struct pollfd pf[2] = {{conn, POLLIN, 0}, {cl, POLLOUT, 0}};
    uint64_t mask = 0;
    want("poll: bad fds", a_fd_poll(BAD, 1, 0, 0, P(&ready)), EFAULT, 0);
    want("poll: fds straddle the end", a_fd_poll(STRADDLE, 1, 0, 0, P(&ready)), EFAULT, 0);
    want("poll: nfds 2^31-1", a_fd_poll(P(pf), 0x7fffffff, 0, 0, P(&ready)), EINVAL, EFAULT);
    want("poll: nfds -1", a_fd_poll(P(pf), -1, 0, 0, P(&ready)), EINVAL, EFAULT);
    want("poll: bad sigmask", a_fd_poll(P(pf), 2, 0, BAD, P(&ready)), EFAULT, 0);
    want("poll: bad nready", a_fd_poll(P(pf), 2, 0, 0, BAD), EFAULT, 0);
    want("poll: a negative timeout other than -1, with a ready fd", a_fd_poll(P(pf), 2, -7, P(&mask), P(&ready)), 0, EINVAL);
    want("nread on a listening socket", a_fd_nread(s, P(&len)), 0, 0);

    /* ---- the C library must not trap on what it reads itself ---- */
    want_libc("bind(bad pointer)", bind(un, (struct sockaddr *)(uintptr_t)BAD, sizeof ua), EFAULT);
    want_libc("connect(pointer straddling the end)", connect(un, (struct sockaddr *)(uintptr_t)STRADDLE, sizeof ua), EFAULT);
    want_libc("sendmsg(bad msghdr)", sendmsg(cl, (struct msghdr *)(uintptr_t)BAD, 0), EFAULT);
    want_libc("recvmsg(bad msghdr)", recvmsg(conn, (struct msghdr *)(uintptr_t)BAD, 0), EFAULT);
    want_libc("recvmsg(msghdr straddling the end)", recvmsg(conn, (struct msghdr *)(uintptr_t)STRADDLE, 0), EFAULT);
    struct msghdr mh = {0};
    mh.msg_iov = (struct iovec *)(uintptr_t)BAD;
    mh.msg_iovlen = 1;
    want_libc("sendmsg(msghdr with bad iovecs)", sendmsg(cl, &mh, 0), EFAULT);
    mh.msg_iov = (struct iovec *)&good;
    mh.msg_control = buf;
    mh.msg_controllen = 32;
    want_libc("sendmsg with ancillary data", sendmsg(cl, &mh, 0), EOPNOTSUPP);
    mh.msg_iovlen = -1;
    mh.msg_controllen = 0;
    want_libc("sendmsg(msg_iovlen -1)", sendmsg(cl, &mh, 0), EMSGSIZE);
    want_libc("accept(fd, addr, NULL)", accept(s, (struct sockaddr *)buf, NULL), EFAULT);
    want_libc("getsockname(fd, NULL, &len)", getsockname(s, NULL, &len), EFAULT);
    want_libc("getsockopt(..., NULL len)", getsockopt(s, SOL_SOCKET, SO_TYPE, buf, NULL), EFAULT);
    want_libc("poll(bad pointer)", poll((struct pollfd *)(uintptr_t)BAD, 1, 0), EFAULT);
    want_libc("ppoll(bad timespec)", ppoll(pf, 1, (struct timespec *)(uintptr_t)BAD, NULL), EFAULT);
    want_libc("ppoll(bad sigmask)", ppoll(pf, 1, NULL, (sigset_t *)(uintptr_t)BAD), EFAULT);
    want_libc("select(bad fd_set)", select(4, (fd_set *)(uintptr_t)BAD, NULL, NULL, NULL), EFAULT);
    want_libc("select(bad timeval)", select(1, NULL, NULL, NULL, (struct timeval *)(uintptr_t)BAD), EFAULT);
    want_libc("ioctl(FIONREAD, bad pointer)", ioctl(conn, FIONREAD, (int *)(uintptr_t)BAD), EFAULT);
    want_libc("ioctl(FIONBIO, bad pointer)", ioctl(conn, FIONBIO, (int *)(uintptr_t)BAD), EFAULT);
    want_libc("ioctl(unknown request)", ioctl(conn, 0x5401, buf), ENOTTY);
    want_libc("ioctl(FIONREAD) on fd 1000000", ioctl(1000000, FIONREAD, &one), EBADF);
    ua.sun_family = AF_UNIX;
    memset(ua.sun_path, 'x', sizeof ua.sun_path);
    want_libc("bind(a relative path that is too long once absolute)", bind(un, (struct sockaddr *)&ua, sizeof ua), ENAMETOOLONG);

    /* ---- the socket limit: open until refused, then close and open again ---- */
    static i32 many[5000];
    int n = 0, last = 0;
    for (; n < 5000; n++) {
        last = a_sock_open(AF_INET, SOCK_STREAM, 0, P(&many[n]));
        if (last) break;
    }
    checked++;
    if (!(last == EMFILE || last == ENFILE) || n < 100) {
        failed++;
        printf("FAIL opening sockets until the limit: %d opened, then errno %d\n", n, last);
    }
    for (int i = 0; i < n; i++) close(many[i]);
    i32 again = -1;
    want("a socket after closing them all", a_sock_open(AF_INET, SOCK_STREAM, 0, P(&again)), 0, 0);

    printf("sock_hostile: %d checked, %d failed\n", checked, failed);
    return failed ? 1 : 0;
}
