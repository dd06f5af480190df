/* Name and service resolution (<netdb.h>) on Arca's sock_resolve, which answers numeric
   addresses, "localhost" and the manifest's hosts table (DNS only where the manifest allows
   it). Services come from a table of the common ones, as Debian's /etc/services has them. The
   results, their order and the error codes follow glibc's where the test suite compares them.
   Reverse lookups have no kernel call: the loopback addresses are "localhost", any other
   address has no name (numeric unless NI_NAMEREQD). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "arca_abi.h"

int h_errno;

/* ---- services and protocols ---- */

#define TCP 1
#define UDP 2

static const struct service {
    const char *name, *alias;
    unsigned short port;
    unsigned char protos;
} services[] = {
    {"echo", NULL, 7, TCP | UDP},       {"discard", "sink", 9, TCP | UDP}, {"daytime", NULL, 13, TCP | UDP},
    {"ftp-data", NULL, 20, TCP},        {"ftp", NULL, 21, TCP},            {"ssh", NULL, 22, TCP},
    {"telnet", NULL, 23, TCP},          {"smtp", "mail", 25, TCP},         {"time", NULL, 37, TCP | UDP},
    {"whois", "nicname", 43, TCP},      {"domain", NULL, 53, TCP | UDP},   {"bootps", NULL, 67, UDP},
    {"bootpc", NULL, 68, UDP},          {"tftp", NULL, 69, UDP},           {"gopher", NULL, 70, TCP},
    {"finger", NULL, 79, TCP},          {"http", "www", 80, TCP},          {"kerberos", NULL, 88, TCP | UDP},
    {"pop3", "pop-3", 110, TCP},        {"sunrpc", "portmapper", 111, TCP | UDP},
    {"auth", "ident", 113, TCP},        {"nntp", "readnews", 119, TCP},    {"ntp", NULL, 123, UDP},
    {"imap2", "imap", 143, TCP},        {"snmp", NULL, 161, TCP | UDP},    {"ldap", NULL, 389, TCP | UDP},
    {"https", NULL, 443, TCP | UDP},    {"submission", NULL, 587, TCP},    {"ldaps", NULL, 636, TCP | UDP},
    {"rsync", NULL, 873, TCP},          {"imaps", NULL, 993, TCP},         {"pop3s", NULL, 995, TCP},
    {"mysql", NULL, 3306, TCP},         {"postgresql", "postgres", 5432, TCP},
    {"http-alt", "webcache", 8080, TCP},
};

static int proto_bit(const char *proto) {
    if (!proto) return TCP | UDP;
    if (!strcmp(proto, "tcp")) return TCP;
    if (!strcmp(proto, "udp")) return UDP;
    return 0;
}

static const struct service *service_named(const char *name, int protos) {
    for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
        const struct service *s = &services[i];
        if ((s->protos & protos) && (!strcmp(s->name, name) || (s->alias && !strcmp(s->alias, name)))) return s;
    }
    return NULL;
}

static const struct service *service_at(int port, int protos) {
    for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
        if (services[i].port == port && (services[i].protos & protos)) return &services[i];
    }
    return NULL;
}

static struct servent *fill_servent(const struct service *s, const char *proto) {
    static struct servent se;
    static char *aliases[2];
    if (!s) return NULL;
    aliases[0] = (char *)s->alias;
    aliases[1] = NULL;
    se.s_name = (char *)s->name;
    se.s_aliases = aliases;
    se.s_port = htons(s->port);
    se.s_proto = (char *)(proto ? proto : (s->protos & TCP) ? "tcp" : "udp");
    return &se;
}

struct servent *getservbyname(const char *name, const char *proto) {
    int p = proto_bit(proto);
    return p ? fill_servent(service_named(name, p), proto) : NULL;
}

struct servent *getservbyport(int port, const char *proto) {
    int p = proto_bit(proto);
    return p ? fill_servent(service_at(ntohs(port), p), proto) : NULL;
}

static const struct protocol {
    const char *name, *alias;
    int number;
} protocols[] = {
    {"ip", "IP", 0},     {"icmp", "ICMP", 1},    {"tcp", "TCP", 6},        {"udp", "UDP", 17},
    {"ipv6", "IPv6", 41}, {"ipv6-icmp", "IPv6-ICMP", 58}, {"raw", "RAW", 255},
};

