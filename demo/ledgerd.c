/* ledgerd.c - a tiny confidential ledger service: an unmodified POSIX socket server.
 *
 *   ledgerd PORT [PORT...]
 *
 * Listens on every PORT given (the demo gives one plain port for curl and one that the
 * manifest marks "ra-tls": the program does not know, it speaks plain HTTP on both), serves
 * many clients with poll(2), and answers:
 *   GET /balances                      the balances, one "name amount" line each
 *   POST /transfer  from=A&to=B&amount=N   moves N (an integer) from A to B
 * Every answer closes the connection (HTTP/1.0).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define MAX_ACCOUNTS 16

static struct { char name[32]; long amount; } accounts[MAX_ACCOUNTS] = {{"alice", 1000}, {"bob", 1000}, {"carol", 1000}};
static int naccounts = 3;

static long *account(const char *name) {
    for (int i = 0; i < naccounts; i++)
        if (strcmp(accounts[i].name, name) == 0) return &accounts[i].amount;
    return NULL;
}

static int listener(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { fprintf(stderr, "ledgerd: bind %d: %s\n", port, strerror(errno)); exit(1); }
    if (listen(s, 16) < 0) { perror("listen"); exit(1); }
    fcntl(s, F_SETFL, O_NONBLOCK);
    return s;
}

static void field(const char *body, const char *key, char *out, size_t n) {
    out[0] = 0;
    const char *p = strstr(body, key);
    if (!p) return;
    p += strlen(key);
    size_t i = 0;
    while (*p && *p != '&' && *p != '\r' && *p != '\n' && i + 1 < n) out[i++] = *p++;
    out[i] = 0;
}

static void answer(int fd, const char *req) {
    char body[1024];
    int status = 200;
    body[0] = 0;
    if (strncmp(req, "GET /balances", 13) == 0) {
        for (int i = 0; i < naccounts; i++) {
            size_t l = strlen(body);
            snprintf(body + l, sizeof body - l, "%s %ld\n", accounts[i].name, accounts[i].amount);
        }
    } else if (strncmp(req, "POST /transfer", 14) == 0) {
        const char *b = strstr(req, "\r\n\r\n");
        char from[32], to[32], amt[32];
        field(b ? b + 4 : "", "from=", from, sizeof from);
        field(b ? b + 4 : "", "to=", to, sizeof to);
        field(b ? b + 4 : "", "amount=", amt, sizeof amt);
        long n = atol(amt), *f = account(from), *t = account(to);
        if (!f || !t || n <= 0) { status = 400; snprintf(body, sizeof body, "bad transfer\n"); }
        else if (*f < n) { status = 409; snprintf(body, sizeof body, "insufficient funds\n"); }
        else { *f -= n; *t += n; snprintf(body, sizeof body, "ok: %s -> %s %ld\n", from, to, n); }
    } else {
        status = 404;
        snprintf(body, sizeof body, "not found\n");
    }
    char head[256];
    int hl = snprintf(head, sizeof head, "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n",
                      status, status == 200 ? "OK" : "Error", strlen(body));
    if (write(fd, head, hl) < 0 || write(fd, body, strlen(body)) < 0) { /* the client went away */ }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: ledgerd PORT [PORT...]\n"); return 2; }
    static struct pollfd p[MAX_CLIENTS + 8];
    static char buf[MAX_CLIENTS + 8][2048];
    static size_t used[MAX_CLIENTS + 8];
    int nl = 0;
    for (int i = 1; i < argc && nl < 8; i++) { p[nl].fd = listener(atoi(argv[i])); p[nl].events = POLLIN; nl++; }
    int n = nl;
    printf("ledgerd: serving on %d port(s)\n", nl);
    fflush(stdout);
    for (;;) {
        if (poll(p, n, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 1; }
        for (int i = 0; i < nl; i++) {
            if (!(p[i].revents & POLLIN)) continue;
            int c;
            while ((c = accept(p[i].fd, NULL, NULL)) >= 0) {
                if (n == MAX_CLIENTS + 8) { close(c); continue; }
                p[n].fd = c; p[n].events = POLLIN; used[n] = 0; n++;
            }
        }
        for (int i = nl; i < n; i++) {
            if (!p[i].revents) continue;
            ssize_t r = read(p[i].fd, buf[i] + used[i], sizeof buf[i] - 1 - used[i]);
            int done = r <= 0;
            if (r > 0) {
                used[i] += r;
                buf[i][used[i]] = 0;
                char *h = strstr(buf[i], "\r\n\r\n");
                const char *cl = strstr(buf[i], "Content-Length:");
                size_t want = cl ? (size_t)atol(cl + 15) : 0;
                if (h && (size_t)(buf[i] + used[i] - (h + 4)) >= want) { answer(p[i].fd, buf[i]); done = 1; }
                if (used[i] == sizeof buf[i] - 1) done = 1;
            }
            if (done) {
                close(p[i].fd);
                p[i] = p[n - 1]; memcpy(buf[i], buf[n - 1], used[n - 1] + 1); used[i] = used[n - 1];
                n--; i--;
            }
        }
    }
}
