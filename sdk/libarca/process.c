/* posix_spawn, waitpid, getpid and friends on Arca's process calls. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <__struct_rusage.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wasi/api.h>
#include "arca_abi.h"

extern char **environ;

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) {
    memset(fa, 0, sizeof *fa);
    return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) {
    for (int i = 0; i < fa->__used; i++) free((void *)(uintptr_t)fa->__actions[i].path);
    free(fa->__actions);
    memset(fa, 0, sizeof *fa);
    return 0;
}

static struct __arca_spawn_action *add_action(posix_spawn_file_actions_t *fa) {
    if (fa->__used == fa->__cap) {
        int cap = fa->__cap ? fa->__cap * 2 : 8;
        void *p = realloc(fa->__actions, cap * sizeof *fa->__actions);
        if (!p) return NULL;
        fa->__actions = p;
        fa->__cap = cap;
    }
    struct __arca_spawn_action *a = &fa->__actions[fa->__used++];
    memset(a, 0, sizeof *a);
    return a;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) {
    if (fd < 0) return EBADF;
    struct __arca_spawn_action *a = add_action(fa);
    if (!a) return ENOMEM;
    a->kind = ARCA_SPAWN_CLOSE;
    a->fd = fd;
    return 0;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd) {
    if (fd < 0 || newfd < 0) return EBADF;
    struct __arca_spawn_action *a = add_action(fa);
    if (!a) return ENOMEM;
    a->kind = ARCA_SPAWN_DUP2;
    a->fd = fd;
    a->arg = newfd;
    return 0;
}

/* An absolute guest path for p, from the current directory. */
static char *absolute(const char *p) {
    if (p[0] == '/') return strdup(p);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return NULL;
    size_t n = strlen(cwd);
    char *out = malloc(n + strlen(p) + 2);
    if (!out) return NULL;
    strcpy(out, cwd);
    if (n == 0 || out[n - 1] != '/') strcat(out, "/");
    strcat(out, p);
    return out;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path, int oflag, mode_t mode) {
    (void)mode; /* WASI files have no permission bits */
    if (fd < 0) return EBADF;
    char *abs = absolute(path);
    if (!abs) return ENOMEM;
    struct __arca_spawn_action *a = add_action(fa);
    if (!a) {
        free(abs);
        return ENOMEM;
    }
    int acc = oflag & O_ACCMODE;
    int oflags = 0;
    if (oflag & O_CREAT) oflags |= __WASI_OFLAGS_CREAT;
    if (oflag & O_DIRECTORY) oflags |= __WASI_OFLAGS_DIRECTORY;
    if (oflag & O_EXCL) oflags |= __WASI_OFLAGS_EXCL;
    if (oflag & O_TRUNC) oflags |= __WASI_OFLAGS_TRUNC;
    int rd = acc == O_RDONLY || acc == O_RDWR || (oflag & O_RDONLY);
    int wr = acc == O_WRONLY || acc == O_RDWR || (oflag & O_WRONLY);
    a->kind = ARCA_SPAWN_OPEN;
    a->fd = fd;
    a->arg = oflags | (rd ? ARCA_SPAWN_OPEN_READ : 0) | (wr ? ARCA_SPAWN_OPEN_WRITE : 0);
    a->fdflags = (oflag & O_APPEND) ? __WASI_FDFLAGS_APPEND : 0;
    a->path = (uint32_t)(uintptr_t)abs;
    a->path_len = strlen(abs);
    return 0;
}

int posix_spawnattr_init(posix_spawnattr_t *a) {
    memset(a, 0, sizeof *a);
    return 0;
}
int posix_spawnattr_destroy(posix_spawnattr_t *a) {
    (void)a;
    return 0;
}
int posix_spawnattr_setflags(posix_spawnattr_t *a, short f) {
    a->__flags = f;
    return 0;
}
int posix_spawnattr_getflags(const posix_spawnattr_t *restrict a, short *restrict f) {
    *f = a->__flags;
    return 0;
}
int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t g) {
    a->__pgrp = g;
    return 0;
}
int posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict a, pid_t *restrict g) {
    *g = a->__pgrp;
    return 0;
}
int posix_spawnattr_setsigmask(posix_spawnattr_t *restrict a, const sigset_t *restrict m) {
    a->__mask = *m;
    return 0;
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t *restrict a, sigset_t *restrict m) {
    *m = a->__mask;
    return 0;
}
int posix_spawnattr_setsigdefault(posix_spawnattr_t *restrict a, const sigset_t *restrict d) {
    a->__def = *d;
    return 0;
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *restrict a, sigset_t *restrict d) {
    *d = a->__def;
    return 0;
}

/* NUL-terminated strings packed in one buffer. */
static char *pack(char *const *v, size_t *len) {
    size_t n = 0;
    for (int i = 0; v && v[i]; i++) n += strlen(v[i]) + 1;
    char *b = malloc(n ? n : 1);
    if (!b) return NULL;
    char *p = b;
    for (int i = 0; v && v[i]; i++) {
        size_t l = strlen(v[i]) + 1;
        memcpy(p, v[i], l);
        p += l;
    }
    *len = n;
    return b;
}

