/* The "arca" import module: the calls WASI preview1 lacks (docs/syscalls.md). Every call returns a
   WASI errno. Generated from Arca's SyscallTable and ArcaAbi by `./arca syscalls --c-header >
   sdk/libarca/arca_abi.h`: do not edit by hand (AbiHeaderTest keeps the file and the table equal). */
#ifndef ARCA_ABI_H
#define ARCA_ABI_H
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#define ARCA_IMPORT(name) __attribute__((import_module("arca"), import_name(#name)))

/* proc_spawn: the kinds of file action, the bits of an open action's arg, pgroup */
#define ARCA_SPAWN_CLOSE 0
#define ARCA_SPAWN_DUP2 1
#define ARCA_SPAWN_OPEN 2
#define ARCA_SPAWN_SIGMASK 3 /* the child's first thread blocks this set (POSIX_SPAWN_SETSIGMASK) */
#define ARCA_SPAWN_SIGDEFAULT 4 /* these signals start at their default (POSIX_SPAWN_SETSIGDEF) */
#define ARCA_SPAWN_OPEN_OFLAGS 0xffff /* the WASI oflags */
#define ARCA_SPAWN_OPEN_READ 0x10000 /* open for reading */
#define ARCA_SPAWN_OPEN_WRITE 0x20000 /* open for writing */
#define ARCA_PGROUP_KEEP (-1) /* stay in the parent's process group */
#define ARCA_PGROUP_NEW 0 /* a new group led by the child (N > 0: join group N) */

/* proc_wait: options, and Linux's wait status encoding, which <sys/wait.h>'s macros read */
#define ARCA_WNOHANG 1
#define ARCA_WAIT_EXIT_SHIFT 8 /* an exit code is in bits 8-15 */
#define ARCA_WAIT_SIGNAL_MASK 0x7f /* a terminating signal is in bits 0-6 */

/* sig_action: dispositions; sig_mask: how; the entry the kernel calls to run a handler */
#define ARCA_SIG_DEFAULT 0
#define ARCA_SIG_IGNORE 1
#define ARCA_SIG_HANDLE 2 /* run the handler through ARCA_SIGNAL_ENTRY */
#define ARCA_SIG_RESTART 0x100 /* ORed with ARCA_SIG_HANDLE: SA_RESTART */
#define ARCA_SIG_QUERY 3 /* changes nothing; old_out gets the disposition (what a spawned child inherited) */
#define ARCA_ITIMER_VIRTUAL 1 /* sig_cputimer: SIGVTALRM */
#define ARCA_ITIMER_PROF 2 /* sig_cputimer: SIGPROF */
#define ARCA_SIG_BLOCK 0
#define ARCA_SIG_UNBLOCK 1
#define ARCA_SIG_SETMASK 2
#define ARCA_SIGMAX 31 /* the highest signal number */
#define ARCA_SIGNAL_ENTRY "__arca_signal" /* the export the kernel calls with a signal's number to run its handler */

/* signal numbers: Linux's, as <signal.h> has them */
#define ARCA_SIGHUP 1
#define ARCA_SIGINT 2
#define ARCA_SIGQUIT 3
#define ARCA_SIGABRT 6
#define ARCA_SIGKILL 9
#define ARCA_SIGUSR1 10
#define ARCA_SIGSEGV 11
#define ARCA_SIGUSR2 12
#define ARCA_SIGPIPE 13
#define ARCA_SIGALRM 14
#define ARCA_SIGTERM 15
#define ARCA_SIGCHLD 17
#define ARCA_SIGCONT 18
#define ARCA_SIGSTOP 19
#define ARCA_SIGTSTP 20
#define ARCA_SIGTTIN 21
#define ARCA_SIGTTOU 22
#define ARCA_SIGURG 23
#define ARCA_SIGWINCH 28

/* fd_cloexec: operations; fd_lock: commands and lock types; pipes */
#define ARCA_CLOEXEC_GET 0
#define ARCA_CLOEXEC_SET 1
#define ARCA_CLOEXEC_CLEAR 2
#define ARCA_F_GETLK 0
#define ARCA_F_SETLK 1
#define ARCA_F_SETLKW 2
#define ARCA_LOCK_READ 0
#define ARCA_LOCK_WRITE 1
#define ARCA_LOCK_UNLOCK 2
#define ARCA_PIPE_BUF 4096 /* pipe writes up to this size are atomic */