static struct protoent *fill_protoent(const struct protocol *p) {
    static struct protoent pe;
    static char *aliases[2];
    aliases[0] = (char *)p->alias;
    aliases[1] = NULL;
    pe.p_name = (char *)p->name;
    pe.p_aliases = aliases;
    pe.p_proto = p->number;
    return &pe;
}

struct protoent *getprotobyname(const char *name) {
    for (size_t i = 0; i < sizeof protocols / sizeof *protocols; i++) {
        if (!strcmp(protocols[i].name, name) || !strcmp(protocols[i].alias, name)) return fill_protoent(&protocols[i]);
    }
    return NULL;
}

struct protoent *getprotobynumber(int number) {
    for (size_t i = 0; i < sizeof protocols / sizeof *protocols; i++) {
        if (protocols[i].number == number) return fill_protoent(&protocols[i]);
    }
    return NULL;
}

/* ---- host addresses ---- */

/* One address: family AF_INET (4 bytes) or AF_INET6 (16 bytes), with an IPv6 scope id. */
struct address {
    int family;
    unsigned char bytes[16];
    uint32_t scope;
};

/* The record sock_resolve writes: {u32 family (1 or 2), 16 address bytes (IPv4: the first 4)}. */
#define RECORD 20
#define MAX_ADDRESSES 64

/* A numeric host (IPv4 in inet_aton's forms, or IPv6 with an optional numeric %scope) as one
   address. Returns 1 if numeric. */
static int numeric_host(const char *node, struct address *a) {
    memset(a, 0, sizeof *a);
    struct in_addr in;
    if (inet_aton(node, &in)) {
        a->family = AF_INET;
        memcpy(a->bytes, &in, 4);
        return 1;
    }
    char text[INET6_ADDRSTRLEN];
    const char *pct = strchr(node, '%');
    size_t n = pct ? (size_t)(pct - node) : strlen(node);
    if (n >= sizeof text) return 0;
    memcpy(text, node, n);
    text[n] = 0;
    if (inet_pton(AF_INET6, text, a->bytes) != 1) return 0;
    if (pct) {
        char *end;
        unsigned long scope = strtoul(pct + 1, &end, 10);
        if (!pct[1] || *end || scope > 0xffffffffUL) return 0; /* interface names: Arca has none */
        a->scope = scope;
    }
    a->family = AF_INET6;
    return 1;
}

/* Asks the kernel for the addresses of name. Returns their number (at most max), or an EAI_
   code (negative). */
static int resolve(const char *name, int family, struct address *out, int max) {
    unsigned char buf[MAX_ADDRESSES * RECORD];
    uint32_t count = 0;
    int32_t err = __arca_sock_resolve(name, strlen(name), family, buf, MAX_ADDRESSES, &count);
    if (err == ENOENT) return EAI_NONAME;
    if (err == EAFNOSUPPORT) return EAI_FAMILY;
    if (err == EAGAIN) return EAI_AGAIN;
    if (err) {
        errno = err;
        return EAI_SYSTEM;
    }
    int n = 0;
    for (uint32_t i = 0; i < count && i < MAX_ADDRESSES && n < max; i++) {
        const unsigned char *r = buf + i * RECORD;
        uint32_t f = r[0] | r[1] << 8 | r[2] << 16 | (uint32_t)r[3] << 24;
        if (f != AF_INET && f != AF_INET6) continue;
        if (family != AF_UNSPEC && (int)f != family) continue;
        memset(&out[n], 0, sizeof out[n]);
        out[n].family = f;
        memcpy(out[n].bytes, r + 4, f == AF_INET ? 4 : 16);
        n++;
    }
    return n ? n : EAI_NONAME;
}

static const unsigned char v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* ---- getaddrinfo ---- */

/* One result: the addrinfo, its address and (for the first) the canonical name, in one block
   that freeaddrinfo frees. */
struct result {
    struct addrinfo ai;
    union {
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } sa;
    char name[];
};

