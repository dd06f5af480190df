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

#endif
