/* sock_spawn: sockets between processes (posix_spawn of the program itself, as there is no
 * fork): clients in child processes against a server in the parent (TCP and AF_UNIX); a
 * listening socket inherited by a child that serves it; one end of a socketpair inherited at
 * descriptor 3; a SOCK_CLOEXEC socket that is not inherited next to one that is; end of stream
 * when a child exits; SIGPIPE for a write to a closed peer (EPIPE when ignored); a signal that
 * interrupts a blocked poll and recv (EINTR), and ppoll's mask. Children print nothing: they
 * report through their exit status or over a socket, and the parent prints. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static volatile sig_atomic_t usr1;
static void on_usr1(int sig) {
    (void)sig;
    usr1++;
}

static int echo_once(int fd) {
    char buf[128];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return -1;
    return send(fd, buf, n, 0) == n ? 0 : -1;
}

/* connect, send "hello N", expect it back */
static int client_exchange(int fd, const char *id) {
    char msg[64], buf[64];
    int len = snprintf(msg, sizeof msg, "hello %s", id);
    if (send(fd, msg, len, 0) != len) return 3;
    ssize_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, buf + got, sizeof buf - got, 0);
        if (n <= 0) return 4;
        got += n;
    }
    return memcmp(buf, msg, len) ? 5 : 0;
}

static int child(int argc, char **argv) {
    const char *mode = argv[1];
    if (!strcmp(mode, "tcp-client") && argc == 4) {
        struct sockaddr_in sa = {0};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(atoi(argv[2]));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return 1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return 2;
        return client_exchange(fd, argv[3]);
    }
    if (!strcmp(mode, "unix-client") && argc == 4) {
        struct sockaddr_un sa = {0};
        sa.sun_family = AF_UNIX;
        strncpy(sa.sun_path, argv[2], sizeof sa.sun_path - 1);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) return 1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return 2;
        return client_exchange(fd, argv[3]);
    }
    if (!strcmp(mode, "serve") && argc == 3) { /* the inherited listener is argv[2] */
        int ls = atoi(argv[2]);
        int acc = 0;
        socklen_t len = sizeof acc;
        if (getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) < 0 || !acc) return 6;
        int s = accept(ls, NULL, NULL);
        if (s < 0) return 7;
        return echo_once(s) ? 8 : 0;
    }
    if (!strcmp(mode, "pair") && argc == 2) { /* one end of a socketpair at descriptor 3 */
        if (send(3, "from child", 10, 0) != 10) return 9;
        char buf[32];
        ssize_t n = recv(3, buf, sizeof buf, 0);
        if (n != 11 || memcmp(buf, "from parent", 11)) return 10;
        return 0;
    }
    if (!strcmp(mode, "inherited") && argc == 4) { /* argv[2] must be closed, argv[3] a socket */
        int type = 0;
        socklen_t len = sizeof type;
        if (fcntl(atoi(argv[2]), F_GETFD) != -1 || errno != EBADF) return 11;
        if (getsockopt(atoi(argv[3]), SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM) return 12;
        return 0;
    }
    if (!strcmp(mode, "sigpipe") && argc == 3) { /* write to a closed peer at descriptor 3 */
        if (!strcmp(argv[2], "ignored")) signal(SIGPIPE, SIG_IGN);
        char buf[8];
        if (read(3, buf, sizeof buf) != 0) return 13; /* wait for the parent's close */
        for (int i = 0; i < 100; i++) {
            if (send(3, "x", 1, 0) < 0) return errno == EPIPE ? 0 : 14;
            usleep(10000);
        }
        return 15;
    }
    if (!strcmp(mode, "interrupted") && argc == 2) {
        /* at descriptor 3, a socket the parent only reads: it reports "ready" before each wait,
           sends SIGUSR1 until the report of the wait arrives, and prints the reports */
        struct sigaction act;
        memset(&act, 0, sizeof act);
        act.sa_handler = on_usr1; /* no SA_RESTART */
        sigaction(SIGUSR1, &act, NULL);
        char report[96];
        struct pollfd p = {3, POLLIN, 0};
        send(3, "ready\n", 6, 0);
        int r = poll(&p, 1, 20000);
        int n = snprintf(report, sizeof report, "poll: %s, handler ran: %s\n", r < 0 ? errname(errno) : "returned",
                         usr1 > 0 ? "yes" : "no");
        send(3, report, n, 0);
        int before = usr1;
        send(3, "ready\n", 6, 0);
        char buf[8];
        r = recv(3, buf, sizeof buf, 0);
        n = snprintf(report, sizeof report, "recv: %s, handler ran: %s\n", r < 0 ? errname(errno) : "returned",
                     usr1 > before ? "yes" : "no");
        send(3, report, n, 0);
        sigset_t block, none, pending;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigemptyset(&none);
        sigprocmask(SIG_BLOCK, &block, NULL);
        send(3, "ready\n", 6, 0);
        do { /* until the parent's signal is pending */
            usleep(10000);
            sigpending(&pending);
        } while (!sigismember(&pending, SIGUSR1));
        before = usr1;
        struct timespec ts = {20, 0};
        r = ppoll(&p, 1, &ts, &none);
        n = snprintf(report, sizeof report, "ppoll with an empty mask: %s, handler ran during it: %s\n",
                     r < 0 ? errname(errno) : "returned", usr1 > before ? "yes" : "no");
        send(3, report, n, 0);
        return 0;
    }
    return 99;
}


