/* sock_tcp: TCP over loopback in one process, blocking and not: socket/bind/listen/connect/
 * accept (also with a NULL address), getsockname/getpeername, an echo, MSG_PEEK, MSG_DONTWAIT,
 * FIONREAD, SO_RCVTIMEO, O_NONBLOCK through fcntl and FIONBIO, SOCK_NONBLOCK/SOCK_CLOEXEC,
 * options, 1 MiB each way under poll, half-close (SHUT_WR, then read to EOF, POLLRDHUP),
 * writes to a closed peer, the errors of misused sockets, and the same over IPv6.
 * Ports vary from run to run: only facts about them are printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static long long ms_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char *ip(const struct sockaddr *sa) {
    static char buf[INET6_ADDRSTRLEN];
    const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                                             : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
    return inet_ntop(sa->sa_family, a, buf, sizeof buf) ? buf : "?";
}

static int port(const struct sockaddr *sa) {
    return ntohs(sa->sa_family == AF_INET ? ((const struct sockaddr_in *)sa)->sin_port
                                          : ((const struct sockaddr_in6 *)sa)->sin6_port);
}

static const char *family(int f) {
    return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : f == AF_UNIX ? "AF_UNIX" : "other";
}

static int intopt(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) < 0) return -1000 - errno;
    return v;
}

/* A listening socket on the loopback address of the family, port chosen by the system. */
static int listener(int fam, struct sockaddr_storage *addr, socklen_t *len) {
    int s = socket(fam, SOCK_STREAM, 0);
    if (s < 0) return -1;
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(addr, 0, sizeof *addr);
    if (fam == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)addr;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        *len = sizeof *in6;
    }
    if (bind(s, (struct sockaddr *)addr, *len) < 0 || listen(s, 16) < 0) {
        close(s);
        return -1;
    }
    *len = sizeof *addr;
    getsockname(s, (struct sockaddr *)addr, len);
    return s;
}

static int wait_readable(int fd, int ms) {
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms);
}

/* Sends n bytes from a to b and n other bytes from b to a at the same time, with both
   non-blocking under poll; prints whether each side got what the other sent. */
static void bulk(int a, int b, size_t n) {
    unsigned char *out = malloc(n), *in_a = malloc(n), *in_b = malloc(n);
    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)(i * 7 + i / 251);
    fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK);
    fcntl(b, F_SETFL, fcntl(b, F_GETFL) | O_NONBLOCK);
    size_t sent_a = 0, sent_b = 0, got_a = 0, got_b = 0;
    int again = 0, rounds = 0;
    while ((got_a < n || got_b < n) && rounds < 1000000) {
        rounds++;
        struct pollfd p[2] = {{a, POLLIN | (sent_a < n ? POLLOUT : 0), 0}, {b, POLLIN | (sent_b < n ? POLLOUT : 0), 0}};
        if (poll(p, 2, 5000) <= 0) break;
        if (p[0].revents & POLLOUT) {
            ssize_t w = send(a, out + sent_a, n - sent_a > 65536 ? 65536 : n - sent_a, 0);
            if (w > 0) sent_a += w;
            else if (errno == EAGAIN) again = 1;
        }
        if (p[1].revents & POLLOUT) {
            ssize_t w = write(b, out + sent_b, n - sent_b > 65536 ? 65536 : n - sent_b);
            if (w > 0) sent_b += w;
        }
        if (p[0].revents & POLLIN) {
            ssize_t r = recv(a, in_a + got_a, n - got_a, 0);
            if (r > 0) got_a += r;
        }
        if (p[1].revents & POLLIN) {
            ssize_t r = read(b, in_b + got_b, n - got_b);
            if (r > 0) got_b += r;
        }
    }
    printf("bulk %zu bytes each way: a got all: %s, b got all: %s, same bytes: %s\n", n, yesno(got_a == n),
           yesno(got_b == n), yesno(!memcmp(in_a, out, n) && !memcmp(in_b, out, n)));
    (void)again;
    fcntl(a, F_SETFL, fcntl(a, F_GETFL) & ~O_NONBLOCK);
    fcntl(b, F_SETFL, fcntl(b, F_GETFL) & ~O_NONBLOCK);
    free(out);
    free(in_a);
    free(in_b);
}