/* The service as a port and the protocols it exists for. Returns 0 or an EAI_ code. */
static int parse_service(const char *service, int flags, int *port, int *protos) {
    *port = 0;
    *protos = TCP | UDP;
    if (!service || !*service) return 0;
    char *end;
    unsigned long n = strtoul(service, &end, 10);
    if (!*end && service[0] >= '0' && service[0] <= '9') {
        if (n > 65535) return EAI_SERVICE;
        *port = n;
        return 0;
    }
    if (flags & AI_NUMERICSERV) return EAI_NONAME;
    const struct service *s = service_named(service, TCP | UDP);
    if (!s) return EAI_SERVICE;
    *port = s->port;
    *protos = s->protos;
    return 0;
}

int getaddrinfo(const char *restrict node, const char *restrict service, const struct addrinfo *restrict hints,
                struct addrinfo **restrict res) {
    int flags = hints ? hints->ai_flags : AI_V4MAPPED | AI_ADDRCONFIG;
    int family = hints ? hints->ai_family : AF_UNSPEC;
    int socktype = hints ? hints->ai_socktype : 0;
    int protocol = hints ? hints->ai_protocol : 0;
    const int known = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;
    if (flags & ~known) return EAI_BADFLAGS;
    if ((flags & AI_CANONNAME) && !node) return EAI_BADFLAGS;
    if (!node && !service) return EAI_NONAME;
    if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;

    /* the (socket type, protocol) pairs asked for */
    struct kind {
        int socktype, protocol, proto_bit;
    } kinds[2];
    int nkinds = 0;
    if ((socktype == 0 || socktype == SOCK_STREAM) && (protocol == 0 || protocol == IPPROTO_TCP))
        kinds[nkinds++] = (struct kind){SOCK_STREAM, IPPROTO_TCP, TCP};
    if ((socktype == 0 || socktype == SOCK_DGRAM) && (protocol == 0 || protocol == IPPROTO_UDP))
        kinds[nkinds++] = (struct kind){SOCK_DGRAM, IPPROTO_UDP, UDP};
    if (nkinds == 0) return EAI_SOCKTYPE;

    int port, protos;
    int err = parse_service(service, flags, &port, &protos);
    if (err) return err;
    int usable = 0;
    for (int k = 0; k < nkinds; k++) usable |= kinds[k].proto_bit & protos;
    if (!usable) return EAI_SERVICE;

    struct address addrs[MAX_ADDRESSES];
    int naddrs = 0;
    if (!node) {
        /* glibc's order: the wildcard addresses IPv4 first, the loopback addresses IPv6 first */
        int passive = flags & AI_PASSIVE;
        int order[2] = {passive ? AF_INET : AF_INET6, passive ? AF_INET6 : AF_INET};
        for (int i = 0; i < 2; i++) {
            if (family != AF_UNSPEC && family != order[i]) continue;
            struct address *a = &addrs[naddrs++];
            memset(a, 0, sizeof *a);
            a->family = order[i];
            if (!passive) {
                if (a->family == AF_INET) {
                    uint32_t lo = htonl(INADDR_LOOPBACK);
                    memcpy(a->bytes, &lo, 4);
                } else {
                    a->bytes[15] = 1;
                }
            }
        }
    } else if (!*node) {
        return EAI_NONAME;
    } else if (numeric_host(node, &addrs[0])) {
        naddrs = 1;
        if (family != AF_UNSPEC && addrs[0].family != family) {
            if (family != AF_INET6 || !(flags & AI_V4MAPPED)) return EAI_ADDRFAMILY;
        }
    } else if (flags & AI_NUMERICHOST) {
        return EAI_NONAME;
    } else {
        int want = family == AF_INET6 && (flags & AI_V4MAPPED) ? AF_UNSPEC : family;
        naddrs = resolve(node, want, addrs, MAX_ADDRESSES);
        if (naddrs < 0) return naddrs;
    }

    /* AI_V4MAPPED: IPv4 addresses as IPv6 when IPv6 was asked for and there is none (or AI_ALL) */
    if (family == AF_INET6) {
        int has6 = 0;
        for (int i = 0; i < naddrs; i++) has6 |= addrs[i].family == AF_INET6;
        int out = 0;
        for (int i = 0; i < naddrs; i++) {
            if (addrs[i].family == AF_INET6) {
                addrs[out++] = addrs[i];
            } else if ((flags & AI_V4MAPPED) && (!has6 || (flags & AI_ALL))) {
                struct address m = {AF_INET6, {0}, 0};
                memcpy(m.bytes, v4mapped_prefix, 12);
                memcpy(m.bytes + 12, addrs[i].bytes, 4);
                addrs[out++] = m;
            }
        }
        naddrs = out;
        if (naddrs == 0) return EAI_NONAME;
    }

    struct addrinfo *head = NULL, **tail = &head;
    for (int i = 0; i < naddrs; i++) {
        for (int k = 0; k < nkinds; k++) {
            if (!(kinds[k].proto_bit & protos)) continue;
            const char *canon = head == NULL && (flags & AI_CANONNAME) ? node : NULL;
            struct result *r = calloc(1, sizeof *r + (canon ? strlen(canon) + 1 : 0));
            if (!r) {
                freeaddrinfo(head);
                return EAI_MEMORY;
            }
            r->ai.ai_family = addrs[i].family;
            r->ai.ai_socktype = kinds[k].socktype;
            r->ai.ai_protocol = kinds[k].protocol;
            r->ai.ai_addr = (struct sockaddr *)&r->sa;
            if (addrs[i].family == AF_INET) {
                r->sa.in.sin_family = AF_INET;
                r->sa.in.sin_port = htons(port);
                memcpy(&r->sa.in.sin_addr, addrs[i].bytes, 4);
                r->ai.ai_addrlen = sizeof r->sa.in;
            } else {
                r->sa.in6.sin6_family = AF_INET6;
                r->sa.in6.sin6_port = htons(port);
                memcpy(&r->sa.in6.sin6_addr, addrs[i].bytes, 16);
                r->sa.in6.sin6_scope_id = addrs[i].scope;
                r->ai.ai_addrlen = sizeof r->sa.in6;
            }
            if (canon) {
                strcpy(r->name, canon);
                r->ai.ai_canonname = r->name;
            }
            *tail = &r->ai;
            tail = &r->ai.ai_next;
        }
    }
    *res = head;
    return 0;
}

