/* tmpnam, tmpfile, system, popen and pclose. system and popen run "$SHELL -c COMMAND" with
   posix_spawn when SHELL names a guest program; otherwise there is no shell (system(NULL) is 0). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned counter;

/* Replaces the last six X's of tmpl (before a suffix of suffixlen) with random letters. */
static int fill(char *tmpl, int suffixlen) {
    size_t n = strlen(tmpl);
    if (n < 6 + (size_t)suffixlen || memcmp(tmpl + n - suffixlen - 6, "XXXXXX", 6)) {
        errno = EINVAL;
        return -1;
    }
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[6];
    getentropy(r, sizeof r);
    for (int i = 0; i < 6; i++) tmpl[n - suffixlen - 6 + i] = letters[r[i] % 62];
    return 0;
}

int mkostemps(char *tmpl, int suffixlen, int flags) {
    char save[7];
    size_t n = strlen(tmpl);
    for (int tries = 0; tries < 100; tries++) {
        if (n >= 6 + (size_t)suffixlen) memcpy(save, tmpl + n - suffixlen - 6, 6);
        if (fill(tmpl, suffixlen) != 0) return -1;
        int fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL | (flags & ~O_ACCMODE), 0600);
        if (fd >= 0 || errno != EEXIST) return fd;
        memcpy(tmpl + n - suffixlen - 6, save, 6);
    }
    errno = EEXIST;
    return -1;
}

int mkstemp(char *tmpl) {
    return mkostemps(tmpl, 0, 0);
}

int mkostemp(char *tmpl, int flags) {
    return mkostemps(tmpl, 0, flags);
}

int mkstemps(char *tmpl, int suffixlen) {
    return mkostemps(tmpl, suffixlen, 0);
}

char *mkdtemp(char *tmpl) {
    size_t n = strlen(tmpl);
    char save[7];
    for (int tries = 0; tries < 100; tries++) {
        if (n >= 6) memcpy(save, tmpl + n - 6, 6);
        if (fill(tmpl, 0) != 0) return NULL;
        if (mkdir(tmpl, 0700) == 0) return tmpl;
        if (errno != EEXIST) return NULL;
        memcpy(tmpl + n - 6, save, 6);
    }
    return NULL;
}

char *tmpnam(char *buf) {
    static char internal[L_tmpnam];
    char *out = buf ? buf : internal;
    for (int tries = 0; tries < 100; tries++) {
        unsigned r;
        getentropy(&r, sizeof r);
        snprintf(out, L_tmpnam, "/tmp/t%06x%03u", r & 0xffffff, counter++ % 1000);
        struct stat st;
        if (stat(out, &st) != 0 && errno == ENOENT) return out;
    }
    return NULL;
}

FILE *tmpfile(void) {
    char name[] = "/tmp/tmpfileXXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) return NULL;
    unlink(name);
    FILE *f = fdopen(fd, "w+");
    if (!f) close(fd);
    return f;
}

static const char *shell(void) {
    const char *s = getenv("SHELL");
    return s && *s ? s : NULL;
}

int system(const char *cmd) {
    const char *sh = shell();
    if (!cmd) return sh != NULL;
    if (!sh) {
        errno = ENOSYS;
        return -1;
    }
    char *argv[] = {(char *)sh, "-c", (char *)cmd, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, sh, NULL, NULL, argv, NULL);
    if (err) return 127 << 8;
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

static struct child {
    FILE *f;
    pid_t pid;
    struct child *next;
} *children;

FILE *popen(const char *cmd, const char *mode) {
    const char *sh = shell();
    if (!sh) {
        errno = ENOSYS;
        return NULL;
    }
    int reading = mode[0] == 'r';
    if (!reading && mode[0] != 'w') {
        errno = EINVAL;
        return NULL;
    }
    int p[2];
    if (pipe(p) != 0) return NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, reading ? p[1] : p[0], reading ? 1 : 0);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    char *argv[] = {(char *)sh, "-c", (char *)cmd, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, sh, &fa, NULL, argv, NULL);
    posix_spawn_file_actions_destroy(&fa);
    close(reading ? p[1] : p[0]);
    if (err) {
        close(reading ? p[0] : p[1]);
        errno = err;
        return NULL;
    }
    FILE *f = fdopen(reading ? p[0] : p[1], reading ? "r" : "w");
    struct child *c = malloc(sizeof *c);
    if (!f || !c) {
        free(c);
        return NULL;
    }
    c->f = f;
    c->pid = pid;
    c->next = children;
    children = c;
    return f;
}

int pclose(FILE *f) {
    struct child **pp = &children;
    while (*pp && (*pp)->f != f) pp = &(*pp)->next;
    if (!*pp) {
        errno = ECHILD;
        return -1;
    }
    struct child *c = *pp;
    *pp = c->next;
    fclose(f);
    int status;
    pid_t pid = c->pid;
    free(c);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

#ifndef _REENTRANT
/* A program without threads: stream locks have nothing to exclude. (With -pthread, the threaded
   C library's own flockfile, a real lock, is the one: sdk/libc-threads.patch.) */
void flockfile(FILE *f) {
    (void)f;
}

int ftrylockfile(FILE *f) {
    (void)f;
    return 0;
}

void funlockfile(FILE *f) {
    (void)f;
}
#endif
