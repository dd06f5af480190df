/* path_escape.c - the sandbox must not be escapable by path tricks.
 *
 * Run with a host dir mounted at /sandbox (argv[1] overrides) containing
 * sub/ and inside.txt; run.sh also puts host-made symlinks host_abs -> /etc
 * and host_up -> .. inside it, and a secret file next to (outside) it.
 * Tries to leave the sandbox with "..", absolute paths, guest-made and
 * host-made symlinks (to /etc and to ../..), both through wasi-libc and with
 * raw WASI calls that pass the hostile path straight to the runtime (libc
 * would otherwise reject absolute paths itself). Also tries to *create*
 * things outside (run.sh checks the host side afterwards).
 *
 * Each attempt must be refused with ENOENT, EPERM, ENOTCAPABLE or EACCES
 * (a path with an embedded NUL may also get EINVAL/EILSEQ). If anything
 * opens, its content is checked for the secret / passwd markers, the attempt
 * is reported as ESCAPED and the program exits 1. Controls check that the
 * sandbox itself works. One line per attempt, then a summary.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, uint32_t path, int32_t path_len,
                                        int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                                        int32_t fdflags, uint32_t opened_fd);
IMPORT(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, uint32_t path,
                                                        int32_t path_len, uint32_t buf);

static const char *box = "/sandbox";
static int attempts, escapes, odd;

static const char *ename(int e) {
    switch (e) {
    case ENOENT: return "ENOENT";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EINVAL: return "EINVAL";
    case EILSEQ: return "EILSEQ";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EXDEV: return "EXDEV";
    default: { static char b[24]; snprintf(b, sizeof b, "errno#%d", e); return b; }
    }
}
static int acceptable(int e, int nul_ok) {
    return e == ENOENT || e == EPERM || e == EACCES || e == ENOTCAPABLE ||
           (nul_ok && (e == EINVAL || e == EILSEQ));
}

static const char *P(const char *rel) {   /* box + "/" + rel, in rotating buffers */
    static char bufs[4][512];
    static int i;
    char *b = bufs[i++ & 3];
    snprintf(b, sizeof bufs[0], "%s/%s", box, rel);
    return b;
}

/* An fd was opened where it must not have been: say what it exposes. */
static void leaked_fd(const char *what, int fd) {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    const char *kind = "unknown content";
    if (n > 0) {
        buf[n] = 0;
        if (strstr(buf, "ARCA-SECRET")) kind = "THE SECRET FILE";
        else if (strstr(buf, "root:")) kind = "a passwd file";
    } else {
        kind = "a directory or empty file";
    }
    printf("%s: ESCAPED (opened; exposes %s)\n", what, kind);
    close(fd);
    escapes++;
}

/* Report a libc-level attempt whose return value r < 0 means refused. */
static void refused(const char *what, int r, int nul_ok) {
    attempts++;
    if (r >= 0) { printf("%s: ESCAPED (call succeeded)\n", what); escapes++; return; }
    if (acceptable(errno, nul_ok)) printf("%s: refused (%s) ok\n", what, ename(errno));
    else { printf("%s: refused with unexpected %s\n", what, ename(errno)); odd++; }
}

static void try_open(const char *what, const char *path, int flags) {
    errno = 0;
    int fd = open(path, flags, 0644);
    if (fd >= 0) { attempts++; leaked_fd(what, fd); return; }
    refused(what, -1, 0);
}

static void try_stat(const char *what, const char *path) {
    struct stat st;
    errno = 0;
    refused(what, stat(path, &st), 0);
}

static void try_opendir(const char *what, const char *path) {
    errno = 0;
    DIR *d = opendir(path);
    if (!d) { refused(what, -1, 0); return; }
    attempts++; escapes++;
    printf("%s: ESCAPED (listed:", what);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) && n++ < 8) printf(" %s", e->d_name);
    printf(")\n");
    closedir(d);
}

