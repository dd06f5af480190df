/* path_escape.c - the sandbox must not be escapable by path tricks.
 *
 * Run with a host dir mounted at /sandbox (argv[1] overrides) containing
 * sub/ and inside.txt; run.sh also puts host-made symlinks host_abs -> /etc
 * and host_up -> .. inside it, and a secret file next to (outside) it.
 * Tries to leave the sandbox with "..", absolute paths, guest-made and
 * host-made symlinks (to /etc and to ../..), both through wasi-libc and with
 * raw WASI calls that hand the hostile path straight to the runtime,
 * relative to a directory fd for the sandbox. Also tries to create, rename,
 * link and delete things outside (run.sh checks the host side afterwards).
 *
 * Outcomes, one line per attempt:
 *   refused (E...) ok     ENOENT, EPERM, EACCES or ENOTCAPABLE (plus EXDEV for
 *                         rename/link, EINVAL/EILSEQ for an embedded NUL)
 *   ESCAPED               host data outside the sandbox became visible
 *                         (secret or passwd content, host directory names,
 *                         stat of an outside file) or was modified -> fail
 *   contained             a libc-level path above /sandbox worked but showed
 *                         nothing of the host: legitimate if the runtime gives
 *                         the guest its own virtual root; creations are then
 *                         verified on the host by run.sh
 *   NOT REFUSED           a raw call escaped its directory fd (WASI paths must
 *                         stay beneath the fd they are relative to) -> fail
 * Exits 1 on any ESCAPED / NOT REFUSED / unexpected errno, 2 if the sandbox
 * is not set up.
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
static int attempts, escapes, odd, contained, not_refused;

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
    case EISDIR: return "EISDIR";
    default: { static char b[24]; snprintf(b, sizeof b, "errno#%d", e); return b; }
    }
}

enum { PLAIN = 0, XDEV_OK = 1, NUL_OK = 2 };
static int acceptable(int e, int extra) {
    return e == ENOENT || e == EPERM || e == EACCES || e == ENOTCAPABLE ||
           ((extra & XDEV_OK) && e == EXDEV) || ((extra & NUL_OK) && (e == EINVAL || e == EILSEQ));
}
static void report_refusal(const char *what, int e, int extra) {
    if (acceptable(e, extra)) printf("%s: refused (%s) ok\n", what, ename(e));
    else { printf("%s: refused with unexpected %s\n", what, ename(e)); odd++; }
}

static const char *P(const char *rel) {   /* box + "/" + rel, in rotating buffers */
    static char bufs[4][512];
    static int i;
    char *b = bufs[i++ & 3];
    snprintf(b, sizeof bufs[0], "%s/%s", box, rel);
    return b;
}

/* Names that only a host directory outside the sandbox would contain. */
static int host_name(const char *n) {
    static const char *const names[] = {"secret.txt", "box", "passwd", "hosts", "group",
                                        "etc", "usr", "bin", "proc"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(n, names[i])) return 1;
    return 0;
}

/* Something opened: decide from what it shows whether it is host data.
 * Takes ownership of fd. Returns 1 if host data was exposed. */
static int inspect_fd(int fd, char *desc, size_t desc_len) {
    struct stat st;
    int exposed = 0;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = fdopendir(fd);
        size_t l = (size_t)snprintf(desc, desc_len, "directory listing:");
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (host_name(e->d_name)) exposed = 1;
            if (l < desc_len) l += (size_t)snprintf(desc + l, desc_len - l, " %s", e->d_name);
        }
        if (d) closedir(d); else close(fd);
        return exposed;
    }
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
        buf[n] = 0;
        if (strstr(buf, "ARCA-SECRET")) { snprintf(desc, desc_len, "THE SECRET FILE"); return 1; }
        if (strstr(buf, "root:")) { snprintf(desc, desc_len, "a passwd file"); return 1; }
        snprintf(desc, desc_len, "a file with %zd bytes of other content", n);
    } else {
        snprintf(desc, desc_len, "an empty or unreadable file");
    }
    return 0;
}

static void verdict_opened(const char *what, int fd) {
    char desc[512];
    if (inspect_fd(fd, desc, sizeof desc)) { printf("%s: ESCAPED (exposes %s)\n", what, desc); escapes++; }
    else { printf("%s: contained (opened %s; nothing of the host)\n", what, desc); contained++; }
}

