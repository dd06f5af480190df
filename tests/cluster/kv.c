/* kv: a small key-value service over TCP, for the cluster's service tests. Plain POSIX.
 *
 *   kv DIR PORT [BALLAST_MIB]
 *   kv --ask HOST PORT LINE   (a client: waits for the greeting, sends LINE, prints the answer)
 *
 * With BALLAST_MIB, DIR/ballast is first made that large (written and fsynced once, never read):
 * a volume of that size for bench/service-failover.sh to move between nodes.
 *
 * Greets each connection with "kv" (so a client knows its request reaches a running server before
 * it sends it: one that gets no greeting never sent anything, which keeps its history exact), keeps
 * DIR/kv.log, one "KEY VALUE" line per write, and answers one request per line:
 *   put KEY VALUE   appends the line, fsyncs it, then answers "ok"
 *   get KEY         answers "value V" (the last value put) or "none"
 * A write whose fsync fails is answered "error" and the service exits with status 1: a store that
 * cannot commit (a fenced replicated volume) must not keep answering from memory. Serves many
 * clients at once with poll(2). */
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

#define MAX_KEYS 4096
#define MAX_CLIENTS 64
static char keys[MAX_KEYS][64], vals[MAX_KEYS][64];
static int nkeys, logfd;

static int slot(const char *k, int create) {
    for (int i = 0; i < nkeys; i++) if (strcmp(keys[i], k) == 0) return i;
    if (!create || nkeys == MAX_KEYS) return -1;
    snprintf(keys[nkeys], sizeof keys[0], "%s", k);
    return nkeys++;
}

static void load(const char *path) {
    FILE *f = fopen(path, "r");
    char k[64], v[64];
    if (!f) return;
    while (fscanf(f, "%63s %63s", k, v) == 2) { int i = slot(k, 1); if (i >= 0) snprintf(vals[i], sizeof vals[0], "%s", v); }
    fclose(f);
}

/* answers one request line into out; returns 0, or -1 when the store cannot commit */
static int answer(char *line, char *out, size_t n) {
    char k[64], v[64];
    if (sscanf(line, "put %63s %63s", k, v) == 2) {
        int i = slot(k, 1);
        if (i < 0) { snprintf(out, n, "full\n"); return 0; }
        char rec[160];
        int len = snprintf(rec, sizeof rec, "%s %s\n", k, v);
        if (write(logfd, rec, len) != len || fsync(logfd) != 0) { snprintf(out, n, "error\n"); return -1; }
        snprintf(vals[i], sizeof vals[0], "%s", v);
        snprintf(out, n, "ok\n");
    } else if (sscanf(line, "get %63s", k) == 1) {
        int i = slot(k, 0);
        if (i < 0) snprintf(out, n, "none\n"); else snprintf(out, n, "value %s\n", vals[i]);
    } else {
        snprintf(out, n, "bad request\n");
    }
    return 0;
}

/* Reads one line (without its newline) into buf; 0 at end of stream or on an error (printed). */
static int line(int s, char *buf, size_t size) {
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(s, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { printf("read: %s\n", strerror(errno)); return 0; }
        if (r == 0) { printf("closed after %zu bytes\n", n); return 0; }
        if (c == '\n') { buf[n] = 0; return 1; }
        if (n + 1 < size) buf[n++] = c;
    }
}

static int ask(const char *host, const char *port, const char *req) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(port))};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) { fprintf(stderr, "kv: %s is not an IPv4 address\n", host); return 2; }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) { printf("connect: %s\n", strerror(errno)); return 1; }
    char buf[256];
    if (!line(s, buf, sizeof buf)) return 1;
    if (strcmp(buf, "kv") != 0) { printf("greeting: %s\n", buf); return 1; }
    if (dprintf(s, "%s\n", req) < 0) { printf("write: %s\n", strerror(errno)); return 1; }
    if (!line(s, buf, sizeof buf)) return 1;
    printf("%s\n", buf);
    close(s);
    return 0;
}

/* DIR/ballast made MIB MiB long (once: a file already that long is left as it is), fsynced. */
static int ballast(const char *dir, long mib) {
    char path[512];
    snprintf(path, sizeof path, "%s/ballast", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) { perror(path); return -1; }
    off_t have = lseek(fd, 0, SEEK_END);
    static char chunk[1 << 20];
    for (long i = have >> 20; i < mib; i++) {
        memset(chunk, (int) (i & 0xff) | 1, sizeof chunk);
        if (pwrite(fd, chunk, sizeof chunk, (off_t) i << 20) != (ssize_t) sizeof chunk) { perror(path); close(fd); return -1; }
    }
    int rc = have >> 20 < mib ? fsync(fd) : 0;
    if (rc < 0) perror(path);
    close(fd);
    return rc;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "--ask") == 0) return ask(argv[2], argv[3], argv[4]);
    if (argc != 3 && argc != 4) { fprintf(stderr, "usage: kv DIR PORT [BALLAST_MIB] | kv --ask HOST PORT LINE\n"); return 2; }
    char path[512];
    if (argc == 4 && ballast(argv[1], atol(argv[3])) < 0) return 1;
    snprintf(path, sizeof path, "%s/kv.log", argv[1]);
    load(path);
    logfd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (logfd < 0) { perror(path); return 1; }
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2])), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) { perror("bind"); return 1; }
    printf("kv: %d keys, serving on %s\n", nkeys, argv[2]);
    fflush(stdout);
    static struct pollfd p[MAX_CLIENTS + 1];
    static char buf[MAX_CLIENTS + 1][512];
    static size_t used[MAX_CLIENTS + 1];
    int n = 1;
    p[0].fd = s; p[0].events = POLLIN;
    for (;;) {
        if (poll(p, n, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 1; }
        if (p[0].revents & POLLIN) {
            int c = accept(s, NULL, NULL);
            if (c >= 0 && n <= MAX_CLIENTS && write(c, "kv\n", 3) == 3) { p[n].fd = c; p[n].events = POLLIN; p[n].revents = 0; used[n] = 0; n++; }
            else if (c >= 0) close(c);
        }
        for (int i = 1; i < n; i++) {
            if (!p[i].revents) continue;
            ssize_t r = read(p[i].fd, buf[i] + used[i], sizeof buf[i] - 1 - used[i]);
            int done = r <= 0;
            if (r > 0) {
                used[i] += r;
                buf[i][used[i]] = 0;
                char *nl;
                while ((nl = strchr(buf[i], '\n'))) {
                    *nl = 0;
                    char out[160];
                    int rc = answer(buf[i], out, sizeof out);
                    if (write(p[i].fd, out, strlen(out)) < 0) done = 1;
                    if (rc < 0) { fprintf(stderr, "kv: cannot commit: %s\n", strerror(errno)); return 1; }
                    size_t rest = used[i] - (nl + 1 - buf[i]);
                    memmove(buf[i], nl + 1, rest + 1);
                    used[i] = rest;
                }
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
