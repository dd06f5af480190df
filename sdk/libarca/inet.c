/* The IPv4 text conversions wasi-libc leaves out: inet_aton and inet_addr (the classic forms
   a, a.b, a.b.c and a.b.c.d, each part decimal, octal or hex), inet_network, inet_ntoa and the
   class-based helpers. inet_pton and inet_ntop are wasi-libc's. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

/* Parses the classic dotted forms into a host-order address. Returns 1, or 0 if malformed. */
static int parse_dotted(const char *s, uint32_t *out) {
    unsigned long part[4];
    int n = 0;
    for (;;) {
        if (!isdigit((unsigned char)*s)) return 0;
        char *end;
        part[n] = strtoul(s, &end, 0);
        if (end == s || part[n] > 0xffffffffUL) return 0;
        n++;
        s = end;
        if (*s == 0) break;
        if (*s != '.' || n == 4) return 0;
        s++;
    }
    uint32_t a;
    switch (n) {
    case 1: /* a: 32 bits */
        a = part[0];
        break;
    case 2: /* a.b: 8 and 24 bits */
        if (part[0] > 0xff || part[1] > 0xffffff) return 0;
        a = part[0] << 24 | part[1];
        break;
    case 3: /* a.b.c: 8, 8 and 16 bits */
        if (part[0] > 0xff || part[1] > 0xff || part[2] > 0xffff) return 0;
        a = part[0] << 24 | part[1] << 16 | part[2];
        break;
    default:
        for (int i = 0; i < 4; i++) {
            if (part[i] > 0xff) return 0;
        }
        a = part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3];
    }
    *out = a;
    return 1;
}

int inet_aton(const char *s, struct in_addr *addr) {
    uint32_t a;
    if (!parse_dotted(s, &a)) return 0;
    if (addr) addr->s_addr = htonl(a);
    return 1;
}

in_addr_t inet_addr(const char *s) {
    uint32_t a;
    return parse_dotted(s, &a) ? htonl(a) : INADDR_NONE;
}

/* inet_network: the same forms, as a host-order network number whose parts fill from the
   right (glibc: "1.2" is 0x0102). */
in_addr_t inet_network(const char *s) {
    uint32_t a = 0;
    int n = 0;
    for (;;) {
        if (!isdigit((unsigned char)*s)) return INADDR_NONE;
        char *end;
        unsigned long v = strtoul(s, &end, 0);
        if (v > 0xff || n == 4) return INADDR_NONE;
        a = a << 8 | v;
        n++;
        s = end;
        if (*s == 0) return a;
        if (*s != '.') return INADDR_NONE;
        s++;
    }
}

char *inet_ntoa(struct in_addr in) {
    static char buf[INET_ADDRSTRLEN];
    const unsigned char *b = (const unsigned char *)&in.s_addr;
    snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

struct in_addr inet_makeaddr(in_addr_t net, in_addr_t host) {
    uint32_t a;
    if (net < 256) a = net << 24 | (host & 0xffffff);
    else if (net < 65536) a = net << 16 | (host & 0xffff);
    else if (net < 16777216) a = net << 8 | (host & 0xff);
    else a = net | host;
    struct in_addr in = {htonl(a)};
    return in;
}

in_addr_t inet_lnaof(struct in_addr in) {
    uint32_t a = ntohl(in.s_addr);
    if (IN_CLASSA(a)) return a & IN_CLASSA_HOST;
    if (IN_CLASSB(a)) return a & IN_CLASSB_HOST;
    return a & IN_CLASSC_HOST;
}

in_addr_t inet_netof(struct in_addr in) {
    uint32_t a = ntohl(in.s_addr);
    if (IN_CLASSA(a)) return (a & IN_CLASSA_NET) >> IN_CLASSA_NSHIFT;
    if (IN_CLASSB(a)) return (a & IN_CLASSB_NET) >> IN_CLASSB_NSHIFT;
    return (a & IN_CLASSC_NET) >> IN_CLASSC_NSHIFT;
}