/* one proc_spawn file action */
struct __arca_spawn_action {
    uint32_t kind; /* ARCA_SPAWN_CLOSE, ARCA_SPAWN_DUP2, ARCA_SPAWN_OPEN, ARCA_SPAWN_SIGMASK or ARCA_SPAWN_SIGDEFAULT */
    int32_t fd; /* the descriptor acted on (dup2: the source); sigmask, sigdefault: the set's bits 0-31 */
    int32_t arg; /* dup2: the new descriptor; open: WASI oflags | ARCA_SPAWN_OPEN_READ | ARCA_SPAWN_OPEN_WRITE; sigmask, sigdefault: the set's bits 32-63 */
    uint32_t fdflags; /* open: WASI fdflags */
    uint32_t path; /* open: the absolute guest path (a pointer) */
    uint32_t path_len; /* open: its length */
};

/* what fd_lock's F_GETLK reports */
struct __arca_lock {
    int32_t type; /* ARCA_LOCK_READ, ARCA_LOCK_WRITE, or ARCA_LOCK_UNLOCK when nothing conflicts */
    int32_t pid; /* the holder of the conflicting lock */
    int64_t start; /* its first byte */
    int64_t len; /* its length; 0: to the end of the file */
};

/* what the kernel reads: these layouts, and the C library's names it takes unchanged */
_Static_assert(sizeof(struct __arca_spawn_action) == 24, "struct __arca_spawn_action");
_Static_assert(offsetof(struct __arca_spawn_action, kind) == 0, "__arca_spawn_action.kind");
_Static_assert(offsetof(struct __arca_spawn_action, fd) == 4, "__arca_spawn_action.fd");
_Static_assert(offsetof(struct __arca_spawn_action, arg) == 8, "__arca_spawn_action.arg");
_Static_assert(offsetof(struct __arca_spawn_action, fdflags) == 12, "__arca_spawn_action.fdflags");
_Static_assert(offsetof(struct __arca_spawn_action, path) == 16, "__arca_spawn_action.path");
_Static_assert(offsetof(struct __arca_spawn_action, path_len) == 20, "__arca_spawn_action.path_len");
_Static_assert(sizeof(struct __arca_lock) == 24, "struct __arca_lock");
_Static_assert(offsetof(struct __arca_lock, type) == 0, "__arca_lock.type");
_Static_assert(offsetof(struct __arca_lock, pid) == 4, "__arca_lock.pid");
_Static_assert(offsetof(struct __arca_lock, start) == 8, "__arca_lock.start");
_Static_assert(offsetof(struct __arca_lock, len) == 16, "__arca_lock.len");
_Static_assert(WNOHANG == ARCA_WNOHANG, "WNOHANG");
_Static_assert(SIG_BLOCK == ARCA_SIG_BLOCK, "SIG_BLOCK");
_Static_assert(SIG_UNBLOCK == ARCA_SIG_UNBLOCK, "SIG_UNBLOCK");
_Static_assert(SIG_SETMASK == ARCA_SIG_SETMASK, "SIG_SETMASK");
_Static_assert(SIGHUP == ARCA_SIGHUP, "SIGHUP");
_Static_assert(SIGINT == ARCA_SIGINT, "SIGINT");
_Static_assert(SIGQUIT == ARCA_SIGQUIT, "SIGQUIT");
_Static_assert(SIGABRT == ARCA_SIGABRT, "SIGABRT");
_Static_assert(SIGKILL == ARCA_SIGKILL, "SIGKILL");
_Static_assert(SIGUSR1 == ARCA_SIGUSR1, "SIGUSR1");
_Static_assert(SIGSEGV == ARCA_SIGSEGV, "SIGSEGV");
_Static_assert(SIGUSR2 == ARCA_SIGUSR2, "SIGUSR2");
_Static_assert(SIGPIPE == ARCA_SIGPIPE, "SIGPIPE");
_Static_assert(SIGALRM == ARCA_SIGALRM, "SIGALRM");
_Static_assert(SIGTERM == ARCA_SIGTERM, "SIGTERM");
_Static_assert(SIGCHLD == ARCA_SIGCHLD, "SIGCHLD");
_Static_assert(SIGCONT == ARCA_SIGCONT, "SIGCONT");
_Static_assert(SIGSTOP == ARCA_SIGSTOP, "SIGSTOP");
_Static_assert(SIGTSTP == ARCA_SIGTSTP, "SIGTSTP");
_Static_assert(SIGTTIN == ARCA_SIGTTIN, "SIGTTIN");
_Static_assert(SIGTTOU == ARCA_SIGTTOU, "SIGTTOU");
_Static_assert(SIGURG == ARCA_SIGURG, "SIGURG");
_Static_assert(SIGWINCH == ARCA_SIGWINCH, "SIGWINCH");
_Static_assert(PIPE_BUF == ARCA_PIPE_BUF, "PIPE_BUF");
_Static_assert(WIFEXITED(7 << ARCA_WAIT_EXIT_SHIFT) && WEXITSTATUS(7 << ARCA_WAIT_EXIT_SHIFT) == 7, "exit status");
_Static_assert(WIFSIGNALED(ARCA_SIGKILL) && WTERMSIG(ARCA_SIGKILL) == ARCA_SIGKILL, "signal status");