/* Raw path_open relative to the sandbox preopen, bypassing libc's checks. */
static void try_raw_open(const char *what, int dirfd, const char *path, size_t len, int follow) {
    uint32_t fd = 0;
    attempts++;
    int32_t e = raw_path_open(dirfd, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                              (uint32_t)(uintptr_t)path, (int32_t)len, 0,
                              __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR, 0, 0,
                              (uint32_t)(uintptr_t)&fd);
    if (e == 0) { leaked_fd(what, (int)fd); return; }
    int nul = memchr(path, 0, len) != NULL;
    if (acceptable(e, nul)) printf("%s: refused (%s) ok\n", what, ename(e));
    else { printf("%s: refused with unexpected %s\n", what, ename(e)); odd++; }
}

static void try_raw_stat(const char *what, int dirfd, const char *path) {
    __wasi_filestat_t st;
    attempts++;
    int32_t e = raw_path_filestat_get(dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, (uint32_t)(uintptr_t)path,
                                      (int32_t)strlen(path), (uint32_t)(uintptr_t)&st);
    if (e == 0) { printf("%s: ESCAPED (stat succeeded)\n", what); escapes++; return; }
    if (acceptable(e, 0)) printf("%s: refused (%s) ok\n", what, ename(e));
    else { printf("%s: refused with unexpected %s\n", what, ename(e)); odd++; }
}

static int find_preopen(const char *name) {
    for (int fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        char buf[256];
        if (__wasi_fd_prestat_get(fd, &ps) != 0 || ps.tag != __WASI_PREOPENTYPE_DIR) continue;
        size_t len = ps.u.dir.pr_name_len;
        if (len >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0) continue;
        buf[len] = 0;
        if (!strcmp(buf, name)) return fd;
    }
    return -1;
}

