/* The "arca" import module (see docs/syscalls.md). Every call returns a WASI errno. */
#ifndef ARCA_ABI_H
#define ARCA_ABI_H
#include <stdint.h>

#define ARCA_IMPORT(name) __attribute__((import_module("arca"), import_name(#name)))

struct __arca_spawn_action {
    uint32_t kind; /* 0 close, 1 dup2, 2 open */
    int32_t fd;
    int32_t arg;   /* dup2: new fd; open: WASI oflags | read << 16 | write << 17 */
    uint32_t fdflags;
    uint32_t path;
    uint32_t path_len;
};

ARCA_IMPORT(proc_spawn) int32_t __arca_proc_spawn(const char *path, uint32_t path_len, const char *argv,
        uint32_t argv_len, const char *envp, uint32_t envp_len, const struct __arca_spawn_action *actions,
        uint32_t n_actions, int32_t pgroup, int32_t *pid_out);
ARCA_IMPORT(proc_wait) int32_t __arca_proc_wait(int32_t pid, int32_t options, int32_t *status_out, int32_t *pid_out);
ARCA_IMPORT(proc_getpid) int32_t __arca_proc_getpid(int32_t *out);
ARCA_IMPORT(proc_getppid) int32_t __arca_proc_getppid(int32_t *out);
ARCA_IMPORT(proc_getpgrp) int32_t __arca_proc_getpgrp(int32_t *out);
ARCA_IMPORT(proc_kill) int32_t __arca_proc_kill(int32_t pid, int32_t sig);
ARCA_IMPORT(sig_action) int32_t __arca_sig_action(int32_t sig, int32_t disposition, int32_t *old_out);
ARCA_IMPORT(sig_mask) int32_t __arca_sig_mask(int32_t how, uint64_t set, uint64_t *old_out);
ARCA_IMPORT(sig_pending) int32_t __arca_sig_pending(uint64_t *out);
ARCA_IMPORT(fd_pipe) int32_t __arca_fd_pipe(int32_t *fds, int32_t fdflags);
ARCA_IMPORT(fd_dup) int32_t __arca_fd_dup(int32_t fd, int32_t min, int32_t *out);
ARCA_IMPORT(fd_dup2) int32_t __arca_fd_dup2(int32_t fd, int32_t newfd);
ARCA_IMPORT(fd_cloexec) int32_t __arca_fd_cloexec(int32_t fd, int32_t op, int32_t *old_out);
struct __arca_lock { int32_t type, pid; int64_t start, len; };
ARCA_IMPORT(fd_lock) int32_t __arca_fd_lock(int32_t fd, int32_t cmd, int32_t type, int64_t start, int64_t len,
        struct __arca_lock *out);

/* Sockets (docs/sockets.md). Addresses are the bytes of the overlay's struct sockaddr_*. */
struct __arca_iovec { const void *base; uint32_t len; };
ARCA_IMPORT(sock_open) int32_t __arca_sock_open(int32_t domain, int32_t type, int32_t protocol, int32_t *fd_out);
ARCA_IMPORT(sock_pair) int32_t __arca_sock_pair(int32_t domain, int32_t type, int32_t protocol, int32_t *fds_out);
ARCA_IMPORT(sock_bind) int32_t __arca_sock_bind(int32_t fd, const void *addr, uint32_t addr_len);
ARCA_IMPORT(sock_listen) int32_t __arca_sock_listen(int32_t fd, int32_t backlog);
ARCA_IMPORT(sock_accept4) int32_t __arca_sock_accept4(int32_t fd, void *addr, uint32_t *addr_len, int32_t flags,
        int32_t *fd_out);
ARCA_IMPORT(sock_connect) int32_t __arca_sock_connect(int32_t fd, const void *addr, uint32_t addr_len);
ARCA_IMPORT(sock_name) int32_t __arca_sock_name(int32_t fd, int32_t which, void *addr, uint32_t *addr_len);
ARCA_IMPORT(sock_getopt) int32_t __arca_sock_getopt(int32_t fd, int32_t level, int32_t name, void *value,
        uint32_t *value_len);
ARCA_IMPORT(sock_setopt) int32_t __arca_sock_setopt(int32_t fd, int32_t level, int32_t name, const void *value,
        uint32_t value_len);
ARCA_IMPORT(sock_sendto) int32_t __arca_sock_sendto(int32_t fd, const struct __arca_iovec *iovs, uint32_t iovs_len,
        int32_t flags, const void *addr, uint32_t addr_len, uint32_t *nsent_out);
ARCA_IMPORT(sock_recvfrom) int32_t __arca_sock_recvfrom(int32_t fd, const struct __arca_iovec *iovs,
        uint32_t iovs_len, int32_t flags, void *addr, uint32_t *addr_len, uint32_t *nrecv_out,
        int32_t *msg_flags_out);
ARCA_IMPORT(sock_shutdown) int32_t __arca_sock_shutdown(int32_t fd, int32_t how);
ARCA_IMPORT(sock_resolve) int32_t __arca_sock_resolve(const char *name, uint32_t name_len, int32_t family,
        void *out, uint32_t out_cap, uint32_t *count_out);
ARCA_IMPORT(fd_poll) int32_t __arca_fd_poll(void *fds, uint32_t nfds, int64_t timeout_ns, const uint64_t *sigmask,
        uint32_t *nready_out);
ARCA_IMPORT(fd_nread) int32_t __arca_fd_nread(int32_t fd, uint32_t *n_out);

/* Whether [p, p+n) lies in linear memory: the C library checks a pointer before it reads through
   it itself, so that a bad one is EFAULT, as from the kernel, and not a trap. */
static inline int __arca_in_memory(const void *p, uint32_t n) {
    uint64_t end = (uint64_t)(uintptr_t)p + n;
    return end <= (uint64_t)__builtin_wasm_memory_size(0) * 65536;
}

#endif
