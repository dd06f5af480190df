/* sock_unix: AF_UNIX stream sockets: bind/listen/connect/accept with a relative path, the same
 * socket reached by its absolute path and from another directory ("../"), getsockname and
 * getpeername, EADDRINUSE, ENOENT for a missing path, EINVAL for an over-long address, the
 * abstract namespace, and socketpair (both ways, half-close, SOCK_NONBLOCK|SOCK_CLOEXEC,
 * unnamed addresses, EOPNOTSUPP for AF_INET). Where a socket file would remain on Linux the
 * test unlinks it without printing the result: in Arca the names are not files. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static socklen_t unix_addr(struct sockaddr_un *a, const char *path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strncpy(a->sun_path, path, sizeof a->sun_path - 1);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static int ends_with(const char *s, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    return n >= k && !memcmp(s + n - k, suffix, k);
}

static void exchange(int a, int b, const char *label) {
    char buf[64];
    send(a, "ping", 4, 0);
    ssize_t n = recv(b, buf, sizeof buf, 0);
    send(b, "pong", 4, 0);
    ssize_t m = recv(a, buf + 8, sizeof buf - 8, 0);
    printf("%s: %zd %.4s / %zd %.4s\n", label, n, buf, m, buf + 8);
}

static void paths(void) {
    struct sockaddr_un a;
    socklen_t len = unix_addr(&a, "srv.sock");
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("socket AF_UNIX: %s\n", ls >= 0 ? "ok" : errname(errno));
    TRY("bind srv.sock (relative)", bind(ls, (struct sockaddr *)&a, len));
    TRY("listen", listen(ls, 8));
    struct sockaddr_un got;
    socklen_t glen = sizeof got;
    memset(&got, 0, sizeof got);
    TRY("getsockname", getsockname(ls, (struct sockaddr *)&got, &glen));
    size_t plen = glen > offsetof(struct sockaddr_un, sun_path) ? strnlen(got.sun_path, glen - 2) : 0;
    printf("  AF_UNIX: %s path ends with srv.sock: %s\n", yesno(got.sun_family == AF_UNIX),
           yesno(ends_with(got.sun_path, plen, "srv.sock")));
    int type = 0, acc = 0;
    socklen_t tl = sizeof type;
    getsockopt(ls, SOL_SOCKET, SO_TYPE, &type, &tl);
    tl = sizeof acc;
    getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &acc, &tl);
    printf("  SO_TYPE stream: %s SO_ACCEPTCONN=%d\n", yesno(type == SOCK_STREAM), acc);

    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("connect srv.sock", connect(c, (struct sockaddr *)&a, len));
    struct sockaddr_un from;
    socklen_t flen = sizeof from;
    int s = accept(ls, (struct sockaddr *)&from, &flen);
    printf("accept: %s peer AF_UNIX: %s unnamed (len 2): %s\n", s >= 0 ? "ok" : errname(errno),
           yesno(from.sun_family == AF_UNIX), yesno(flen == offsetof(struct sockaddr_un, sun_path)));
    exchange(c, s, "relative");
    glen = sizeof got;
    memset(&got, 0, sizeof got);
    TRY("getpeername client", getpeername(c, (struct sockaddr *)&got, &glen));
    plen = glen > 2 ? strnlen(got.sun_path, glen - 2) : 0;
    printf("  peer path ends with srv.sock: %s\n", yesno(ends_with(got.sun_path, plen, "srv.sock")));
    glen = sizeof got;
    TRY("getsockname client", getsockname(c, (struct sockaddr *)&got, &glen));
    printf("  client unnamed (len 2): %s\n", yesno(glen == offsetof(struct sockaddr_un, sun_path)));

    /* FIONREAD, MSG_PEEK and half-close on AF_UNIX */
    send(c, "abcdef", 6, 0);
    struct pollfd p = {s, POLLIN, 0};
    poll(&p, 1, 5000);
    int avail = -1;
    ioctl(s, FIONREAD, &avail);
    char buf[16];
    ssize_t n = recv(s, buf, 3, MSG_PEEK);
    printf("FIONREAD=%d peek %zd %.3s\n", avail, n, buf);
    n = recv(s, buf, sizeof buf, 0);
    printf("recv %zd %.6s\n", n, buf);
    shutdown(c, SHUT_WR);
    p = (struct pollfd){s, POLLIN | POLLRDHUP, 0};
    poll(&p, 1, 5000);
    n = read(s, buf, sizeof buf);
    printf("after SHUT_WR: in=%d rdhup=%d, read %zd\n", !!(p.revents & POLLIN), !!(p.revents & POLLRDHUP), n);
    write(s, "last", 4);
    close(s);
    n = read(c, buf, sizeof buf);
    ssize_t eof = read(c, buf + 8, sizeof buf - 8);
    printf("client reads %zd %.4s then %zd\n", n, buf, eof);
    close(c);

    /* the same socket by its absolute path, and from a subdirectory */
    char cwd[PATH_MAX], abs[PATH_MAX + 16];
    getcwd(cwd, sizeof cwd);
    snprintf(abs, sizeof abs, "%s/srv.sock", strcmp(cwd, "/") ? cwd : "");
    struct sockaddr_un b;
    socklen_t blen = unix_addr(&b, abs);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("connect by the absolute path", connect(c, (struct sockaddr *)&b, blen));
    s = accept(ls, NULL, NULL);
    exchange(c, s, "absolute");
    close(c);
    close(s);
    mkdir("sub", 0755);
    chdir("sub");
    blen = unix_addr(&b, "../srv.sock");
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("connect ../srv.sock from sub/", connect(c, (struct sockaddr *)&b, blen));
    s = accept(ls, NULL, NULL);
    exchange(c, s, "from sub/");
    close(c);
    close(s);
    blen = unix_addr(&b, "./../sub/../srv.sock");
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("connect ./../sub/../srv.sock from sub/", connect(c, (struct sockaddr *)&b, blen));
    s = accept(ls, NULL, NULL);
    close(c);
    close(s);
    chdir("..");

    /* errors */
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("bind a path in use", bind(other, (struct sockaddr *)&a, len));
    blen = unix_addr(&b, "missing.sock");
    TRY("connect to a missing path", connect(other, (struct sockaddr *)&b, blen));
    TRY("bind with a length beyond sockaddr_un", bind(other, (struct sockaddr *)&a, sizeof a + 1));
    struct sockaddr_in wrong = {0};
    wrong.sin_family = AF_INET;
    TRY("bind an AF_INET address", bind(other, (struct sockaddr *)&wrong, sizeof wrong));
    close(other);
    close(ls);
    unlink("srv.sock"); /* Linux leaves the file; Arca has none (ENOENT) */

    /* rebinding the name after the listener closed */
    ls = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("bind srv.sock again", bind(ls, (struct sockaddr *)&a, len));
    close(ls);
    unlink("srv.sock");
}