int main(int argc, char **argv) {
    if (argc > 1) box = argv[1];

    /* controls: the sandbox works, ".." that stays inside is fine */
    char buf[64];
    int fd = open(P("inside.txt"), O_RDONLY);
    if (fd < 0) { printf("control: cannot open %s (%s); sandbox not set up\n", P("inside.txt"), ename(errno)); return 2; }
    close(fd);
    printf("control open inside.txt: ok\n");
    fd = open(P("sub/../inside.txt"), O_RDONLY);
    printf("control open sub/../inside.txt: %s\n", fd >= 0 ? "ok" : ename(errno));
    if (fd >= 0) close(fd);
    ssize_t n = readlink(P("host_abs"), buf, sizeof buf);
    printf("control readlink host_abs: %s\n", n > 0 ? "ok (reading a link's text is allowed)" : ename(errno));
    int dirfd = find_preopen(box);
    printf("control preopen %s found: %s\n", box, dirfd >= 0 ? "yes" : "no");

    /* reading outside via ".." and absolute paths (through wasi-libc) */
    try_open("open ../secret.txt", P("../secret.txt"), O_RDONLY);
    try_open("open sub/../../secret.txt", P("sub/../../secret.txt"), O_RDONLY);
    try_open("open ./sub/../../../../../../etc/passwd", P("./sub/../../../../../../etc/passwd"), O_RDONLY);
    try_open("open /etc/passwd", "/etc/passwd", O_RDONLY);
    try_open("open /../etc/passwd", "/../etc/passwd", O_RDONLY);
    try_stat("stat ../secret.txt", P("../secret.txt"));
    try_opendir("opendir ..", P(".."));
    try_opendir("opendir /", "/");

    /* host-made symlinks pointing outside */
    try_open("open host_abs/passwd (host link -> /etc)", P("host_abs/passwd"), O_RDONLY);
    try_open("open host_up/secret.txt (host link -> ..)", P("host_up/secret.txt"), O_RDONLY);
    try_stat("stat host_abs (follows to /etc)", P("host_abs"));
    try_opendir("opendir host_up", P("host_up"));

    /* guest-made symlinks pointing outside: creating may or may not be
     * allowed; following them must never work */
    errno = 0;
    int r = symlink("/etc", P("guest_abs"));
    printf("create symlink guest_abs -> /etc: %s\n", r == 0 ? "allowed" : ename(errno));
    errno = 0;
    r = symlink("../../..", P("sub/guest_up"));
    printf("create symlink sub/guest_up -> ../../..: %s\n", r == 0 ? "allowed" : ename(errno));
    errno = 0;
    r = symlink("../..", P("sub/guest_up2"));
    printf("create symlink sub/guest_up2 -> ../..: %s\n", r == 0 ? "allowed" : ename(errno));
    try_open("open guest_abs/passwd", P("guest_abs/passwd"), O_RDONLY);
    try_open("open sub/guest_up/etc/passwd", P("sub/guest_up/etc/passwd"), O_RDONLY);
    try_open("open sub/guest_up2/secret.txt", P("sub/guest_up2/secret.txt"), O_RDONLY);
    try_opendir("opendir sub/guest_up", P("sub/guest_up"));

    /* creating / modifying things outside */
    try_open("create ../created.txt", P("../created.txt"), O_WRONLY | O_CREAT | O_EXCL);
    try_open("create host_up/created2.txt", P("host_up/created2.txt"), O_WRONLY | O_CREAT | O_EXCL);
    try_open("create sub/guest_up2/created3.txt", P("sub/guest_up2/created3.txt"), O_WRONLY | O_CREAT | O_EXCL);
    try_open("truncate ../secret.txt", P("../secret.txt"), O_WRONLY | O_TRUNC);
    errno = 0; refused("mkdir ../newdir", mkdir(P("../newdir"), 0755), 0);
    errno = 0; refused("rename inside.txt -> ../moved.txt", rename(P("inside.txt"), P("../moved.txt")), 0);
    errno = 0; refused("rename ../secret.txt -> stolen.txt", rename(P("../secret.txt"), P("stolen.txt")), 0);
    errno = 0; refused("symlink ../symlink_out", symlink("x", P("../symlink_out")), 0);
    errno = 0; refused("link inside.txt -> ../hardlink_out", link(P("inside.txt"), P("../hardlink_out")), 0);
    errno = 0; refused("link ../secret.txt -> stolen_link", link(P("../secret.txt"), P("stolen_link")), 0);
    errno = 0; refused("unlink ../secret.txt", unlink(P("../secret.txt")), 0);

    /* raw WASI calls: hostile paths reach the runtime unmodified */
    if (dirfd >= 0) {
        static const char nul_path[] = "inside.txt\0../secret.txt";
        try_raw_open("raw path_open \"../secret.txt\"", dirfd, "../secret.txt", 13, 1);
        try_raw_open("raw path_open \"/etc/passwd\"", dirfd, "/etc/passwd", 11, 1);
        try_raw_open("raw path_open \"/\"", dirfd, "/", 1, 1);
        try_raw_open("raw path_open \"..\"", dirfd, "..", 2, 1);
        try_raw_open("raw path_open \"sub/../../secret.txt\"", dirfd, "sub/../../secret.txt", 20, 1);
        try_raw_open("raw path_open \"host_up/secret.txt\" nofollow", dirfd, "host_up/secret.txt", 18, 0);
        try_raw_open("raw path_open \"host_abs/passwd\" nofollow", dirfd, "host_abs/passwd", 15, 0);
        try_raw_open("raw path_open \"sub/guest_up2/secret.txt\"", dirfd, "sub/guest_up2/secret.txt", 24, 1);
        try_raw_open("raw path_open with embedded NUL", dirfd, nul_path, sizeof nul_path - 1, 1);
        try_raw_stat("raw path_filestat_get \"..\"", dirfd, "..");
        try_raw_stat("raw path_filestat_get \"/etc\"", dirfd, "/etc");
    }

    printf("path_escape: %d attempts, %d escaped, %d unexpected errno\n", attempts, escapes, odd);
    return (escapes || odd) ? 1 : 0;
}
