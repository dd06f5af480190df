/* sock_gai: name resolution and address text. getaddrinfo with numeric hosts (both families,
 * the classic IPv4 forms, a scope id), "localhost", NULL hosts with and without AI_PASSIVE,
 * AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_V4MAPPED, service names, and the errors of
 * bad names, services, families, socket types and flags; getnameinfo (numeric, and the name of
 * the loopback address); gethostbyname/gethostbyaddr; getservbyname/getservbyport; gai_strerror;
 * inet_pton/inet_ntop/inet_aton/inet_addr/inet_ntoa. Results of socket type 0 are filtered to
 * TCP and UDP (glibc adds SOCK_RAW entries), and "localhost" is checked only for the addresses
 * every resolver gives it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "common.h"

static const char *eai(int e) {
#define E(x) if (e == x) return #x;
    E(EAI_BADFLAGS) E(EAI_NONAME) E(EAI_AGAIN) E(EAI_FAIL) E(EAI_FAMILY) E(EAI_SOCKTYPE) E(EAI_SERVICE)
    E(EAI_MEMORY) E(EAI_SYSTEM) E(EAI_OVERFLOW) E(EAI_NODATA) E(EAI_ADDRFAMILY)
#undef E
    if (e == 0) return "0";
    return "EAI_?";
}

static const char *stype(int t) {
    return t == SOCK_STREAM ? "STREAM" : t == SOCK_DGRAM ? "DGRAM" : "other";
}

static void show(const char *node, const char *service, int flags, int family, int socktype, int protocol) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = flags;
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    int e = getaddrinfo(node, service, &hints, &res);
    printf("gai(%s, %s, flags %#x, %s, %s): %s", node ? node : "NULL", service ? service : "NULL", flags,
           family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : family == AF_UNSPEC ? "AF_UNSPEC" : "?",
           socktype ? stype(socktype) : "0", eai(e));
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        if (a->ai_socktype != SOCK_STREAM && a->ai_socktype != SOCK_DGRAM) continue;
        char text[INET6_ADDRSTRLEN] = "?";
        int port = 0;
        if (a->ai_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)a->ai_addr;
            inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
            port = ntohs(in->sin_port);
        } else if (a->ai_family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)a->ai_addr;
            inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
            port = ntohs(in6->sin6_port);
            if (in6->sin6_scope_id) snprintf(text + strlen(text), sizeof text - strlen(text), "%%%u", in6->sin6_scope_id);
        }
        printf("\n  %s %s port %d proto %d addrlen %u%s%s", text, stype(a->ai_socktype), port, a->ai_protocol,
               (unsigned)a->ai_addrlen, a->ai_canonname ? " canon " : "", a->ai_canonname ? a->ai_canonname : "");
    }
    printf("\n");
    if (res) freeaddrinfo(res);
}

/* localhost: every resolver gives 127.0.0.1 for AF_INET; for AF_UNSPEC only check that it is there */
static void localhost(void) {
    struct addrinfo hints = {0}, *res;
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo("localhost", "8080", &hints, &res);
    int has4 = 0, other = 0;
    for (struct addrinfo *a = e ? NULL : res; a; a = a->ai_next) {
        if (a->ai_family == AF_INET &&
            ((struct sockaddr_in *)a->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK))
            has4 = 1;
        else if (a->ai_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr))
            ;
        else
            other = 1;
    }
    printf("gai(localhost, 8080, AF_UNSPEC, STREAM): %s has 127.0.0.1: %s only loopback: %s\n", eai(e), yesno(has4),
           yesno(!other));
    if (!e) freeaddrinfo(res);
}

static void nameinfo(const char *label, const struct sockaddr *sa, socklen_t len, int flags) {
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int e = getnameinfo(sa, len, host, sizeof host, serv, sizeof serv, flags);
    if (e) printf("getnameinfo %s: %s\n", label, eai(e));
    else printf("getnameinfo %s: host %s serv %s\n", label, host, serv);
}

