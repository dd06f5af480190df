/* httpget HOST PORT PATH: one HTTP/1.0 GET; prints what happened, one fact a line, so that a run
   natively and a run in Arca can be compared, and a refusal shows as the errno of the call that
   met it:
     connect: ok | connect: ERRNO
     status: HTTP/1.0 200 OK        (the status line)
     body: N bytes, fnv1a64 HEX     (everything after the header)
     read: ERRNO                    (when reading failed) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EACCES: return "EACCES";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EPROTO: return "EPROTO";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    default: return strerror(e);
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: httpget HOST PORT PATH\n");
        return 2;
    }
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
        fprintf(stderr, "httpget: not an IPv4 address: %s\n", argv[1]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        printf("socket: %s\n", errname(errno));
        return 1;
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        printf("connect: %s\n", errname(errno));
        return 1;
    }
    printf("connect: ok\n");
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", argv[3], argv[1]);
    if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
        printf("send: %s\n", errname(errno));
        return 1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len == cap) buf = realloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + len, cap - len);
        if (r == 0) break;
        if (r < 0) {
            if (errno == EINTR) continue;
            printf("read: %s\n", errname(errno));
            return 1;
        }
        len += (size_t)r;
    }
    close(fd);
    char *eol = memchr(buf, '\r', len);
    char *body = NULL;
    for (size_t i = 0; i + 3 < len; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
            body = buf + i + 4;
            break;
        }
    if (!eol || !body) {
        printf("response: %zu bytes without a header\n", len);
        return 1;
    }
    printf("status: %.*s\n", (int)(eol - buf), buf);
    uint64_t h = 1469598103934665603ULL;
    size_t blen = len - (size_t)(body - buf);
    for (size_t i = 0; i < blen; i++) h = (h ^ (unsigned char)body[i]) * 1099511628211ULL;
    printf("body: %zu bytes, fnv1a64 %016llx\n", blen, (unsigned long long)h);
    return 0;
}
