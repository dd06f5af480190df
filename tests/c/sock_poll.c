/* sock_poll: readiness of sockets. Many non-blocking clients and their server connections in
 * one poll loop (connect, echo, half-close, EOF); a non-blocking connect to a closed port
 * (EINPROGRESS, then POLLOUT with POLLERR and SO_ERROR = ECONNREFUSED, cleared once read); a
 * blocking one (ECONNREFUSED); the listening socket's POLLIN; events 0, negative and closed
 * descriptors; ppoll; select and pselect (readiness, timeouts and the time left, EBADF,
 * EINVAL). Only facts that do not depend on ports or timing are printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

#define CLIENTS 24

static long long ms_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void nonblock(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int listener(struct sockaddr_in *sa) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)sa, sizeof *sa) < 0 || listen(s, SOMAXCONN) < 0) return -1;
    socklen_t len = sizeof *sa;
    getsockname(s, (struct sockaddr *)sa, &len);
    return s;
}

static int so_error(int fd) {
    int e = -1;
    socklen_t len = sizeof e;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0) return -1;
    return e;
}

struct client {
    int fd;
    int state; /* 0 connecting, 1 sent, 2 echoed and shut down, 3 saw EOF */
    char got[32];
    int ngot;
};

static void many_clients(void) {
    struct sockaddr_in sa;
    int ls = listener(&sa);
    if (ls < 0) {
        printf("listener: %s\n", errname(errno));
        return;
    }
    nonblock(ls);
    struct client c[CLIENTS];
    int inprogress = 0, immediate = 0;
    for (int i = 0; i < CLIENTS; i++) {
        c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        c[i].state = 0;
        c[i].ngot = 0;
        int r = connect(c[i].fd, (struct sockaddr *)&sa, sizeof sa);
        if (r == 0) immediate++;
        else if (errno == EINPROGRESS) inprogress++;
    }
    printf("%d non-blocking connects: each EINPROGRESS or done: %s\n", CLIENTS, yesno(inprogress + immediate == CLIENTS));

    int server[CLIENTS], nserver = 0, server_eofs = 0, echoed_ok = 0, eofs = 0, accepted = 0;
    long long deadline = ms_now() + 20000;
    while (eofs < CLIENTS && ms_now() < deadline) {
        struct pollfd p[1 + 2 * CLIENTS];
        int n = 0;
        p[n++] = (struct pollfd){ls, POLLIN, 0};
        for (int i = 0; i < CLIENTS; i++)
            p[n++] = (struct pollfd){c[i].state == 3 ? -1 : c[i].fd, c[i].state == 0 ? POLLOUT : POLLIN, 0};
        for (int i = 0; i < nserver; i++) p[n++] = (struct pollfd){server[i], POLLIN, 0};
        if (poll(p, n, 5000) <= 0) break;
        if (p[0].revents & POLLIN) {
            int s;
            while ((s = accept(ls, NULL, NULL)) >= 0) {
                nonblock(s);
                server[nserver++] = s;
                accepted++;
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            short ev = p[1 + i].revents;
            if (!ev) continue;
            if (c[i].state == 0 && (ev & POLLOUT)) {
                if (so_error(c[i].fd) != 0) continue;
                char msg[32];
                int len = snprintf(msg, sizeof msg, "client %02d", i);
                if (send(c[i].fd, msg, len, 0) == len) c[i].state = 1;
            } else if (c[i].state >= 1 && (ev & (POLLIN | POLLHUP))) {
                char buf[32];
                ssize_t r = recv(c[i].fd, buf, sizeof buf, 0);
                if (r > 0 && c[i].ngot + r <= (int)sizeof c[i].got) {
                    memcpy(c[i].got + c[i].ngot, buf, r);
                    c[i].ngot += r;
                    char want[32];
                    int len = snprintf(want, sizeof want, "client %02d", i);
                    if (c[i].ngot == len && !memcmp(c[i].got, want, len)) {
                        echoed_ok++;
                        shutdown(c[i].fd, SHUT_WR);
                        c[i].state = 2;
                    }
                } else if (r == 0) {
                    eofs++;
                    c[i].state = 3;
                    close(c[i].fd);
                }
            }
        }
        for (int i = 0; i < nserver; i++) {
            short ev = p[1 + CLIENTS + i].revents;
            if (!(ev & (POLLIN | POLLHUP))) continue;
            char buf[64];
            ssize_t r = recv(server[i], buf, sizeof buf, 0);
            if (r > 0) {
                send(server[i], buf, r, 0);
            } else if (r == 0) {
                server_eofs++;
                close(server[i]);
                server[i] = server[--nserver];
                i--;
                /* the pollfd entries no longer line up with server[]: poll again */
                break;
            }
        }
    }
    printf("accepted %d, echoed %d, server saw EOF from %d, clients saw EOF %d\n", accepted, echoed_ok,
           server_eofs, eofs);
    close(ls);
}

static void refused(void) {
    /* a port that was just free: bind, note the port, close */
    struct sockaddr_in sa;
    int ls = listener(&sa);
    close(ls);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr *)&sa, sizeof sa);
    printf("non-blocking connect to a closed port: %s\n", r == 0 ? "ok" : errname(errno));
    struct pollfd p = {c, POLLOUT, 0};
    r = poll(&p, 1, 10000);
    printf("  poll: %d out=%d err=%d\n", r, !!(p.revents & POLLOUT), !!(p.revents & POLLERR));
    printf("  SO_ERROR: %s\n", errname(so_error(c)));
    printf("  SO_ERROR again: %s\n", errname(so_error(c)));
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    TRY("blocking connect to a closed port", connect(c, (struct sockaddr *)&sa, sizeof sa));
    close(c);
}

