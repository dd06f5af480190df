/*
 * arca-run: the client of 'arca run --node DIR ...' (the launcher calls it as
 * "arca-run DIR run ARGS..."). It hands the command, its environment, working directory and
 * terminal flags to the resident node listening at DIR/run.sock, relays the guest's standard
 * streams (stdin only as the guest asks for it, so nothing is read that the guest did not
 * read), forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to the guest, and exits with its code.
 * Native, so that a run costs a connection and no JVM. The protocol: cli/RunServer.java.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

enum { VERSION = 1, MAX_INPUT = 64 << 10, MAX_OUTPUT = 1 << 20, RUNTIME_ERROR = 125 };

extern char **environ;
static int sock = -1;
static volatile sig_atomic_t caught;

static void die(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "arca: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(RUNTIME_ERROR);
}

static void on_signal(int sig) {
    if (!caught) caught = sig;
}

/* Writes all of b to fd; -1 with errno on failure. */
static int write_all(int fd, const void *b, size_t n) {
    const char *p = b;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes from the node; 0 on success, -1 at end of stream or error. */
static int read_all(void *b, size_t n) {
    char *p = b;
    while (n > 0) {
        ssize_t r = read(sock, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void send_frame(int type, const void *b, uint32_t n) {
    unsigned char head[5];
    head[0] = (unsigned char)type;
    put32(head + 1, n);
    if (write_all(sock, head, 5) < 0 || write_all(sock, b, n) < 0) die("the node hung up (%s)%s", strerror(errno), "");
}

/* The hello, built in a growing buffer. */
static unsigned char *hello;
static size_t hello_len, hello_cap;

static void hello_put(const void *b, size_t n) {
    if (hello_len + n > hello_cap) {
        hello_cap = (hello_len + n) * 2;
        hello = realloc(hello, hello_cap);
        if (!hello) die("out of memory%s%s", "", "");
    }
    memcpy(hello + hello_len, b, n);
    hello_len += n;
}

static void hello_u32(uint32_t v) {
    unsigned char b[4];
    put32(b, v);
    hello_put(b, 4);
}

static void hello_str(const char *s) {
    size_t n = strlen(s);
    hello_u32((uint32_t)n);
    hello_put(s, n);
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: arca run --node DIR [FLAGS] PROGRAM [ARGS]%s%s", "", "");
    const char *where = argv[1];

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct stat st;
    int n;
    if (stat(where, &st) == 0 && S_ISDIR(st.st_mode)) n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/run.sock", where);
    else n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s", where);
    if (n < 0 || (size_t)n >= sizeof addr.sun_path) die("--node %s: the path is too long for a Unix socket%s", where, "");
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) die("socket: %s%s", strerror(errno), "");
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        fprintf(stderr, "arca: --node %s: no node answers at %s: %s (start one with 'arca node start --data DIR')\n", where,
                addr.sun_path, strerror(e));
        return RUNTIME_ERROR;
    }

    char cwd[8192];
    if (!getcwd(cwd, sizeof cwd)) die("cannot read the working directory: %s%s", strerror(errno), "");
    hello_u32(VERSION);
    hello_u32((isatty(0) ? 1 : 0) | (isatty(1) ? 2 : 0) | (isatty(2) ? 4 : 0));
    hello_u32((uint32_t)(argc - 2));
    for (int i = 2; i < argc; i++) hello_str(argv[i]);
    uint32_t envc = 0;
    for (char **e = environ; *e; e++) envc++;
    hello_u32(envc);
    for (char **e = environ; *e; e++) hello_str(*e);
    hello_str(cwd);
    send_frame('H', hello, (uint32_t)hello_len);
    free(hello);

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    static unsigned char buf[MAX_OUTPUT];
    uint32_t want = 0; /* bytes of stdin the guest asked for, not yet sent */
    int stdin_done = 0, sent_signal = 0;
    for (;;) {
        if (caught && !sent_signal) {
            unsigned char b[4];
            put32(b, (uint32_t)caught);
            send_frame('S', b, 4);
            sent_signal = 1;
        }
        struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
        int nfds = want > 0 && !stdin_done ? 2 : 1;
        if (poll(fds, nfds, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll: %s%s", strerror(errno), "");
        }
        if (nfds == 2 && fds[1].revents) {
            ssize_t r;
            do r = read(0, buf, want < MAX_INPUT ? want : MAX_INPUT);
            while (r < 0 && errno == EINTR);
            if (r < 0) r = 0; /* an unreadable stdin reads as end of file, as for the guest */
            send_frame('I', buf, (uint32_t)r);
            if (r == 0) stdin_done = 1;
            want = 0;
        }
        if (!fds[0].revents) continue;
        unsigned char head[5];
        if (read_all(head, 5) < 0) die("the node closed the connection before the program ended%s%s", "", "");
        uint32_t len = get32(head + 1);
        if (len > MAX_OUTPUT) die("the node sent a frame of %s bytes%s", "over 1 MiB", "");
        if (read_all(buf, len) < 0) die("the node closed the connection before the program ended%s%s", "", "");
        switch (head[0]) {
        case 'O':
        case 'E':
            if (write_all(head[0] == 'O' ? 1 : 2, buf, len) < 0 && errno == EPIPE && !sent_signal) {
                /* nobody reads our output any more: the guest gets SIGPIPE, as it would writing there itself */
                unsigned char b[4];
                put32(b, SIGPIPE);
                send_frame('S', b, 4);
                sent_signal = 1;
            }
            break;
        case 'R':
            if (len != 4) die("the node sent a bad read request%s%s", "", "");
            want = get32(buf);
            if (stdin_done) { /* end of file again */
                send_frame('I', buf, 0);
                want = 0;
            }
            break;
        case 'X':
            if (len != 4) die("the node sent a bad exit frame%s%s", "", "");
            return (int)(get32(buf) & 0xff);
        default:
            die("the node sent an unknown frame%s%s", "", "");
        }
    }
}