/* Read/list attempts through wasi-libc. */
static void try_read(const char *what, const char *path) {
    attempts++;
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) report_refusal(what, errno, PLAIN);
    else verdict_opened(what, fd);
}
static void try_opendir(const char *what, const char *path) {
    attempts++;
    errno = 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) report_refusal(what, errno, PLAIN);
    else verdict_opened(what, fd);
}
/* stat of a path that can only name host things: success is an escape. */
static void try_stat(const char *what, const char *path) {
    struct stat st;
    attempts++;
    errno = 0;
    if (stat(path, &st) < 0) report_refusal(what, errno, PLAIN);
    else { printf("%s: ESCAPED (stat succeeded)\n", what); escapes++; }
}
/* Creating something above the sandbox: success is only acceptable inside a
 * guest-virtual namespace; run.sh verifies nothing appeared on the host. */
static void try_create(const char *what, int r, int extra) {
    attempts++;
    if (r < 0) report_refusal(what, errno, extra);
    else { printf("%s: contained? (succeeded; run.sh checks the host side)\n", what); contained++; }
}
/* Touching the outside secret itself: success is an escape. */
static void try_secret(const char *what, int r, int extra) {
    attempts++;
    if (r < 0) report_refusal(what, errno, extra);
    else { printf("%s: ESCAPED (succeeded on the outside secret)\n", what); escapes++; }
}

/* Raw calls relative to a directory fd for the sandbox: must be refused. */
static void try_raw_open(const char *what, int dirfd, const char *path, size_t len, int follow) {
    uint32_t fd = 0;
    attempts++;
    int32_t e = raw_path_open(dirfd, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                              (uint32_t)(uintptr_t)path, (int32_t)len, 0,
                              __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR, 0, 0,
                              (uint32_t)(uintptr_t)&fd);
    if (e != 0) { report_refusal(what, e, memchr(path, 0, len) ? NUL_OK : PLAIN); return; }
    char desc[512];
    if (inspect_fd((int)fd, desc, sizeof desc)) { printf("%s: ESCAPED (exposes %s)\n", what, desc); escapes++; }
    else { printf("%s: NOT REFUSED (opened %s outside its directory fd)\n", what, desc); not_refused++; }
}
static void try_raw_stat(const char *what, int dirfd, const char *path) {
    __wasi_filestat_t st;
    attempts++;
    int32_t e = raw_path_filestat_get(dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, (uint32_t)(uintptr_t)path,
                                      (int32_t)strlen(path), (uint32_t)(uintptr_t)&st);
    if (e != 0) report_refusal(what, e, PLAIN);
    else { printf("%s: NOT REFUSED (stat outside its directory fd succeeded)\n", what); not_refused++; }
}

