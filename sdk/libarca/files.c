/* chmod, fchmod, chown and umask: WASI files have no owners or permission bits, so these check
   that the file exists and change nothing. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

int chmod(const char *path, mode_t mode) {
    (void)mode;
    struct stat st;
    return stat(path, &st);
}

int fchmod(int fd, mode_t mode) {
    (void)mode;
    struct stat st;
    return fstat(fd, &st);
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags) {
    (void)mode;
    struct stat st;
    return fstatat(dirfd, path, &st, flags);
}

int fchown(int fd, uid_t uid, gid_t gid) {
    (void)uid;
    (void)gid;
    struct stat st;
    return fstat(fd, &st);
}

int chown(const char *path, uid_t uid, gid_t gid) {
    (void)uid;
    (void)gid;
    struct stat st;
    return stat(path, &st);
}

int lchown(const char *path, uid_t uid, gid_t gid) {
    (void)uid;
    (void)gid;
    struct stat st;
    return lstat(path, &st);
}

static mode_t mask = 022;

mode_t umask(mode_t m) {
    mode_t old = mask;
    mask = m & 0777;
    return old;
}