void freeaddrinfo(struct addrinfo *ai) {
    while (ai) {
        struct addrinfo *next = ai->ai_next;
        free(ai); /* the addrinfo is the start of its block */
        ai = next;
    }
}

const char *gai_strerror(int code) {
    switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address associated with hostname";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_ADDRFAMILY: return "Address family for hostname not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Argument buffer overflow";
    default: return "Unknown error";
    }
}

/* ---- getnameinfo and reverse lookups ---- */

/* The name of an address: "localhost" for 127.0.0.1 and ::1 (the name sock_resolve gives them),
   none for any other. */
static const char *address_name(int family, const void *bytes) {
    static const unsigned char lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    uint32_t lo4 = htonl(INADDR_LOOPBACK);
    if (family == AF_INET && !memcmp(bytes, &lo4, 4)) return "localhost";
    if (family == AF_INET6 && !memcmp(bytes, lo6, 16)) return "localhost";
    return NULL;
}

static int copy_out(char *dst, socklen_t len, const char *src) {
    if (strlen(src) >= len) return EAI_OVERFLOW;
    strcpy(dst, src);
    return 0;
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host, socklen_t hostlen,
                char *restrict serv, socklen_t servlen, int flags) {
    if (!sa || salen < sizeof(sa_family_t)) return EAI_FAMILY;
    const void *bytes;
    int port;
    uint32_t scope = 0;
    if (sa->sa_family == AF_INET) {
        if (salen < sizeof(struct sockaddr_in)) return EAI_FAMILY;
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        bytes = &in->sin_addr;
        port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        if (salen < sizeof(struct sockaddr_in6)) return EAI_FAMILY;
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        bytes = &in6->sin6_addr;
        port = ntohs(in6->sin6_port);
        scope = in6->sin6_scope_id;
    } else {
        return EAI_FAMILY;
    }
    if (host && hostlen) {
        const char *name = (flags & NI_NUMERICHOST) ? NULL : address_name(sa->sa_family, bytes);
        if (!name && (flags & NI_NAMEREQD)) return EAI_NONAME;
        char text[INET6_ADDRSTRLEN + 16];
        if (!name) {
            if (!inet_ntop(sa->sa_family, bytes, text, sizeof text)) return EAI_SYSTEM;
            if (scope) snprintf(text + strlen(text), sizeof text - strlen(text), "%%%u", scope);
            name = text;
        }
        int err = copy_out(host, hostlen, name);
        if (err) return err;
    }
    if (serv && servlen) {
        const struct service *s = (flags & NI_NUMERICSERV) ? NULL : service_at(port, (flags & NI_DGRAM) ? UDP : TCP);
        char text[8];
        snprintf(text, sizeof text, "%d", port);
        int err = copy_out(serv, servlen, s ? s->name : text);
        if (err) return err;
    }
    return 0;
}