/* one line, byte by byte (the writer sends several lines back to back) */
static int read_line(int fd, char *buf, size_t n) {
    size_t at = 0;
    while (at + 1 < n) {
        if (recv(fd, buf + at, 1, 0) != 1) return -1;
        if (buf[at++] == '\n') break;
    }
    buf[at] = 0;
    return 0;
}

static int wait_code(pid_t pid) {
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static pid_t spawn(char *self, posix_spawn_file_actions_t *fa, char *a1, char *a2, char *a3) {
    char *argv[] = {self, a1, a2, a3, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, self, fa, NULL, argv, environ);
    if (err) {
        printf("posix_spawn: %s\n", errname(err));
        return -1;
    }
    return pid;
}

static int listener(struct sockaddr_in *sa) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)sa, sizeof *sa) < 0 || listen(s, 16) < 0) return -1;
    socklen_t len = sizeof *sa;
    getsockname(s, (struct sockaddr *)sa, &len);
    return s;
}

int main(int argc, char **argv) {
    if (argc > 1) return child(argc, argv);
    char *self = argv[0];

    /* three TCP clients in child processes, one server */
    struct sockaddr_in sa;
    int ls = listener(&sa);
    if (ls < 0) {
        printf("listener: %s\n", errname(errno));
        return 1;
    }
    char port[16];
    snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "%d", i);
        kids[i] = spawn(self, NULL, "tcp-client", port, id);
    }
    int served = 0;
    for (int i = 0; i < 3; i++) {
        int s = accept(ls, NULL, NULL);
        if (s >= 0 && echo_once(s) == 0) served++;
        if (s >= 0) close(s);
    }
    printf("served %d TCP clients\n", served);
    for (int i = 0; i < 3; i++) printf("tcp client %d exit: %d\n", i, wait_code(kids[i]));

    /* a child serves the inherited listener; the parent is its client */
    char lsfd[16];
    snprintf(lsfd, sizeof lsfd, "%d", ls);
    pid_t pid = spawn(self, NULL, "serve", lsfd, NULL);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    TRY("connect to the inherited listener", connect(c, (struct sockaddr *)&sa, sizeof sa));
    printf("exchange with the child: %d\n", client_exchange(c, "parent"));
    close(c);
    printf("serving child exit: %d\n", wait_code(pid));
    close(ls);

    /* one end of a socketpair inherited at descriptor 3 */
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv); /* the dup2 below clears it on the copy */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
    pid = spawn(self, &fa, "pair", NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    char buf[32];
    ssize_t n = recv(sv[0], buf, sizeof buf, 0);
    printf("parent got %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    send(sv[0], "from parent", 11, 0);
    printf("pair child exit: %d\n", wait_code(pid));
    n = recv(sv[0], buf, sizeof buf, 0);
    printf("after the child exited: recv %zd (end of stream)\n", n);
    close(sv[0]);

    /* SOCK_CLOEXEC is not inherited; a plain socket is */
    int ce = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int plain = socket(AF_INET, SOCK_STREAM, 0);
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", ce);
    snprintf(b, sizeof b, "%d", plain);
    pid = spawn(self, NULL, "inherited", a, b);
    printf("cloexec child exit: %d\n", wait_code(pid));
    close(ce);
    close(plain);

    /* AF_UNIX clients in child processes, by a relative path */
    struct sockaddr_un un = {0};
    un.sun_family = AF_UNIX;
    strcpy(un.sun_path, "spawn.sock");
    int us = socket(AF_UNIX, SOCK_STREAM, 0);
    TRY("bind spawn.sock", bind(us, (struct sockaddr *)&un, sizeof un));
    listen(us, 4);
    pid_t u1 = spawn(self, NULL, "unix-client", "spawn.sock", "u1");
    pid_t u2 = spawn(self, NULL, "unix-client", "./spawn.sock", "u2");
    served = 0;
    for (int i = 0; i < 2; i++) {
        int s = accept(us, NULL, NULL);
        if (s >= 0 && echo_once(s) == 0) served++;
        if (s >= 0) close(s);
    }
    printf("served %d AF_UNIX clients; exits %d %d\n", served, wait_code(u1), wait_code(u2));
    close(us);
    unlink("spawn.sock");

    /* a write to a closed socket: SIGPIPE kills the writer, or EPIPE when it is ignored */
    const char *how[] = {"default", "ignored"};
    for (int i = 0; i < 2; i++) {
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
        pid = spawn(self, &fa, "sigpipe", (char *)how[i], NULL);
        posix_spawn_file_actions_destroy(&fa);
        close(sv[1]);
        close(sv[0]);
        int st = 0;
        waitpid(pid, &st, 0);
        printf("SIGPIPE %s: %s %d\n", how[i], WIFSIGNALED(st) ? "killed by signal" : "exit",
               WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }

    /* a signal interrupts a blocked poll, and a blocked recv when the handler has no SA_RESTART;
       ppoll lets a blocked signal in only during the wait */
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
    pid = spawn(self, &fa, "interrupted", NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    for (int step = 0; step < 3; step++) {
        char msg[128];
        if (read_line(sv[0], msg, sizeof msg) < 0 || strcmp(msg, "ready\n")) {
            printf("child not ready\n");
            break;
        }
        struct pollfd p = {sv[0], POLLIN, 0};
        for (int tries = 0; tries < 200; tries++) {
            usleep(tries == 0 ? 50000 : 100000);
            kill(pid, SIGUSR1);
            if (poll(&p, 1, 0) > 0) break;
        }
        if (read_line(sv[0], msg, sizeof msg) < 0) break;
        printf("%s", msg);
    }
    printf("interrupted child exit: %d\n", wait_code(pid));
    close(sv[0]);
    return 0;
}