/* proc_spawn: posix_spawn of an absolute guest path; argv and envp are NUL-terminated strings
   packed in one buffer; pgroup ARCA_PGROUP_KEEP (-1) keeps the parent's group, ARCA_PGROUP_NEW (0)
   makes a new one, N joins N. Inherits every descriptor not marked close-on-spawn; the actions run
   first, in order, as in Linux's child before execve (closing a descriptor that is not open is no
   error, as in glibc). The child's signals are as execve leaves them: what the parent ignores stays
   ignored, every other disposition is the default, and its first thread blocks what the spawning
   thread blocks; the action kinds ARCA_SPAWN_SIGMASK and ARCA_SPAWN_SIGDEFAULT (a 64-bit set in
   `fd` and `arg`, bits naming no signal left out) set the mask and reset the signals named to their
   default (posix_spawn's POSIX_SPAWN_SETSIGMASK, POSIX_SPAWN_SETSIGDEF; before 2026-12-05 a child
   started with nothing ignored and nothing blocked, and libarca dropped both attributes). EACCES
   for a program that is not a regular file (never read), ENOEXEC for an invalid module or one over
   256 MiB, E2BIG for a string over 128 KiB or argv and envp over 2 MiB (Linux's limits), ENOMEM
   over 65536 actions, EAGAIN at the process limit */
ARCA_IMPORT(proc_spawn) int32_t __arca_proc_spawn(const char *path, uint32_t path_len, const char *argv, uint32_t argv_len, const char *envp, uint32_t envp_len, const struct __arca_spawn_action *actions, uint32_t n_actions, int32_t pgroup, int32_t *pid_out);

/* proc_wait: waitpid; pid -1 any child, 0 the caller's group, < -1 that group; option ARCA_WNOHANG
   (pid_out 0 when none has ended); the status in Linux's encoding; ECHILD, EINTR */
ARCA_IMPORT(proc_wait) int32_t __arca_proc_wait(int32_t pid, int32_t options, int32_t *status_out, int32_t *pid_out);

/* proc_getpid: the caller's pid */
ARCA_IMPORT(proc_getpid) int32_t __arca_proc_getpid(int32_t *pid_out);

/* proc_getppid: 0 for the first process; orphans are re-parented to pid 1 */
ARCA_IMPORT(proc_getppid) int32_t __arca_proc_getppid(int32_t *pid_out);

/* proc_getpgrp: the caller's process group */
ARCA_IMPORT(proc_getpgrp) int32_t __arca_proc_getpgrp(int32_t *pgrp_out);

/* proc_getrlimit: getrlimit(2) with Linux's RLIMIT_* numbers, limits_out {u64 cur, u64 max}: NOFILE
   the open-file limit, AS and DATA the memory limit, CPU the CPU-time limit in seconds, NPROC the
   process limit, CORE 0; others RLIM_INFINITY; EINVAL for an unknown resource */
ARCA_IMPORT(proc_getrlimit) int32_t __arca_proc_getrlimit(int32_t resource, uint64_t *limits_out);

/* proc_kill: a process may signal itself and its descendants (else EPERM); pid 0 or -N a process
   group; sig 0 checks existence; ESRCH, EINVAL */
ARCA_IMPORT(proc_kill) int32_t __arca_proc_kill(int32_t pid, int32_t sig);

/* sig_action: disposition ARCA_SIG_DEFAULT, ARCA_SIG_IGNORE or ARCA_SIG_HANDLE (ORed with
   ARCA_SIG_RESTART: the calls Linux restarts under SA_RESTART are restarted after the handler
   instead of failing with EINTR): handlers run at the next syscall boundary through the guest's
   exported ARCA_SIGNAL_ENTRY(sig); SIGKILL and SIGSTOP cannot be caught; ARCA_SIG_QUERY changes
   nothing and reports the disposition (libarca's `sigaction` asks it for a signal the process has
   not set, so a spawned child sees the SIG_IGN it inherited) */
ARCA_IMPORT(sig_action) int32_t __arca_sig_action(int32_t sig, int32_t disposition, int32_t *old_out);

/* sig_mask: how ARCA_SIG_BLOCK, ARCA_SIG_UNBLOCK or ARCA_SIG_SETMASK (bit N: signal N); SIGKILL and
   SIGSTOP cannot be blocked */