static void poll_details(void) {
    struct sockaddr_in sa;
    int ls = listener(&sa);
    struct pollfd p[3];
    p[0] = (struct pollfd){ls, POLLIN | POLLOUT, 0};
    int r = poll(p, 1, 0);
    printf("listener, nothing waiting: %d revents=%#x\n", r, p[0].revents);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&sa, sizeof sa);
    p[0] = (struct pollfd){ls, POLLIN, 0};
    r = poll(p, 1, 5000);
    printf("listener, a connection waiting: %d in=%d\n", r, !!(p[0].revents & POLLIN));
    int s = accept(ls, NULL, NULL);
    p[0] = (struct pollfd){c, 0, 0};
    p[1] = (struct pollfd){-5, POLLIN, 0};
    p[2] = (struct pollfd){s, POLLIN | POLLPRI, 0};
    r = poll(p, 3, 0);
    printf("events 0, fd -5, nothing to read: %d revents %#x %#x %#x\n", r, p[0].revents, p[1].revents,
           p[2].revents);
    send(c, "x", 1, 0);
    p[0] = (struct pollfd){s, POLLIN | POLLOUT, 0};
    r = poll(p, 1, 5000);
    printf("data waiting: %d in=%d out=%d\n", r, !!(p[0].revents & POLLIN), !!(p[0].revents & POLLOUT));
    int closed = dup(c);
    close(closed);
    p[0] = (struct pollfd){closed, POLLIN, 0};
    r = poll(p, 1, 0);
    printf("closed fd: %d nval=%d\n", r, !!(p[0].revents & POLLNVAL));
    int fresh = socket(AF_INET, SOCK_STREAM, 0);
    p[0] = (struct pollfd){fresh, POLLIN | POLLOUT, 0};
    poll(p, 1, 0);
    printf("unconnected socket: out=%d hup=%d in=%d\n", !!(p[0].revents & POLLOUT), !!(p[0].revents & POLLHUP),
           !!(p[0].revents & POLLIN));
    close(fresh);

    struct timespec ts = {0, 30 * 1000 * 1000};
    p[0] = (struct pollfd){c, POLLIN, 0};
    long long t0 = ms_now();
    r = ppoll(p, 1, &ts, NULL);
    printf("ppoll 30ms, nothing: %d waited>=30ms: %s\n", r, yesno(ms_now() - t0 >= 29));
    sigset_t none;
    sigemptyset(&none);
    p[0] = (struct pollfd){s, POLLIN, 0};
    r = ppoll(p, 1, &ts, &none);
    printf("ppoll with a mask, data: %d in=%d\n", r, !!(p[0].revents & POLLIN));
    ts.tv_nsec = 2000000000L;
    TRY("ppoll with tv_nsec 2e9", ppoll(p, 1, &ts, NULL));

    /* select */
    char b;
    recv(s, &b, 1, 0);
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    struct timeval tv = {0, 0};
    r = select(s + 1, &rd, NULL, NULL, &tv);
    printf("select read, nothing: %d isset=%d\n", r, FD_ISSET(s, &rd));
    send(c, "yz", 2, 0);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    FD_SET(c, &rd);
    FD_ZERO(&wr);
    FD_SET(c, &wr);
    tv = (struct timeval){5, 0};
    int maxfd = (s > c ? s : c) + 1;
    r = select(maxfd, &rd, &wr, NULL, &tv);
    printf("select read {s,c} write {c}: %d s readable=%d c readable=%d c writable=%d time left>0: %s\n", r,
           FD_ISSET(s, &rd), FD_ISSET(c, &rd), FD_ISSET(c, &wr), yesno(tv.tv_sec > 0 || tv.tv_usec > 0));
    recv(s, &b, 1, 0);
    recv(s, &b, 1, 0);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    tv = (struct timeval){0, 40000};
    t0 = ms_now();
    r = select(s + 1, &rd, NULL, NULL, &tv);
    printf("select 40ms, nothing: %d waited>=40ms: %s time left %lld.%06lld\n", r, yesno(ms_now() - t0 >= 39),
           (long long)tv.tv_sec, (long long)tv.tv_usec);
    FD_ZERO(&rd);
    FD_SET(closed, &rd);
    tv = (struct timeval){0, 0};
    TRY("select on a closed fd", select(closed + 1, &rd, NULL, NULL, &tv));
    TRY("select nfds -1", select(-1, NULL, NULL, NULL, &tv));
    printf("select nfds FD_SETSIZE+1, no sets: %d\n", select(FD_SETSIZE + 1, NULL, NULL, NULL, &tv));
    tv = (struct timeval){0, 10000};
    printf("select no fds, 10ms: %d\n", select(0, NULL, NULL, NULL, &tv));
    shutdown(c, SHUT_WR);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    struct timespec pts = {5, 0};
    r = pselect(s + 1, &rd, NULL, NULL, &pts, &none);
    printf("pselect after the peer's SHUT_WR: %d readable=%d\n", r, FD_ISSET(s, &rd));
    close(s);
    close(c);
    close(ls);
}

int main(void) {
    many_clients();
    refused();
    poll_details();
    return 0;
}