static void abstract(void) {
    /* a name unique to this run: the abstract namespace is shared by the whole host */
    unsigned r;
    getentropy(&r, sizeof r);
    char name[40];
    int nl = snprintf(name, sizeof name, "arca-test-%08x", r);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path + 1, name, nl);
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + nl;
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("bind abstract", bind(ls, (struct sockaddr *)&a, len));
    listen(ls, 4);
    struct sockaddr_un got;
    socklen_t glen = sizeof got;
    getsockname(ls, (struct sockaddr *)&got, &glen);
    printf("  getsockname: same length: %s leading NUL: %s same name: %s\n", yesno(glen == len),
           yesno(got.sun_path[0] == 0), yesno(!memcmp(got.sun_path + 1, name, nl)));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("connect abstract", connect(c, (struct sockaddr *)&a, len));
    int s = accept(ls, NULL, NULL);
    exchange(c, s, "abstract");
    close(c);
    close(s);
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("bind the abstract name in use", bind(other, (struct sockaddr *)&a, len));
    close(other);
    close(ls);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("connect after the listener closed", connect(c, (struct sockaddr *)&a, len));
    close(c);
}

static void pairs(void) {
    int sv[2];
    TRY("socketpair AF_UNIX SOCK_STREAM", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    exchange(sv[0], sv[1], "pair");
    exchange(sv[1], sv[0], "pair reversed");
    struct sockaddr_un got;
    socklen_t glen = sizeof got;
    getsockname(sv[0], (struct sockaddr *)&got, &glen);
    printf("  unnamed: family AF_UNIX %s len=%u\n", yesno(got.sun_family == AF_UNIX), (unsigned)glen);
    glen = sizeof got;
    TRY("getpeername on a pair", getpeername(sv[0], (struct sockaddr *)&got, &glen));
    printf("  len=%u\n", (unsigned)glen);
    int type = 0;
    socklen_t tl = sizeof type;
    getsockopt(sv[1], SOL_SOCKET, SO_TYPE, &type, &tl);
    printf("  SO_TYPE stream: %s\n", yesno(type == SOCK_STREAM));
    TRY("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
    char buf[8];
    printf("  other end reads EOF: %zd\n", read(sv[1], buf, sizeof buf));
    TRY("write the other way still works", write(sv[1], "ok", 2));
    printf("  got %zd\n", read(sv[0], buf, sizeof buf));
    close(sv[1]);
    printf("  after close: read %zd\n", read(sv[0], buf, sizeof buf));
    TRY("send to a closed pair", send(sv[0], "x", 1, MSG_NOSIGNAL));
    close(sv[0]);

    TRY("socketpair SOCK_NONBLOCK|SOCK_CLOEXEC", socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
    printf("  nonblock %s %s cloexec %s %s\n", yesno(fcntl(sv[0], F_GETFL) & O_NONBLOCK),
           yesno(fcntl(sv[1], F_GETFL) & O_NONBLOCK), yesno(fcntl(sv[0], F_GETFD) & FD_CLOEXEC),
           yesno(fcntl(sv[1], F_GETFD) & FD_CLOEXEC));
    TRY("read, nothing there", read(sv[0], buf, sizeof buf));
    /* fill the buffer without blocking */
    static char chunk[4096];
    long total = 0;
    ssize_t w;
    while ((w = write(sv[0], chunk, sizeof chunk)) > 0 && total < (64L << 20)) total += w;
    printf("  filled: %s then %s\n", yesno(total > 0 && total < (64L << 20)), errname(errno));
    struct pollfd p = {sv[0], POLLOUT, 0};
    printf("  full: poll out=%d\n", poll(&p, 1, 0) > 0 && (p.revents & POLLOUT));
    close(sv[0]);
    close(sv[1]);
    TRY("socketpair AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
}

int main(void) {
    paths();
    abstract();
    pairs();
    return 0;
}
