/* netperf: TCP round-trip latency and bulk throughput, measured inside the program, so the same
   source built with gcc and with arca cc compares Linux and Arca without their start-up.
     netperf serve PORT            echo server: each connection (one at a time) gets back what it
                                   sends; a connection that begins with "BULK" is a sink instead:
                                   everything up to end of stream is counted and the count (8 bytes)
                                   written back
     netperf echo HOST PORT N SIZE N measured round trips of SIZE bytes (after N/4 unmeasured ones);
                                   prints "echo SIZE B: p50 X us, p99 Y us, mean Z us"
     netperf bulk HOST PORT MIB    sends MIB MiB in 64 KiB writes (after MIB/4 unmeasured), then
                                   waits for the sink's count; prints "bulk: X MB/s" (10^6 bytes) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what) {
    fprintf(stderr, "netperf: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int read_full(int fd, char *b, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, b + got, n - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const char *b, size_t n) {
    for (size_t off = 0; off < n;) {
        ssize_t w = write(fd, b + off, n - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}

static char buf[1 << 16];

static void serve_one(int c) {
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ssize_t n = read(c, buf, sizeof buf);
    if (n >= 4 && memcmp(buf, "BULK", 4) == 0) {
        uint64_t total = (uint64_t)n - 4;
        while ((n = read(c, buf, sizeof buf)) > 0) total += (uint64_t)n;
        write_full(c, (char *)&total, sizeof total);
        return;
    }
    while (n > 0) {
        if (write_full(c, buf, (size_t)n) != 0) return;
        n = read(c, buf, sizeof buf);
    }
}

static int serve(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (s < 0) die("socket");
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) die("bind");
    if (listen(s, 16) != 0) die("listen");
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR) continue;
            die("accept");
        }
        serve_one(c);
        close(c);
    }
}

static int dial(const char *host, int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("address");
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static int echo(const char *host, int port, int n, int size) {
    if (size < 1 || size > (int)sizeof buf) size = 64;
    int fd = dial(host, port);
    memset(buf, 'e', (size_t)size);
    double *rtt = malloc(sizeof(double) * (size_t)n);
    int warm = n / 4;
    for (int i = -warm; i < n; i++) {
        double t0 = now_us();
        if (write_full(fd, buf, (size_t)size) != 0 || read_full(fd, buf, (size_t)size) != 0) die("echo");
        if (i >= 0) rtt[i] = now_us() - t0;
    }
    close(fd);
    double sum = 0;
    for (int i = 0; i < n; i++) sum += rtt[i];
    qsort(rtt, (size_t)n, sizeof *rtt, cmp_double);
    printf("echo %d B: p50 %.1f us, p99 %.1f us, mean %.1f us\n", size, rtt[n / 2], rtt[(int)(n * 0.99)], sum / n);
    return 0;
}

static double send_mib(int fd, int mib) {
    double t0 = now_us();
    for (long i = 0; i < (long)mib * 16; i++)
        if (write_full(fd, buf, sizeof buf) != 0) die("bulk write");
    return now_us() - t0;
}

static int bulk(const char *host, int port, int mib) {
    int fd = dial(host, port);
    memset(buf, 'b', sizeof buf);
    if (write_full(fd, "BULK", 4) != 0) die("bulk");
    send_mib(fd, mib / 4 > 0 ? mib / 4 : 1); /* warm-up, not timed */
    double t0 = now_us();
    send_mib(fd, mib);
    shutdown(fd, SHUT_WR);
    uint64_t total;
    if (read_full(fd, (char *)&total, sizeof total) != 0) die("bulk count");
    double us = now_us() - t0;
    close(fd);
    uint64_t expected = ((uint64_t)mib + (uint64_t)(mib / 4 > 0 ? mib / 4 : 1)) << 20;
    if (total != expected) {
        fprintf(stderr, "netperf: the sink counted %llu bytes, %llu sent\n", (unsigned long long)total,
                (unsigned long long)expected);
        return 1;
    }
    printf("bulk: %.0f MB/s\n", (double)((uint64_t)mib << 20) / us);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "serve")) return serve(atoi(argv[2]));
    if (argc == 6 && !strcmp(argv[1], "echo")) return echo(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    if (argc == 5 && !strcmp(argv[1], "bulk")) return bulk(argv[2], atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: netperf serve PORT | echo HOST PORT N SIZE | bulk HOST PORT MIB\n");
    return 2;
}
