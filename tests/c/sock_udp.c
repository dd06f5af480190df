/* sock_udp: UDP over loopback: sendto/recvfrom with addresses, datagram boundaries, an empty
 * datagram, MSG_PEEK, truncation (MSG_TRUNC both ways), sendmsg/recvmsg with two buffers,
 * connected UDP (send without an address, getpeername, EDESTADDRREQ without), MSG_DONTWAIT,
 * SO_RCVTIMEO, poll, FIONREAD, a 60000-byte datagram and one too big, and IPv6. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static int bound(int fam, struct sockaddr_storage *sa, socklen_t *len) {
    int s = socket(fam, SOCK_DGRAM, 0);
    memset(sa, 0, sizeof *sa);
    if (fam == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)sa;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        *len = sizeof *in6;
    }
    if (bind(s, (struct sockaddr *)sa, *len) < 0) {
        printf("bind: %s\n", errname(errno));
        return -1;
    }
    *len = sizeof *sa;
    getsockname(s, (struct sockaddr *)sa, len);
    return s;
}

static int port(const void *sa) {
    const struct sockaddr *s = sa;
    return ntohs(s->sa_family == AF_INET ? ((const struct sockaddr_in *)sa)->sin_port
                                         : ((const struct sockaddr_in6 *)sa)->sin6_port);
}

static void wait_in(int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    poll(&p, 1, 5000);
}

static long long ms_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void ipv4(void) {
    struct sockaddr_storage sa, sb;
    socklen_t la, lb;
    int a = bound(AF_INET, &sa, &la), b = bound(AF_INET, &sb, &lb);
    if (a < 0 || b < 0) return;
    int type = 0;
    socklen_t tl = sizeof type;
    getsockopt(a, SOL_SOCKET, SO_TYPE, &type, &tl);
    printf("bound two: ports>0: %s SO_TYPE is SOCK_DGRAM: %s\n", yesno(port(&sa) > 0 && port(&sb) > 0),
           yesno(type == SOCK_DGRAM));
    struct pollfd p = {b, POLLIN | POLLOUT, 0};
    int r = poll(&p, 1, 0);
    printf("poll, nothing waiting: %d in=%d out=%d\n", r, !!(p.revents & POLLIN), !!(p.revents & POLLOUT));

    TRY("sendto 5", sendto(a, "hello", 5, 0, (struct sockaddr *)&sb, lb));
    TRY("sendto 1", sendto(a, "!", 1, 0, (struct sockaddr *)&sb, lb));
    TRY("sendto 7", sendto(a, "goodbye", 7, 0, (struct sockaddr *)&sb, lb));
    TRY("sendto 0", sendto(a, "", 0, 0, (struct sockaddr *)&sb, lb));
    wait_in(b);
    p = (struct pollfd){b, POLLIN, 0};
    r = poll(&p, 1, 0);
    printf("poll, datagrams waiting: %d in=%d\n", r, !!(p.revents & POLLIN));
    int avail = -1;
    ioctl(b, FIONREAD, &avail);
    printf("FIONREAD (the first datagram's size): %d\n", avail);
    char buf[64];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(b, buf, sizeof buf, MSG_PEEK, (struct sockaddr *)&from, &fl);
    printf("peek: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    for (int i = 0; i < 4; i++) {
        memset(&from, 0, sizeof from);
        fl = sizeof from;
        n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        printf("datagram %d: %zd '%.*s' from 127.0.0.1: %s port is a's: %s len=%u\n", i, n, (int)(n > 0 ? n : 0), buf,
               yesno(((struct sockaddr_in *)&from)->sin_addr.s_addr == htonl(INADDR_LOOPBACK)),
               yesno(port(&from) == port(&sa)), (unsigned)fl);
    }
    TRY("recv MSG_DONTWAIT, nothing", recv(b, buf, sizeof buf, MSG_DONTWAIT));

    /* truncation */
    sendto(a, "0123456789", 10, 0, (struct sockaddr *)&sb, lb);
    sendto(a, "abcdefghij", 10, 0, (struct sockaddr *)&sb, lb);
    wait_in(b);
    n = recv(b, buf, 4, 0);
    printf("10 bytes into 4: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    wait_in(b);
    n = recv(b, buf, 4, MSG_TRUNC);
    printf("10 bytes into 4 with MSG_TRUNC: %zd (the real length) %.4s\n", n, buf);

    /* sendmsg and recvmsg with two buffers each */
    struct iovec out[2] = {{"split ", 6}, {"datagram", 8}};
    struct msghdr m = {0};
    m.msg_name = &sb;
    m.msg_namelen = lb;
    m.msg_iov = out;
    m.msg_iovlen = 2;
    TRY("sendmsg 2 buffers", sendmsg(a, &m, 0));
    wait_in(b);
    char b1[4], b2[32];
    struct iovec in[2] = {{b1, sizeof b1}, {b2, sizeof b2}};
    memset(&m, 0, sizeof m);
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    m.msg_iov = in;
    m.msg_iovlen = 2;
    n = recvmsg(b, &m, 0);
    printf("recvmsg: %zd '%.4s' '%.*s' namelen=%u port is a's: %s flags trunc=%d controllen=%u\n", n, b1,
           (int)(n > 4 ? n - 4 : 0), b2, (unsigned)m.msg_namelen, yesno(port(&from) == port(&sa)),
           !!(m.msg_flags & MSG_TRUNC), (unsigned)m.msg_controllen);
    sendto(a, "0123456789", 10, 0, (struct sockaddr *)&sb, lb);
    wait_in(b);
    struct iovec one = {b1, sizeof b1};
    memset(&m, 0, sizeof m);
    m.msg_iov = &one;
    m.msg_iovlen = 1;
    n = recvmsg(b, &m, 0);
    printf("recvmsg 10 into 4: %zd flags trunc=%d\n", n, !!(m.msg_flags & MSG_TRUNC));

    /* connected UDP */
    TRY("send without an address, unconnected", send(a, "x", 1, 0));
    TRY("connect a to b", connect(a, (struct sockaddr *)&sb, lb));
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    TRY("getpeername", getpeername(a, (struct sockaddr *)&peer, &pl));
    printf("  peer port is b's: %s\n", yesno(port(&peer) == port(&sb)));
    TRY("send connected", send(a, "conn", 4, 0));
    wait_in(b);
    n = recv(b, buf, sizeof buf, 0);
    printf("b got %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    TRY("b replies with sendto", sendto(b, "back", 4, 0, (struct sockaddr *)&sa, la));
    wait_in(a);
    n = read(a, buf, sizeof buf);
    printf("a reads %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);

    /* SO_RCVTIMEO */
    struct timeval tv = {0, 50000};
    setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    long long t0 = ms_now();
    TRY("recv with a 50ms timeout", recv(b, buf, sizeof buf, 0));
    printf("  waited>=45ms: %s\n", yesno(ms_now() - t0 >= 45));

    /* big datagrams */
    int size = 1 << 20;
    setsockopt(b, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(a, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    char *big = malloc(70000);
    for (int i = 0; i < 70000; i++) big[i] = (char)(i * 31);
    TRY("send 60000 bytes", send(a, big, 60000, 0));
    wait_in(b);
    char *got = malloc(70000);
    n = recv(b, got, 70000, 0);
    printf("received %zd, same bytes: %s\n", n, yesno(n == 60000 && !memcmp(big, got, 60000)));
    TRY("send 70000 bytes", send(a, big, 70000, 0));
    free(big);
    free(got);
    int on = 1;
    TRY("SO_BROADCAST 1", setsockopt(a, SOL_SOCKET, SO_BROADCAST, &on, sizeof on));
    TRY("shutdown unconnected UDP", shutdown(b, SHUT_RDWR));
    close(a);
    close(b);
}

static void ipv6(void) {
    struct sockaddr_storage sa, sb;
    socklen_t la, lb;
    int a = bound(AF_INET6, &sa, &la), b = bound(AF_INET6, &sb, &lb);
    if (a < 0 || b < 0) return;
    TRY("IPv6 sendto", sendto(a, "v6", 2, 0, (struct sockaddr *)&sb, sizeof(struct sockaddr_in6)));
    wait_in(b);
    char buf[8];
    struct sockaddr_in6 from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text);
    printf("IPv6 got %zd %.*s from %s len=%u port is a's: %s\n", n, (int)(n > 0 ? n : 0), buf, text, (unsigned)fl,
           yesno(port(&from) == port(&sa)));
    close(a);
    close(b);
}

int main(void) {
    ipv4();
    ipv6();
    return 0;
}