ARCA_IMPORT(sig_mask) int32_t __arca_sig_mask(int32_t how, uint64_t set, uint64_t *old_out);

/* sig_alarm: setitimer(ITIMER_REAL) and alarm: SIGALRM after value_ns, then every interval_ns (0:
   once); value_ns 0 disarms, -1 only reads it; times under 1 ms are rounded up to 1 ms; the old
   timer's remaining time and interval are written out; one per process, not inherited by a spawned
   child; EINVAL for a negative time or one over 100 years */
ARCA_IMPORT(sig_alarm) int32_t __arca_sig_alarm(int64_t value_ns, int64_t interval_ns, int64_t *old_value_ns_out, int64_t *old_interval_ns_out);

/* sig_cputimer: setitimer(ITIMER_VIRTUAL or ITIMER_PROF), which ARCA_ITIMER_VIRTUAL or
   ARCA_ITIMER_PROF: SIGVTALRM or SIGPROF once the process has used value_ns more CPU time, then
   every interval_ns of it (0: once); both count the process's CPU time, every thread's (its system
   calls are Arca's code on its own thread: no line between user and system time is drawn); checked
   every 4 ms, as Linux's tick at 250 Hz, so an expiry is seen up to that late, and expiries missed
   meanwhile give one signal; value_ns 0 disarms, -1 only reads it; times under 1 ms are rounded up
   to 1 ms; the old timer's CPU time left and interval are written out; one of each per process, not
   inherited by a spawned child; EINVAL for another timer, a negative time or one over 100 years */
ARCA_IMPORT(sig_cputimer) int32_t __arca_sig_cputimer(int32_t which, int64_t value_ns, int64_t interval_ns, int64_t *old_value_ns_out, int64_t *old_interval_ns_out);

/* sig_pending: the signals pending for the caller (bit N: signal N) */
ARCA_IMPORT(sig_pending) int32_t __arca_sig_pending(uint64_t *set_out);

/* fd_pipe: fds_out[2]; a 256 KiB buffer; writes up to ARCA_PIPE_BUF bytes are atomic; EOF when
   every writer has closed; EPIPE and SIGPIPE with no reader; NONBLOCK gives EAGAIN */
ARCA_IMPORT(fd_pipe) int32_t __arca_fd_pipe(int32_t *fds_out, int32_t fdflags);

/* fd_dup: the lowest free descriptor >= min (dup, F_DUPFD) */
ARCA_IMPORT(fd_dup) int32_t __arca_fd_dup(int32_t fd, int32_t min, int32_t *new_out);

/* fd_dup2: closes new_fd first; EBADF beyond the open-file limit */
ARCA_IMPORT(fd_dup2) int32_t __arca_fd_dup2(int32_t fd, int32_t new_fd);

/* fd_cloexec: op ARCA_CLOEXEC_GET, ARCA_CLOEXEC_SET or ARCA_CLOEXEC_CLEAR: FD_CLOEXEC, i.e. not
   inherited by proc_spawn */
ARCA_IMPORT(fd_cloexec) int32_t __arca_fd_cloexec(int32_t fd, int32_t op, int32_t *old_out);

/* fd_lock: cmd ARCA_F_GETLK, ARCA_F_SETLK or ARCA_F_SETLKW, type ARCA_LOCK_READ, ARCA_LOCK_WRITE or
   ARCA_LOCK_UNLOCK, len 0: to the end of the file: POSIX advisory record locks shared by all
   processes of the instance, released when the process ends; EAGAIN, EINTR, EBADF */
ARCA_IMPORT(fd_lock) int32_t __arca_fd_lock(int32_t fd, int32_t cmd, int32_t type, int64_t start, int64_t len, struct __arca_lock *lock_out);

/* sock_open: socket(2); AF_INET 1, AF_INET6 2, AF_UNIX 3; SOCK_DGRAM 5, SOCK_STREAM 6, |
   SOCK_NONBLOCK 0x4000 | SOCK_CLOEXEC 0x2000; EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE, ENFILE (the
   instance's socket limit) */
ARCA_IMPORT(sock_open) int32_t __arca_sock_open(int32_t domain, int32_t type, int32_t protocol, int32_t *fd_out);

/* sock_pair: socketpair(2) into fds_out[2]: AF_UNIX streams only (EOPNOTSUPP otherwise) */
ARCA_IMPORT(sock_pair) int32_t __arca_sock_pair(int32_t domain, int32_t type, int32_t protocol, int32_t *fds_out);

