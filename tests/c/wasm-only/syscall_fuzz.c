/* syscall_fuzz.c - random arguments to every system call a guest can make: the 46
 * wasi_snapshot_preview1 imports and Arca's own (processes, signals, descriptors, sockets,
 * polling), drawn from a seeded generator. Descriptors (the preopened directory, files and pipes
 * and sockets the run made, closed and never-opened numbers), paths (names, "..", absolute
 * paths, paths through symbolic links the run made, some pointing out of the mount, long and
 * NUL-carrying ones), pointers (in a scratch area at the top of linear memory, straddling its
 * end, past it), lengths and counts (0, small, page-sized, 2^31, 2^32-1), flags, offsets and
 * times (0, small, 2^32, 2^62, -1, INT64_MIN).
 *
 * The runtime must answer every call with a result or an errno: no trap, no crash, no hang (an
 * interval timer's SIGALRM every 20 ms interrupts whatever blocks), nothing reached outside the
 * mount (run.sh compares a bait directory beside it before and after). The program never lets a
 * call touch its own memory (pointers it passes, and iovecs' buffers, lie in the scratch area or
 * outside memory), its standard descriptors and the preopened directory, or the signals it
 * needs (SIGALRM's handler and timer, SIGPIPE ignored, nothing sent that stops or kills it).
 *
 * usage: syscall_fuzz SEED CALLS; prints "syscall_fuzz: seed S, N calls, ..." and exits 0.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "wasi_raw.h"

#define CALLS 80 /* the cases of call() */
#define SCRATCH_PAGES 8
static uint64_t rng;
static ptr scratch, scratch_end;
static volatile int alarms;
static unsigned long ok, eintr, errs, per_call[CALLS];
static int self_pid;

static uint64_t next(void) { /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}
static uint32_t below(uint32_t n) { return (uint32_t)(next() >> 33) % n; }
static ptr mem_end(void) { return (ptr)(__builtin_wasm_memory_size(0) * 65536u); }
/* Whether n bytes at p lie in the scratch area (no 32-bit wrap). */
static int in_scratch(ptr p, uint32_t n) { return p >= scratch && p <= scratch_end - n; }

/* A pointer: mostly in the scratch area, sometimes straddling its end (the end of memory) or past it. */
static ptr P(void) {
    switch (below(10)) {
    case 0: return mem_end() - below(8);
    case 1: return 0xFFFFFFF0u;
    case 2: return mem_end() + below(1u << 20);
    default: return scratch + (below(scratch_end - scratch - 64) & (below(2) ? ~7u : ~0u));
    }
}
/* A length or count. */
static i32 L(void) {
    static const uint32_t edge[] = {0, 1, 2, 7, 8, 16, 255, 256, 4096, 65536, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x10000001u};
    return below(3) ? (i32)below(below(2) ? 64 : 8192) : (i32)edge[below(sizeof edge / sizeof edge[0])];
}
/* A descriptor: the preopened directory, one the run may have opened, stdin, or nonsense. Never 1 or 2. */
static i32 FD(void) {
    switch (below(10)) {
    case 0: return 3;
    case 1: return 0;
    case 2: { static const i32 odd[] = {-1, 2147483647, -2147483647 - 1, 1024, 65535, 100}; return odd[below(6)]; }
    default: return 4 + (i32)below(24);
    }
}
/* A descriptor the run may close or overwrite: never 0-3. */
static i32 FD_MINE(void) { i32 fd = FD(); return fd >= 0 && fd <= 3 ? 4 + (i32)below(24) : fd; }
/* A descriptor for a socket call: half the time the last socket opened. */
static i32 last_socket = -1;
static i32 SOCKFD(void) { return below(2) && last_socket > 3 ? last_socket : FD_MINE(); }
/* Flags and small integers. */
static i32 I(void) {
    switch (below(4)) {
    case 0: return (i32)below(8);
    case 1: return (i32)(1u << below(32));
    case 2: return (i32)next();
    default: return (i32)below(256);
    }
}
/* Offsets, sizes, times, rights. */
static i64 I64(void) {
    static const uint64_t edge[] = {0, 1, 4095, 4096, 1ull << 32, 1ull << 40, 1ull << 62, ~0ull, 1ull << 63, 0x7FFFFFFFFFFFFFFFull};
    switch (below(3)) {
    case 0: return (i64)below(100000);
    case 1: return (i64)edge[below(sizeof edge / sizeof edge[0])];
    default: return (i64)next();
    }
}
/* Random bytes in the scratch area at p (as far as it reaches). */
static void fill(ptr p, uint32_t n) {
    if (p < scratch || p >= scratch_end) return;
    if (n > scratch_end - p) n = scratch_end - p;
    for (uint32_t i = 0; i < n; i++) ((unsigned char *)(uintptr_t)p)[i] = (unsigned char)next();
}
/* A path in the scratch area (or a bad pointer); *len its length (sometimes wrong). */
static ptr PATH(i32 *len) {
    static const char *names[] = {"a", "b", "d", "d/e", "d/e/f", ".", "..", "../bait/secret.txt", "../../", "/", "/etc/passwd",
                                  "a/../../bait", "sym", "sym/secret.txt", "dsym/x", "d/../a", "../mnt/a", "bait", "", "lnk",
                                  "/proc/self/fd/3", "\xff\xfe", "a/", "d/./e/../e", "up/../../bait/secret.txt"};
    ptr p = P();
    if (!in_scratch(p, 300) || below(8) == 0) {
        *len = L();
        return p;
    }
    char *s = (char *)(uintptr_t)p;
    uint32_t n;
    if (below(12) == 0) { /* a long name */
        n = below(2) ? 255 + below(3) : 290;
        memset(s, 'x', n);
    } else {
        const char *name = names[below(sizeof names / sizeof names[0])];
        n = (uint32_t)strlen(name);
        memcpy(s, name, n);
    }
    s[n] = 0;
    *len = below(16) ? (i32)n : (i32)(n + below(3)) - 1; /* now and then the NUL, or one short */
    return p;
}
/* An iovec array of *n entries whose buffers are P(), with lengths mostly small. */
static ptr IOV(i32 *n) {
    ptr at = P();
    *n = below(4) ? (i32)below(6) : L();
    if (in_scratch(at, 16 * 8) && *n >= 0 && *n <= 16) {
        uint32_t *v = (uint32_t *)(uintptr_t)at;
        for (i32 i = 0; i < *n; i++) {
            v[2 * i] = P();
            v[2 * i + 1] = below(4) ? below(9000) : (uint32_t)L();
        }
    }
    return at;
}
/* A signal that neither stops, kills nor disturbs this program, or nonsense. */
static i32 SIG(void) {
    static const i32 sigs[] = {0, 17, 18, 23, 28, 14, 65, -1, 1000};
    return sigs[below(sizeof sigs / sizeof sigs[0])];
}
/* A pid: nobody's, the parent, or nonsense (never this process, its group or everyone, with a signal that would matter). */
static i32 PID(void) {
    static const i32 pids[] = {999999, 1, 2, -999999, 2147483647, -2147483647 - 1};
    return pids[below(sizeof pids / sizeof pids[0])];
}