/* A directory fd for the sandbox: its preopen if it has one, else opened. */
static int sandbox_fd(const char **how) {
    for (int fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        char buf[256];
        if (__wasi_fd_prestat_get(fd, &ps) != 0 || ps.tag != __WASI_PREOPENTYPE_DIR) continue;
        size_t len = ps.u.dir.pr_name_len;
        if (len >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0) continue;
        buf[len] = 0;
        if (!strcmp(buf, box)) { *how = "its preopen"; return fd; }
    }
    *how = "opened with O_DIRECTORY";
    return open(box, O_RDONLY | O_DIRECTORY);
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
    const char *how = "";
    int dirfd = sandbox_fd(&how);
    printf("control sandbox dir fd: %s\n", dirfd >= 0 ? how : ename(errno));

    /* reading outside via ".." and absolute paths (through wasi-libc) */
    try_read("open ../secret.txt", P("../secret.txt"));
    try_read("open sub/../../secret.txt", P("sub/../../secret.txt"));
    try_read("open ./sub/../../../../../../etc/passwd", P("./sub/../../../../../../etc/passwd"));
    try_read("open /etc/passwd", "/etc/passwd");
    try_read("open /../etc/passwd", "/../etc/passwd");
    try_stat("stat ../secret.txt", P("../secret.txt"));
    try_opendir("opendir ..", P(".."));
    try_opendir("opendir /", "/");

    /* host-made symlinks pointing outside */
    try_read("open host_abs/passwd (host link -> /etc)", P("host_abs/passwd"));
    try_read("open host_up/secret.txt (host link -> ..)", P("host_up/secret.txt"));
    try_stat("stat host_abs/passwd", P("host_abs/passwd"));
    try_opendir("opendir host_abs", P("host_abs"));
    try_opendir("opendir host_up", P("host_up"));

    /* guest-made symlinks pointing outside: creating them may or may not be
     * allowed; following them must never reach the host */
    errno = 0;
    int r = symlink("/etc", P("guest_abs"));
    printf("create symlink guest_abs -> /etc: %s\n", r == 0 ? "allowed" : ename(errno));
    errno = 0;
    r = symlink("../../..", P("sub/guest_up"));
    printf("create symlink sub/guest_up -> ../../..: %s\n", r == 0 ? "allowed" : ename(errno));
    errno = 0;
    r = symlink("../..", P("sub/guest_up2"));
    printf("create symlink sub/guest_up2 -> ../..: %s\n", r == 0 ? "allowed" : ename(errno));
    try_read("open guest_abs/passwd", P("guest_abs/passwd"));
    try_read("open sub/guest_up/etc/passwd", P("sub/guest_up/etc/passwd"));
    try_read("open sub/guest_up2/secret.txt", P("sub/guest_up2/secret.txt"));
    try_stat("stat sub/guest_up2/secret.txt", P("sub/guest_up2/secret.txt"));
    try_opendir("opendir sub/guest_up", P("sub/guest_up"));
    try_opendir("opendir guest_abs", P("guest_abs"));

    /* the outside secret itself must be untouchable */
    errno = 0; try_secret("truncate ../secret.txt", open(P("../secret.txt"), O_WRONLY | O_TRUNC), PLAIN);
    errno = 0; try_secret("append host_up/secret.txt", open(P("host_up/secret.txt"), O_WRONLY | O_APPEND), PLAIN);
    errno = 0; try_secret("rename ../secret.txt -> stolen.txt", rename(P("../secret.txt"), P("stolen.txt")), XDEV_OK);
    errno = 0; try_secret("link ../secret.txt -> stolen_link", link(P("../secret.txt"), P("stolen_link")), XDEV_OK);
    errno = 0; try_secret("unlink ../secret.txt", unlink(P("../secret.txt")), PLAIN);
    errno = 0; try_secret("unlink host_up/secret.txt", unlink(P("host_up/secret.txt")), PLAIN);

    /* creating things outside */
    errno = 0; try_create("create ../created.txt", open(P("../created.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), PLAIN);
    errno = 0; try_create("create host_up/created2.txt", open(P("host_up/created2.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), PLAIN);
    errno = 0; try_create("create sub/guest_up2/created3.txt", open(P("sub/guest_up2/created3.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644), PLAIN);
    errno = 0; try_create("mkdir ../newdir", mkdir(P("../newdir"), 0755), PLAIN);
    errno = 0; try_create("mkdir host_up/newdir2", mkdir(P("host_up/newdir2"), 0755), PLAIN);
    errno = 0; try_create("symlink ../symlink_out", symlink("x", P("../symlink_out")), PLAIN);
    errno = 0; try_create("rename inside.txt -> ../moved.txt", rename(P("inside.txt"), P("../moved.txt")), XDEV_OK);
    errno = 0; try_create("link inside.txt -> ../hardlink_out", link(P("inside.txt"), P("../hardlink_out")), XDEV_OK);

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
        try_raw_open("raw path_open \"host_up\"", dirfd, "host_up", 7, 1);
        try_raw_open("raw path_open \"sub/guest_up2/secret.txt\"", dirfd, "sub/guest_up2/secret.txt", 24, 1);
        try_raw_open("raw path_open with embedded NUL", dirfd, nul_path, sizeof nul_path - 1, 1);
        try_raw_stat("raw path_filestat_get \"..\"", dirfd, "..");
        try_raw_stat("raw path_filestat_get \"/etc\"", dirfd, "/etc");
    }

    printf("path_escape: %d attempts, %d escaped, %d not refused, %d unexpected errno, %d contained\n",
           attempts, escapes, not_refused, odd, contained);
    return (escapes || not_refused || odd) ? 1 : 0;
}