/* sock_bind: bind(2); an IP port only as the network policy allows (EACCES and a security-log line
   otherwise); AF_UNIX paths absolute or abstract; EADDRINUSE */
ARCA_IMPORT(sock_bind) int32_t __arca_sock_bind(int32_t fd, const void *addr, uint32_t addr_len);

/* sock_listen: listen(2); an unbound IP socket is bound to an allowed port first; backlog 1..4096 */
ARCA_IMPORT(sock_listen) int32_t __arca_sock_listen(int32_t fd, int32_t backlog);

/* sock_accept4: accept4(2); flags SOCK_NONBLOCK|SOCK_CLOEXEC; a null addr skips the address;
   EAGAIN, EINVAL when not listening, ENFILE */
ARCA_IMPORT(sock_accept4) int32_t __arca_sock_accept4(int32_t fd, void *addr, uint32_t *addr_len, int32_t flags, int32_t *fd_out);

/* sock_connect: connect(2); to a listener of the instance in the kernel, else through the host as
   the policy allows (EACCES otherwise); EINPROGRESS when non-blocking; ECONNREFUSED; EACCES for an
   RA-TLS peer that is refused */
ARCA_IMPORT(sock_connect) int32_t __arca_sock_connect(int32_t fd, const void *addr, uint32_t addr_len);

/* sock_name: getsockname(2) (which 0), getpeername(2) (which 1); ENOTCONN */
ARCA_IMPORT(sock_name) int32_t __arca_sock_name(int32_t fd, int32_t which, void *addr, uint32_t *addr_len);

/* sock_getopt: getsockopt(2) for the documented options; ENOPROTOOPT for others */
ARCA_IMPORT(sock_getopt) int32_t __arca_sock_getopt(int32_t fd, int32_t level, int32_t name, void *value, uint32_t *value_len);

/* sock_setopt: setsockopt(2) for the documented options; ENOPROTOOPT for others, EINVAL for a bad
   length */
ARCA_IMPORT(sock_setopt) int32_t __arca_sock_setopt(int32_t fd, int32_t level, int32_t name, const void *value, uint32_t value_len);

/* sock_sendto: sendmsg(2) over preview1-style iovecs; MSG_DONTWAIT 0x40, MSG_NOSIGNAL 0x4000 (else
   EPIPE also raises SIGPIPE); at most 1 MiB per call */
ARCA_IMPORT(sock_sendto) int32_t __arca_sock_sendto(int32_t fd, const void *iovs, uint32_t iovs_len, int32_t flags, const void *addr, uint32_t addr_len, uint32_t *nsent_out);

/* sock_recvfrom: recvmsg(2); MSG_PEEK 0x2, MSG_DONTWAIT 0x40, MSG_WAITALL 0x100, MSG_TRUNC 0x20; 0
   at end of stream */
ARCA_IMPORT(sock_recvfrom) int32_t __arca_sock_recvfrom(int32_t fd, const void *iovs, uint32_t iovs_len, int32_t flags, void *addr, uint32_t *addr_len, uint32_t *nrecv_out, int32_t *msg_flags_out);

/* sock_shutdown: shutdown(2), how SHUT_RD 0|SHUT_WR 1|SHUT_RDWR 2; ENOTCONN */
ARCA_IMPORT(sock_shutdown) int32_t __arca_sock_shutdown(int32_t fd, int32_t how);

/* sock_resolve: addresses of a name as 20-byte records {u32 family, 16 bytes address}, out_cap
   records at most: numeric, localhost, the manifest's hosts table; the host's DNS only where the
   policy allows it; ENOENT */
ARCA_IMPORT(sock_resolve) int32_t __arca_sock_resolve(const char *name, uint32_t name_len, int32_t family, void *out, uint32_t out_cap, uint32_t *count_out);

/* fd_poll: ppoll(2) over {i32 fd; i16 events; i16 revents} with Linux's bits for every kind of
   descriptor; timeout -1 forever; a sigmask (null: keep) replaces the process's for the wait;
   EINTR, EINVAL */
ARCA_IMPORT(fd_poll) int32_t __arca_fd_poll(void *fds, uint32_t nfds, int64_t timeout_ns, const uint64_t *sigmask, uint32_t *nready_out);

/* fd_nread: ioctl(FIONREAD): bytes readable at once */
ARCA_IMPORT(fd_nread) int32_t __arca_fd_nread(int32_t fd, uint32_t *n_out);

/* thread_signal: pthread_kill: sig to one thread of the caller's process (the first thread's id is
   the pid); sig 0 checks existence; ESRCH, EINVAL */
ARCA_IMPORT(thread_signal) int32_t __arca_thread_signal(int32_t tid, int32_t sig);

#endif