int main(void) {
    show("127.0.0.1", "80", 0, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "80", 0, AF_UNSPEC, 0, 0);
    show("10.1.2.3", "5432", AI_NUMERICHOST | AI_CANONNAME, AF_UNSPEC, SOCK_STREAM, 0);
    show("127.1", "22", 0, AF_INET, SOCK_STREAM, 0);
    show("0x7f.1", "22", 0, AF_INET, SOCK_STREAM, 0);
    show("::1", "443", 0, AF_UNSPEC, SOCK_STREAM, 0);
    show("fe80::1%2", "443", 0, AF_INET6, SOCK_STREAM, 0);
    show("2001:db8::a:b", "http", 0, AF_INET6, SOCK_DGRAM, 0);
    show("::ffff:192.0.2.1", "1", 0, AF_INET6, SOCK_STREAM, 0);
    show("127.0.0.1", "80", 0, AF_INET6, SOCK_STREAM, 0);
    show("127.0.0.1", "80", AI_V4MAPPED, AF_INET6, SOCK_STREAM, 0);
    show("::1", "80", 0, AF_INET, SOCK_STREAM, 0);
    show(NULL, "8080", AI_PASSIVE, AF_UNSPEC, SOCK_STREAM, 0);
    show(NULL, "8080", AI_PASSIVE, AF_INET, SOCK_STREAM, 0);
    show(NULL, "8080", AI_PASSIVE, AF_INET6, SOCK_DGRAM, 0);
    show(NULL, "8080", 0, AF_UNSPEC, SOCK_STREAM, 0);
    show(NULL, "8080", 0, AF_INET, 0, 0);
    show(NULL, "0", AI_PASSIVE, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", NULL, 0, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "", 0, AF_INET, SOCK_STREAM, 0);
    show("localhost", "http", AI_CANONNAME, AF_INET, SOCK_STREAM, 0);
    show("localhost", "80", 0, AF_INET, 0, IPPROTO_TCP);
    show("LocalHost", "80", 0, AF_INET, SOCK_STREAM, 0);
    localhost();
    /* services */
    show("127.0.0.1", "https", 0, AF_INET, 0, 0);
    show("127.0.0.1", "ntp", 0, AF_INET, 0, 0);
    show("127.0.0.1", "ntp", 0, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "domain", 0, AF_INET, SOCK_DGRAM, 0);
    show("127.0.0.1", "www", 0, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "no-such-service", 0, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "http", AI_NUMERICSERV, AF_INET, SOCK_STREAM, 0);
    show("127.0.0.1", "-5", 0, AF_INET, SOCK_STREAM, 0);
    /* errors */
    show("no-such-host.invalid", "80", 0, AF_UNSPEC, SOCK_STREAM, 0);
    show("localhost", "80", AI_NUMERICHOST, AF_UNSPEC, SOCK_STREAM, 0);
    show("", "80", 0, AF_UNSPEC, SOCK_STREAM, 0);
    show("1.2.3.4 x", "80", 0, AF_INET, SOCK_STREAM, 0);
    show("256.1.1.1", "80", AI_NUMERICHOST, AF_INET, SOCK_STREAM, 0);
    show(NULL, NULL, 0, AF_UNSPEC, 0, 0);
    show(NULL, "80", AI_CANONNAME, AF_UNSPEC, 0, 0);
    show("127.0.0.1", "80", 0, 12345, 0, 0);
    show("127.0.0.1", "80", 0, AF_UNIX, SOCK_STREAM, 0);
    show("127.0.0.1", "80", 0x10000, AF_UNSPEC, 0, 0);
    show("127.0.0.1", "80", 0, AF_UNSPEC, SOCK_STREAM, IPPROTO_UDP);
    show("127.0.0.1", "80", 0, AF_UNSPEC, 12345, 0);
    struct addrinfo *list;
    int e = getaddrinfo("127.0.0.1", "7", NULL, &list);
    int n = 0;
    for (struct addrinfo *a = e ? NULL : list; a; a = a->ai_next) n += a->ai_socktype == SOCK_STREAM || a->ai_socktype == SOCK_DGRAM;
    printf("gai with NULL hints: %s, %d TCP/UDP results\n", eai(e), n);
    if (!e) freeaddrinfo(list);
    printf("gai_strerror(EAI_NONAME): %s\n", gai_strerror(EAI_NONAME) && *gai_strerror(EAI_NONAME) ? "a message" : "none");

    /* getnameinfo */
    struct sockaddr_in in = {0};
    in.sin_family = AF_INET;
    in.sin_port = htons(80);
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    nameinfo("127.0.0.1:80 numeric", (struct sockaddr *)&in, sizeof in, NI_NUMERICHOST | NI_NUMERICSERV);
    nameinfo("127.0.0.1:80", (struct sockaddr *)&in, sizeof in, 0);
    nameinfo("127.0.0.1:80 NI_NAMEREQD", (struct sockaddr *)&in, sizeof in, NI_NAMEREQD | NI_NUMERICSERV);
    in.sin_port = htons(123);
    nameinfo("127.0.0.1:123 NI_DGRAM", (struct sockaddr *)&in, sizeof in, NI_NUMERICHOST | NI_DGRAM);
    in.sin_port = htons(54321);
    in.sin_addr.s_addr = inet_addr("192.0.2.7");
    nameinfo("192.0.2.7:54321 numeric", (struct sockaddr *)&in, sizeof in, NI_NUMERICHOST);
    nameinfo("short length", (struct sockaddr *)&in, 4, NI_NUMERICHOST);
    char tiny[4];
    e = getnameinfo((struct sockaddr *)&in, sizeof in, tiny, sizeof tiny, NULL, 0, NI_NUMERICHOST);
    printf("getnameinfo into 4 bytes: %s\n", eai(e));
    struct sockaddr_in6 in6 = {0};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(443);
    inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
    nameinfo("[2001:db8::1]:443 numeric", (struct sockaddr *)&in6, sizeof in6, NI_NUMERICHOST | NI_NUMERICSERV);
    nameinfo("[2001:db8::1]:443 numeric host", (struct sockaddr *)&in6, sizeof in6, NI_NUMERICHOST);
    struct sockaddr bad = {0};
    bad.sa_family = 77;
    nameinfo("family 77", &bad, sizeof bad, NI_NUMERICHOST);

    /* gethostbyname and friends */
    struct hostent *h = gethostbyname("localhost");
    printf("gethostbyname(localhost): %s", h ? "ok" : "NULL");
    if (h) {
        printf(" type AF_INET %s length %d first 127.0.0.1 %s", yesno(h->h_addrtype == AF_INET), h->h_length,
               yesno(!memcmp(h->h_addr_list[0], &(in_addr_t){htonl(INADDR_LOOPBACK)}, 4)));
    }
    printf("\n");
    h = gethostbyname("192.0.2.9");
    printf("gethostbyname(192.0.2.9): %s", h ? "ok" : "NULL");
    if (h) printf(" name %s address %s", h->h_name, inet_ntoa(*(struct in_addr *)h->h_addr));
    printf("\n");
    h = gethostbyname("no-such-host.invalid");
    printf("gethostbyname(no-such-host.invalid): %s h_errno HOST_NOT_FOUND: %s\n", h ? "ok" : "NULL",
           yesno(h_errno == HOST_NOT_FOUND));
    in_addr_t lo = htonl(INADDR_LOOPBACK);
    h = gethostbyaddr(&lo, 4, AF_INET);
    printf("gethostbyaddr(127.0.0.1): %s\n", h ? h->h_name : "NULL");
    struct servent *se = getservbyname("http", "tcp");
    printf("getservbyname(http, tcp): %s port %d proto %s\n", se ? se->s_name : "NULL", se ? ntohs(se->s_port) : 0,
           se ? se->s_proto : "-");
    se = getservbyname("https", NULL);
    printf("getservbyname(https, NULL): port %d\n", se ? ntohs(se->s_port) : 0);
    se = getservbyport(htons(22), "tcp");
    printf("getservbyport(22, tcp): %s\n", se ? se->s_name : "NULL");
    se = getservbyport(htons(22), "udp");
    printf("getservbyport(22, udp): %s\n", se ? se->s_name : "NULL");
    se = getservbyname("no-such-service", "tcp");
    printf("getservbyname(no-such-service): %s\n", se ? "found" : "NULL");
    struct protoent *pe = getprotobyname("tcp");
    printf("getprotobyname(tcp): %d\n", pe ? pe->p_proto : -1);
    pe = getprotobynumber(17);
    printf("getprotobynumber(17): %s\n", pe ? pe->p_name : "NULL");

    /* text conversions */
    const char *v4[] = {"1.2.3.4", "255.255.255.255", "0.0.0.0", "1.2.3", "1.2.3.256", "01.2.3.4", " 1.2.3.4", "1.2.3.4.5", ""};
    for (size_t i = 0; i < sizeof v4 / sizeof *v4; i++) {
        struct in_addr a;
        int r = inet_pton(AF_INET, v4[i], &a);
        char back[INET_ADDRSTRLEN] = "-";
        if (r == 1) inet_ntop(AF_INET, &a, back, sizeof back);
        printf("inet_pton(AF_INET, \"%s\") = %d %s\n", v4[i], r, back);
    }
    const char *v6[] = {"::", "::1", "1:2:3:4:5:6:7:8", "2001:db8:0:0:1:0:0:1", "::ffff:1.2.3.4", "fe80::1:2",
                        "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3"};
    for (size_t i = 0; i < sizeof v6 / sizeof *v6; i++) {
        struct in6_addr a;
        int r = inet_pton(AF_INET6, v6[i], &a);
        char back[INET6_ADDRSTRLEN] = "-";
        if (r == 1) inet_ntop(AF_INET6, &a, back, sizeof back);
        printf("inet_pton(AF_INET6, \"%s\") = %d %s\n", v6[i], r, back);
    }
    struct in_addr a4;
    TRY("inet_pton bad family", inet_pton(12345, "1.2.3.4", &a4));
    char small[8];
    a4.s_addr = inet_addr("100.200.100.200");
    const char *r = inet_ntop(AF_INET, &a4, small, sizeof small);
    printf("inet_ntop into 8 bytes: %s %s\n", r ? "ok" : "NULL", r ? "" : errname(errno));
    const char *aton[] = {"10.0.0.1", "10.1", "0x0a.0.0.1", "012.0.0.1", "167772161", "10.0.0.256", "10.0.0.1x", "a.b.c.d"};
    for (size_t i = 0; i < sizeof aton / sizeof *aton; i++) {
        struct in_addr a;
        int ok = inet_aton(aton[i], &a);
        printf("inet_aton(\"%s\") = %d %s; inet_addr %s\n", aton[i], ok, ok ? inet_ntoa(a) : "-",
               inet_addr(aton[i]) == INADDR_NONE ? "INADDR_NONE" : "an address");
    }
    printf("htons(0x1234)=%#x htonl(1)=%#x\n", htons(0x1234), htonl(1));
    return 0;
}