/* 127.0.0.1:port as a sockaddr_in in static memory (the kernel only reads it). */
static uint16_t listening_port;
static ptr loopback(uint16_t port) {
    static struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(0x7F000001);
    return (ptr)(uintptr_t)&sin;
}

static void on_alarm(int sig) { (void)sig; alarms++; }

static void timer(void) {
    struct itimerval t = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static i32 call(int which) {
    i32 n, m, k;
    ptr a, b, c;
    switch (which) {
    case 0: return raw_args_get(P(), P());
    case 1: return raw_args_sizes_get(P(), P());
    case 2: return raw_environ_get(P(), P());
    case 3: return raw_environ_sizes_get(P(), P());
    case 4: return raw_clock_res_get(I(), P());
    case 5: return raw_clock_time_get(I(), I64(), P());
    case 6: return raw_fd_advise(FD(), I64(), I64(), I());
    case 7: return raw_fd_allocate(FD(), I64() & 0xFFFFF, I64() & 0xFFFFF); /* no gigabytes of real disk */
    case 8: return raw_fd_close(FD_MINE());
    case 9: return raw_fd_datasync(FD());
    case 10: return raw_fd_fdstat_get(FD(), P());
    case 11: return raw_fd_fdstat_set_flags(FD(), I());
    case 12: return raw_fd_fdstat_set_rights(FD(), I64(), I64());
    case 13: return raw_fd_filestat_get(FD(), P());
    case 14: return raw_fd_filestat_set_size(FD(), I64());
    case 15: return raw_fd_filestat_set_times(FD(), I64(), I64(), I());
    case 16: a = IOV(&n); return raw_fd_pread(FD(), a, n, I64(), P());
    case 17: return raw_fd_prestat_get(FD(), P());
    case 18: return raw_fd_prestat_dir_name(FD(), P(), L());
    case 19: a = IOV(&n); return raw_fd_pwrite(FD(), a, n, I64(), P());
    case 20: a = IOV(&n); return raw_fd_read(FD(), a, n, P());
    case 21: return raw_fd_readdir(FD(), P(), L(), I64(), P());
    case 22: return raw_fd_renumber(FD_MINE(), FD_MINE()); /* the first is closed */
    case 23: return raw_fd_seek(FD(), I64(), I(), P());
    case 24: return raw_fd_sync(FD());
    case 25: return raw_fd_tell(FD(), P());
    case 26: a = IOV(&n); return raw_fd_write(FD_MINE(), a, n, P());
    case 27: a = PATH(&n); return raw_path_create_directory(FD(), a, n);
    case 28: a = PATH(&n); return raw_path_filestat_get(FD(), I(), a, n, P());
    case 29: a = PATH(&n); return raw_path_filestat_set_times(FD(), I(), a, n, I64(), I64(), I());
    case 30: a = PATH(&n); b = PATH(&m); return raw_path_link(FD(), I(), a, n, FD(), b, m);
    case 31: a = PATH(&n); return raw_path_open(FD(), I(), a, n, I(), I64(), I64(), I(), P());
    case 32: a = PATH(&n); return raw_path_readlink(FD(), a, n, P(), L(), P());
    case 33: a = PATH(&n); return raw_path_remove_directory(FD(), a, n);
    case 34: a = PATH(&n); b = PATH(&m); return raw_path_rename(FD(), a, n, FD(), b, m);
    case 35: a = PATH(&n); b = PATH(&m); return raw_path_symlink(a, n, FD(), b, m);
    case 36: a = PATH(&n); return raw_path_unlink_file(FD(), a, n);
    case 37: { /* subscriptions: clocks of at most 1 ms, descriptors, and a few of random bytes */
        a = P();
        n = below(5) ? (i32)below(5) : L();
        if (in_scratch(a, 5 * 48) && n >= 0 && n <= 5) {
            unsigned char *s = (unsigned char *)(uintptr_t)a;
            fill(a, 5 * 48);
            for (i32 i = 0; i < n; i++, s += 48) {
                s[8] = (unsigned char)below(4); /* clock, fd_read, fd_write, nonsense */
                if (s[8] == 0) {
                    uint64_t t = below(1000000);
                    memcpy(s + 24, &t, 8);
                    s[40] &= 1; /* relative, or absolute (long past) */
                    if (s[40]) memcpy(s + 24, &t, 8);
                } else {
                    i32 fd = FD();
                    memcpy(s + 16, &fd, 4);
                }
            }
        }
        return raw_poll_oneoff(a, P(), n, P());
    }
    case 38: return raw_sched_yield();
    case 39: return raw_random_get(P(), L());
    case 40: return raw_sock_accept(SOCKFD(), I(), P());
    case 41: a = IOV(&n); return raw_sock_recv(SOCKFD(), a, n, I(), P(), P());
    case 42: a = IOV(&n); return raw_sock_send(SOCKFD(), a, n, I(), P());
    case 43: return raw_sock_shutdown(FD(), I());
    case 44: { /* a spawn of a path of the mount (never a program), argv and envp of random bytes, actions at random */
        a = PATH(&n);
        b = P();
        fill(b, 256);
        c = P();
        fill(c, 256);
        ptr act = P();
        fill(act, 24 * 4);
        k = below(4) ? (i32)below(4) : L();
        return a_proc_spawn(a, n, b, below(256), c, below(256), act, k, below(3) - 1, P());
    }
    case 45: return a_proc_wait(below(2) ? -1 : PID(), I() & 1, P(), P());
    case 46: return a_proc_getpid(P());
    case 47: return a_proc_getppid(P());
    case 48: return a_proc_getpgrp(P());
    case 49: return a_proc_getrlimit(I(), P());
    case 50: return a_proc_kill(below(4) ? PID() : self_pid, below(4) ? SIG() : 0);
    case 51: { /* not SIGALRM, SIGPIPE, SIGPROF, SIGVTALRM: the program needs them as set */
        i32 sig = I();
        if (sig == 14 || sig == 13 || sig == 26 || sig == 27) sig = 10 + 20;
        return a_sig_action(sig, below(2) ? (i32)below(4) : I(), P());
    }
    case 52: return a_sig_mask(I(), (i64)(next() & ~((1ull << 13) | (1ull << 14) | (1ull << 12))), P());
    case 53: { i32 r = a_sig_alarm(I64(), I64(), P(), P()); timer(); return r; }
    case 54: return a_sig_cputimer(I(), I64(), I64(), P(), P());
    case 55: return a_sig_pending(P());
    case 56: return a_fd_pipe(P(), I());
    case 57: return a_fd_dup(FD(), I(), P());
    case 58: return a_fd_dup2(FD(), FD_MINE());
    case 59: return a_fd_cloexec(FD(), I(), P());
    case 60: return a_fd_lock(FD(), I(), I(), I64(), I64(), P());
    case 61: { /* half the time a loopback TCP or UDP socket, kept for the socket calls below */
        if (below(2)) return a_sock_open(I(), I(), I(), P());
        static i32 fd;
        i32 r = a_sock_open(AF_INET, (below(2) ? SOCK_STREAM : SOCK_DGRAM) | (below(2) ? SOCK_NONBLOCK : 0), 0, (ptr)(uintptr_t)&fd);
        if (r == 0) last_socket = fd;
        return r;
    }
    case 62: return a_sock_pair(I(), I(), I(), P());
    case 63: /* half the time 127.0.0.1, port 0 or the one listened on, so that some binds work (run with --listen 0) */
        if (below(2)) return a_sock_bind(SOCKFD(), loopback(below(2) ? 0 : listening_port), sizeof(struct sockaddr_in));
        a = P(); fill(a, 128); return a_sock_bind(SOCKFD(), a, L());
    case 64: { /* a listening socket's port is kept for connects */
        i32 fd = SOCKFD();
        i32 r = a_sock_listen(fd, I());
        static struct sockaddr_in name;
        uint32_t len = sizeof name;
        if (r == 0 && a_sock_name(fd, 0, (ptr)(uintptr_t)&name, (ptr)(uintptr_t)&len) == 0 && name.sin_family == AF_INET)
            listening_port = ntohs(name.sin_port);
        return r;
    }
    case 65: return a_sock_accept4(SOCKFD(), P(), P(), I(), P());
    case 66: /* half the time to the port listened on (run with --connect 127.0.0.1:1024-65535) */
        if (below(2)) return a_sock_connect(SOCKFD(), loopback(listening_port), sizeof(struct sockaddr_in));
        a = P(); fill(a, 128); return a_sock_connect(SOCKFD(), a, L());
    case 67: return a_sock_name(SOCKFD(), I(), P(), P());
    case 68: return a_sock_getopt(SOCKFD(), I(), I(), P(), P());
    case 69: a = P(); fill(a, 64); return a_sock_setopt(SOCKFD(), I(), I(), a, L());
    case 70: a = IOV(&n); b = P(); fill(b, 128); return a_sock_sendto(SOCKFD(), a, n, I(), b, L(), P());
    case 71: a = IOV(&n); return a_sock_recvfrom(SOCKFD(), a, n, I(), P(), P(), P(), P());
    case 72: return a_sock_shutdown(SOCKFD(), I());
    case 73: a = PATH(&n); return a_sock_resolve(a, n, I(), P(), L(), P());
    case 74: { /* pollfds of random descriptors and events; a timeout of at most 1 ms, or none (the alarm ends it) */
        a = P();
        n = below(4) ? (i32)below(6) : L();
        if (in_scratch(a, 6 * 8) && n >= 0 && n <= 6) {
            i32 *f = (i32 *)(uintptr_t)a;
            for (i32 i = 0; i < n; i++) {
                f[2 * i] = FD();
                f[2 * i + 1] = (i32)(next() & 0xFFFF);
            }
        }
        b = P();
        if (in_scratch(b, 8)) *(uint64_t *)(uintptr_t)b = next() & ~((1ull << 13) | (1ull << 14) | (1ull << 12));
        return a_fd_poll(a, n, below(8) ? (i64)below(1000000) : -1, below(2) ? 0 : b, P());
    }
    case 75: return a_fd_nread(FD(), P());
    case 76: return a_thread_signal(below(2) ? 0 : I(), SIG());
    case 77: a = P(); fill(a, L() & 0xFFFF); return 0; /* scratch stirred */
    case 78: return raw_fd_prestat_get(FD(), P());
    default: a = PATH(&n); return raw_path_filestat_get(3, 0, a, n, P());
    }
}

int main(int argc, char **argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    long calls = argc > 2 ? atol(argv[2]) : 20000;
    rng = seed * 0x9E3779B97F4A7C15ull + 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: whatever blocks returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGPROF, SIG_IGN);
    signal(SIGVTALRM, SIG_IGN);
    timer();
    self_pid = getpid();
    /* the scratch area: pages at the top of memory, so that nothing past it is this program's */
    int at = __builtin_wasm_memory_grow(0, SCRATCH_PAGES);
    if (at < 0) return 2;
    scratch = (ptr)at * 65536u;
    scratch_end = scratch + SCRATCH_PAGES * 65536u;
    if (scratch_end != mem_end()) return 3;
    fill(scratch, scratch_end - scratch);
    for (long i = 0; i < calls; i++) {
        int which = (int)below(CALLS);
        i32 r = call(which);
        per_call[which]++;
        if (r == 0) ok++;
        else if (r == 27) eintr++;
        else errs++;
        if (mem_end() != scratch_end) return 4; /* nothing grew memory behind the program's back */
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    int none = 0;
    for (int w = 0; w < CALLS; w++) none += per_call[w] == 0;
    printf("syscall_fuzz: seed %llu, %ld calls of %d kinds (%d kinds never drawn), %lu succeeded, %lu failed with an errno, %lu interrupted (EINTR); %d alarms; listened on a port %s\n",
           (unsigned long long)seed, calls, CALLS, none, ok, errs, eintr, alarms, listening_port ? "yes" : "no");
    return 0;
}