static void ipv4(void) {
    struct sockaddr_storage sa;
    socklen_t salen;
    int ls = listener(AF_INET, &sa, &salen);
    printf("listener: %s\n", ls >= 0 ? "ok" : errname(errno));
    if (ls < 0) return;
    printf("getsockname: %s %s port>0: %s len=%u\n", family(sa.ss_family), ip((struct sockaddr *)&sa),
           yesno(port((struct sockaddr *)&sa) > 0), (unsigned)salen);
    printf("SO_ACCEPTCONN=%d SO_TYPE is SOCK_STREAM: %s SO_DOMAIN is AF_INET: %s SO_PROTOCOL=%d SO_ERROR=%d\n",
           intopt(ls, SOL_SOCKET, SO_ACCEPTCONN), yesno(intopt(ls, SOL_SOCKET, SO_TYPE) == SOCK_STREAM),
           yesno(intopt(ls, SOL_SOCKET, SO_DOMAIN) == AF_INET), intopt(ls, SOL_SOCKET, SO_PROTOCOL),
           intopt(ls, SOL_SOCKET, SO_ERROR));

    /* a blocking connect completes before any accept (the backlog) */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    TRY("connect", connect(c, (struct sockaddr *)&sa, sizeof(struct sockaddr_in)));
    printf("client SO_ACCEPTCONN=%d SO_ERROR=%d\n", intopt(c, SOL_SOCKET, SO_ACCEPTCONN), intopt(c, SOL_SOCKET, SO_ERROR));
    struct sockaddr_storage peer, local;
    socklen_t plen = sizeof peer, llen = sizeof local;
    TRY("getpeername", getpeername(c, (struct sockaddr *)&peer, &plen));
    printf("  peer is the listener: %s\n", yesno(plen == sizeof(struct sockaddr_in) && port((struct sockaddr *)&peer) ==
                                                 port((struct sockaddr *)&sa) && !strcmp(ip((struct sockaddr *)&peer), "127.0.0.1")));
    TRY("getsockname client", getsockname(c, (struct sockaddr *)&local, &llen));
    printf("  client local: %s port>0: %s\n", ip((struct sockaddr *)&local), yesno(port((struct sockaddr *)&local) > 0));

    /* accept with a NULL address must not fault */
    int s = accept(ls, NULL, NULL);
    printf("accept(NULL, NULL): %s\n", s >= 0 ? "ok" : errname(errno));
    struct sockaddr_storage from;
    socklen_t flen = sizeof from;
    TRY("getpeername server side", getpeername(s, (struct sockaddr *)&from, &flen));
    printf("  server sees the client's port: %s\n", yesno(port((struct sockaddr *)&from) == port((struct sockaddr *)&local)));

    /* a second client, accepted with its address; and a too-short address buffer */
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    connect(c2, (struct sockaddr *)&sa, sizeof(struct sockaddr_in));
    struct sockaddr_in small[2];
    memset(small, 0x55, sizeof small);
    socklen_t slen = 4;
    int s2 = accept(ls, (struct sockaddr *)small, &slen);
    printf("accept with a 4-byte address buffer: %s len=%u family %s untouched beyond: %s\n", s2 >= 0 ? "ok" : errname(errno),
           (unsigned)slen, family(small[0].sin_family), yesno(((unsigned char *)small)[4] == 0x55));
    close(c2);
    close(s2);

    struct stat st;
    TRY("fstat a socket", fstat(s, &st));
    printf("  S_ISSOCK: %s\n", yesno(S_ISSOCK(st.st_mode)));

    /* echo, with send/recv and write/read */
    char buf[256];
    TRY("send hello", send(c, "hello", 5, 0));
    ssize_t n = recv(s, buf, sizeof buf, 0);
    printf("server got %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    TRY("echo back with write", write(s, buf, n));
    n = read(c, buf, sizeof buf);
    printf("client got %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);

    /* MSG_PEEK and FIONREAD */
    send(c, "peekaboo", 8, 0);
    wait_readable(s, 5000);
    int avail = -1;
    TRY("ioctl FIONREAD", ioctl(s, FIONREAD, &avail));
    printf("  FIONREAD=%d\n", avail);
    n = recv(s, buf, 4, MSG_PEEK);
    printf("peek 4: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    n = recv(s, buf, sizeof buf, 0);
    printf("then recv: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    avail = -1;
    ioctl(s, FIONREAD, &avail);
    printf("  FIONREAD after=%d\n", avail);

    /* MSG_WAITALL gathers two sends */
    send(c, "abc", 3, 0);
    send(c, "defgh", 5, 0);
    n = recv(s, buf, 8, MSG_WAITALL);
    printf("MSG_WAITALL 8: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);

    /* nothing to read: MSG_DONTWAIT, O_NONBLOCK, FIONBIO, SO_RCVTIMEO */
    TRY("recv MSG_DONTWAIT on empty", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    TRY("fcntl O_NONBLOCK", fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK));
    printf("  F_GETFL nonblock: %s access O_RDWR: %s\n", yesno(fcntl(s, F_GETFL) & O_NONBLOCK),
           yesno((fcntl(s, F_GETFL) & O_ACCMODE) == O_RDWR));
    TRY("recv non-blocking on empty", recv(s, buf, sizeof buf, 0));
    TRY("read non-blocking on empty", read(s, buf, sizeof buf));
    int off = 0;
    TRY("ioctl FIONBIO 0", ioctl(s, FIONBIO, &off));
    printf("  F_GETFL nonblock: %s\n", yesno(fcntl(s, F_GETFL) & O_NONBLOCK));
    int on = 1;
    ioctl(s, FIONBIO, &on);
    printf("  FIONBIO 1 -> nonblock: %s\n", yesno(fcntl(s, F_GETFL) & O_NONBLOCK));
    ioctl(s, FIONBIO, &off);
    struct timeval tv = {0, 100000};
    TRY("SO_RCVTIMEO 100ms", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    struct timeval got = {9, 9};
    socklen_t glen = sizeof got;
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &glen);
    printf("  SO_RCVTIMEO reads back: %lld.%06lld len=%u\n", (long long)got.tv_sec, (long long)got.tv_usec, (unsigned)glen);
    long long t0 = ms_now();
    TRY("recv with timeout", recv(s, buf, sizeof buf, 0));
    long long el = ms_now() - t0;
    printf("  waited >= 90ms: %s < 20s: %s\n", yesno(el >= 90), yesno(el < 20000));
    struct timeval zero = {0, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &zero, sizeof zero);

    /* options */
    TRY("TCP_NODELAY 1", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on));
    printf("  TCP_NODELAY=%d\n", intopt(c, IPPROTO_TCP, TCP_NODELAY));
    TRY("SO_KEEPALIVE 1", setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on));
    printf("  SO_KEEPALIVE=%d SO_REUSEADDR(listener)=%d\n", intopt(c, SOL_SOCKET, SO_KEEPALIVE),
           intopt(ls, SOL_SOCKET, SO_REUSEADDR));
    int size = 65536;
    TRY("SO_RCVBUF 64K", setsockopt(c, SOL_SOCKET, SO_RCVBUF, &size, sizeof size));
    TRY("SO_SNDBUF 64K", setsockopt(c, SOL_SOCKET, SO_SNDBUF, &size, sizeof size));
    printf("  SO_RCVBUF>=4096: %s SO_SNDBUF>=4096: %s\n", yesno(intopt(c, SOL_SOCKET, SO_RCVBUF) >= 4096),
           yesno(intopt(c, SOL_SOCKET, SO_SNDBUF) >= 4096));
    struct linger lg = {1, 5}, lg2 = {0, 0};
    socklen_t lglen = sizeof lg2;
    TRY("SO_LINGER {1,5}", setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    getsockopt(c, SOL_SOCKET, SO_LINGER, &lg2, &lglen);
    printf("  SO_LINGER reads back {%d,%d} len=%u\n", lg2.l_onoff, lg2.l_linger, (unsigned)lglen);
    lg.l_onoff = 0;
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    TRY("TCP_NODELAY with a 1-byte value", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, 1));
    TRY("SOL_SOCKET option 9999", setsockopt(c, SOL_SOCKET, 9999, &on, sizeof on));
    TRY("getsockopt SOL_SOCKET option 9999", getsockopt(c, SOL_SOCKET, 9999, &on, &(socklen_t){sizeof on}));
    int big = -1;
    socklen_t short_len = 2;
    TRY("getsockopt SO_TYPE into 2 bytes", getsockopt(c, SOL_SOCKET, SO_TYPE, &big, &short_len));
    printf("  len=%u\n", (unsigned)short_len);

    bulk(c, s, 1 << 20);

    /* MSG_MORE (a hint) still sends; SHUT_RD makes reads see end of stream */
    TRY("send with MSG_MORE", send(c, "mo", 2, MSG_MORE));
    TRY("send the rest", send(c, "re", 2, 0));
    n = recv(s, buf, 4, MSG_WAITALL);
    printf("got %zd %.4s\n", n, buf);
    TRY("shutdown SHUT_RD", shutdown(s, SHUT_RD));
    printf("recv after SHUT_RD: %zd\n", recv(s, buf, sizeof buf, 0));

    /* misuse */
    TRY("connect again", connect(c, (struct sockaddr *)&sa, sizeof(struct sockaddr_in)));
    TRY("bind a connected socket", bind(c, (struct sockaddr *)&sa, sizeof(struct sockaddr_in)));
    int other = socket(AF_INET, SOCK_STREAM, 0);
    TRY("bind the listener's port", bind(other, (struct sockaddr *)&sa, sizeof(struct sockaddr_in)));
    TRY("accept on an unlistened socket", accept(other, NULL, NULL));
    TRY("recv on an unconnected socket", recv(other, buf, 1, 0));
    TRY("send on an unconnected socket", send(other, "x", 1, MSG_NOSIGNAL));
    TRY("getpeername unconnected", getpeername(other, (struct sockaddr *)&peer, &plen));
    TRY("shutdown unconnected", shutdown(other, SHUT_RDWR));
    TRY("shutdown bad how", shutdown(c, 7));
    TRY("recv on the listener", recv(ls, buf, 1, 0));
    struct sockaddr_in bad = {0};
    bad.sin_family = AF_INET6;
    TRY("bind with the wrong family", bind(other, (struct sockaddr *)&bad, sizeof bad));
    bad.sin_family = AF_INET;
    TRY("bind with a short length", bind(other, (struct sockaddr *)&bad, 4));
    close(other);

    /* half-close: the client stops writing; the server reads to EOF, sees POLLRDHUP, answers */
    TRY("shutdown client SHUT_WR", shutdown(c, SHUT_WR));
    struct pollfd p = {s, POLLIN | POLLOUT | POLLRDHUP, 0};
    poll(&p, 1, 5000);
    printf("  server poll: in=%d out=%d rdhup=%d hup=%d err=%d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT),
           !!(p.revents & POLLRDHUP), !!(p.revents & POLLHUP), !!(p.revents & POLLERR));
    n = recv(s, buf, sizeof buf, 0);
    printf("server reads to EOF: %zd\n", n);
    TRY("client send after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
    TRY("server answers after EOF", send(s, "bye", 3, 0));
    n = recv(c, buf, sizeof buf, 0);
    printf("client got %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    close(s);
    n = recv(c, buf, sizeof buf, 0);
    printf("client then reads EOF: %zd\n", n);
    p = (struct pollfd){c, POLLIN | POLLRDHUP, 0};
    poll(&p, 1, 5000);
    printf("  client poll after both ways closed: in=%d rdhup=%d hup=%d\n", !!(p.revents & POLLIN),
           !!(p.revents & POLLRDHUP), !!(p.revents & POLLHUP));
    close(c);

    /* writing to a peer that closed: EPIPE (or ECONNRESET), never a success forever */
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&sa, sizeof(struct sockaddr_in));
    s = accept(ls, NULL, NULL);
    close(s);
    int err = 0;
    for (int i = 0; i < 200 && !err; i++) {
        if (send(c, "data", 4, MSG_NOSIGNAL) < 0) err = errno;
        else usleep(5000);
    }
    printf("send to a closed peer fails: %s (EPIPE or ECONNRESET: %s)\n", yesno(err != 0),
           yesno(err == EPIPE || err == ECONNRESET));
    close(c);

    /* SOCK_NONBLOCK | SOCK_CLOEXEC, and accept4 */
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    printf("SOCK_NONBLOCK|SOCK_CLOEXEC: nonblock %s cloexec %s\n", yesno(fcntl(c, F_GETFL) & O_NONBLOCK),
           yesno(fcntl(c, F_GETFD) & FD_CLOEXEC));
    int r = connect(c, (struct sockaddr *)&sa, sizeof(struct sockaddr_in));
    printf("non-blocking connect: %s\n", r == 0 ? "ok" : errname(errno));
    p = (struct pollfd){c, POLLOUT, 0};
    poll(&p, 1, 5000);
    printf("  then POLLOUT: %s SO_ERROR=%d\n", yesno(p.revents & POLLOUT), intopt(c, SOL_SOCKET, SO_ERROR));
    s = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    printf("accept4 SOCK_NONBLOCK|SOCK_CLOEXEC: %s nonblock %s cloexec %s\n", s >= 0 ? "ok" : errname(errno),
           yesno(fcntl(s, F_GETFL) & O_NONBLOCK), yesno(fcntl(s, F_GETFD) & FD_CLOEXEC));
    close(s);
    close(c);
    TRY("accept4 with bad flags", accept4(ls, NULL, NULL, 0x1));
    fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK);
    TRY("accept non-blocking with none waiting", accept(ls, NULL, NULL));
    close(ls);
}

static void ipv6(void) {
    struct sockaddr_storage sa;
    socklen_t salen;
    int ls = listener(AF_INET6, &sa, &salen);
    printf("IPv6 listener: %s\n", ls >= 0 ? "ok" : errname(errno));
    if (ls < 0) return;
    printf("  %s %s port>0: %s len=%u\n", family(sa.ss_family), ip((struct sockaddr *)&sa),
           yesno(port((struct sockaddr *)&sa) > 0), (unsigned)salen);
    /* the default comes from the host's configuration (bindv6only): set it, then read it */
    int fresh = socket(AF_INET6, SOCK_STREAM, 0), v = 0;
    TRY("IPV6_V6ONLY 0", setsockopt(fresh, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
    printf("  IPV6_V6ONLY reads back %d\n", intopt(fresh, IPPROTO_IPV6, IPV6_V6ONLY));
    close(fresh);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    TRY("connect [::1]", connect(c, (struct sockaddr *)&sa, sizeof(struct sockaddr_in6)));
    struct sockaddr_in6 from;
    socklen_t flen = sizeof from;
    int s = accept(ls, (struct sockaddr *)&from, &flen);
    printf("accept: %s from %s %s len=%u\n", s >= 0 ? "ok" : errname(errno), family(from.sin6_family),
           ip((struct sockaddr *)&from), (unsigned)flen);
    send(c, "six", 3, 0);
    char buf[8];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    printf("got %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    close(s);
    close(c);
    close(ls);
}

int main(void) {
    ipv4();
    ipv6();
    return 0;
}