/* ---- gethostbyname and friends ---- */

/* Fills h from the addresses of name in buf (len bytes): the address list, the addresses and
   the name. Returns 0, ERANGE, or -1 with *herr set. */
static int host_entry(const char *name, int family, struct hostent *h, char *buf, size_t len, int *herr) {
    struct address addrs[MAX_ADDRESSES];
    int n;
    if (numeric_host(name, &addrs[0])) {
        n = addrs[0].family == family ? 1 : 0;
    } else {
        n = resolve(name, family, addrs, MAX_ADDRESSES);
    }
    if (n <= 0) {
        *herr = n == EAI_AGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
        return -1;
    }
    size_t alen = family == AF_INET ? 4 : 16;
    size_t nlen = strlen(name) + 1;
    /* pointers first, aligned: aliases {NULL}, the address list, its NULL */
    size_t need = (1 + n + 1) * sizeof(char *) + n * alen + nlen;
    size_t pad = (uintptr_t)buf % sizeof(char *) ? sizeof(char *) - (uintptr_t)buf % sizeof(char *) : 0;
    if (need + pad > len) return ERANGE;
    char **ptrs = (char **)(buf + pad);
    char *data = (char *)(ptrs + 1 + n + 1);
    ptrs[0] = NULL;
    h->h_aliases = ptrs;
    h->h_addr_list = ptrs + 1;
    for (int i = 0; i < n; i++) {
        memcpy(data, addrs[i].bytes, alen);
        h->h_addr_list[i] = data;
        data += alen;
    }
    h->h_addr_list[n] = NULL;
    memcpy(data, name, nlen);
    h->h_name = data;
    h->h_addrtype = family;
    h->h_length = alen;
    return 0;
}

int gethostbyname2_r(const char *name, int family, struct hostent *h, char *buf, size_t len, struct hostent **result,
                     int *herr) {
    *result = NULL;
    if (family != AF_INET && family != AF_INET6) {
        *herr = NO_RECOVERY;
        return EAFNOSUPPORT;
    }
    int r = host_entry(name, family, h, buf, len, herr);
    if (r > 0) return r;
    if (r == 0) *result = h;
    return 0;
}

int gethostbyname_r(const char *name, struct hostent *h, char *buf, size_t len, struct hostent **result, int *herr) {
    return gethostbyname2_r(name, AF_INET, h, buf, len, result, herr);
}

struct hostent *gethostbyname2(const char *name, int family) {
    static struct hostent h;
    static char buf[(MAX_ADDRESSES + 2) * sizeof(char *) + MAX_ADDRESSES * 16 + 1024];
    struct hostent *result;
    int r = gethostbyname2_r(name, family, &h, buf, sizeof buf, &result, &h_errno);
    if (r == ERANGE) h_errno = NO_RECOVERY;
    return result;
}

struct hostent *gethostbyname(const char *name) {
    return gethostbyname2(name, AF_INET);
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int family) {
    static struct hostent h;
    static char *aliases[1];
    static char *list[2];
    static unsigned char bytes[16];
    static char name[16];
    if ((family == AF_INET && len != 4) || (family == AF_INET6 && len != 16) ||
        (family != AF_INET && family != AF_INET6)) {
        h_errno = NO_RECOVERY;
        errno = EINVAL;
        return NULL;
    }
    const char *n = address_name(family, addr);
    if (!n) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    memcpy(bytes, addr, len);
    strcpy(name, n);
    list[0] = (char *)bytes;
    list[1] = NULL;
    aliases[0] = NULL;
    h.h_name = name;
    h.h_aliases = aliases;
    h.h_addrtype = family;
    h.h_length = len;
    h.h_addr_list = list;
    return &h;
}

const char *hstrerror(int err) {
    switch (err) {
    case 0: return "Resolver Error 0 (no error)";
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown resolver error";
    }
}

void herror(const char *s) {
    fprintf(stderr, "%s%s%s\n", s && *s ? s : "", s && *s ? ": " : "", hstrerror(h_errno));
}