int posix_spawn(pid_t *restrict pid, const char *restrict path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *restrict attr, char *const *restrict argv, char *const *restrict envp) {
    char *abs = absolute(path);
    if (!abs) return ENOMEM;
    size_t alen, elen;
    char *a = pack(argv, &alen);
    char *e = pack(envp ? envp : environ, &elen);
    int err = ENOMEM;
    if (a && e) {
        int32_t pgroup = ARCA_PGROUP_KEEP; /* POSIX's 0 is ARCA_PGROUP_NEW, N joins N, as the ABI's */
        if (attr && (attr->__flags & POSIX_SPAWN_SETPGROUP)) pgroup = attr->__pgrp;
        const struct __arca_spawn_action *acts = fa ? fa->__actions : NULL;
        int n = fa ? fa->__used : 0;
        struct __arca_spawn_action *with = NULL;
        int sigflags = attr ? attr->__flags & (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) : 0;
        if (sigflags) { /* the child's signals travel as two more actions, after the file actions */
            with = malloc((size_t)(n + 2) * sizeof *with);
            if (!with) goto out;
            if (n) memcpy(with, acts, (size_t)n * sizeof *with);
            if (sigflags & POSIX_SPAWN_SETSIGMASK)
                with[n++] = (struct __arca_spawn_action){.kind = ARCA_SPAWN_SIGMASK, .fd = (int32_t)(uint32_t)attr->__mask,
                                                         .arg = (int32_t)(uint32_t)(attr->__mask >> 32)};
            if (sigflags & POSIX_SPAWN_SETSIGDEF)
                with[n++] = (struct __arca_spawn_action){.kind = ARCA_SPAWN_SIGDEFAULT, .fd = (int32_t)(uint32_t)attr->__def,
                                                         .arg = (int32_t)(uint32_t)(attr->__def >> 32)};
            acts = with;
        }
        int32_t child = 0;
        err = __arca_proc_spawn(abs, strlen(abs), a, alen, e, elen, acts, (uint32_t)n, pgroup, &child);
        if (!err && pid) *pid = child;
        free(with);
    }
out:
    free(abs);
    free(a);
    free(e);
    return err;
}

int posix_spawnp(pid_t *restrict pid, const char *restrict file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *restrict attr, char *const *restrict argv, char *const *restrict envp) {
    if (strchr(file, '/')) return posix_spawn(pid, file, fa, attr, argv, envp);
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/bin:/usr/bin";
    size_t fl = strlen(file);
    int err = ENOENT;
    while (*path) {
        const char *end = strchr(path, ':');
        size_t dl = end ? (size_t)(end - path) : strlen(path);
        char *full = malloc(dl + fl + 2);
        if (!full) return ENOMEM;
        memcpy(full, path, dl);
        full[dl] = '/';
        memcpy(full + dl + 1, file, fl + 1);
        err = posix_spawn(pid, dl ? full : file, fa, attr, argv, envp);
        free(full);
        if (err != ENOENT && err != ENOTDIR && err != EACCES) return err;
        if (!end) break;
        path = end + 1;
    }
    return err;
}

pid_t waitpid(pid_t pid, int *status, int options) {
    int32_t st = 0, got = 0;
    int32_t err = __arca_proc_wait(pid, options & WNOHANG, &st, &got); /* WNOHANG is ARCA_WNOHANG */
    if (err) {
        errno = err;
        return -1;
    }
    if (status) *status = st;
    return got;
}

pid_t wait(int *status) {
    return waitpid(-1, status, 0);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru) {
    if (ru) memset(ru, 0, sizeof(struct rusage));
    return waitpid(pid, status, options);
}

pid_t wait3(int *status, int options, struct rusage *ru) {
    return wait4(-1, status, options, ru);
}

pid_t getpid(void) {
    int32_t p = 0;
    __arca_proc_getpid(&p);
    return p;
}

pid_t getppid(void) {
    int32_t p = 0;
    __arca_proc_getppid(&p);
    return p;
}

pid_t getpgrp(void) {
    int32_t p = 0;
    __arca_proc_getpgrp(&p);
    return p;
}

pid_t getpgid(pid_t pid) {
    if (pid == 0 || pid == getpid()) return getpgrp();
    errno = ESRCH;
    return -1;
}

int setpgid(pid_t pid, pid_t pgid) {
    (void)pid;
    (void)pgid;
    errno = EPERM; /* groups are chosen at spawn (POSIX_SPAWN_SETPGROUP) */
    return -1;
}

pid_t setsid(void) {
    errno = EPERM;
    return -1;
}

/* Arca has no users: every process runs as one identity, reported as uid and gid 0. */
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
int getgroups(int n, gid_t list[]) {
    (void)n;
    (void)list;
    return 0;
}
