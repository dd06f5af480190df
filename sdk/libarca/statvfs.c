/* statvfs and fstatvfs: no capacity to report (see <sys/statvfs.h>). The argument is checked
   first, so a missing path is ENOENT and a closed descriptor EBADF, as natively; then ENOSYS. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

int statvfs(const char *restrict path, struct statvfs *restrict buf) {
    (void)buf;
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    errno = ENOSYS;
    return -1;
}

int fstatvfs(int fd, struct statvfs *buf) {
    (void)buf;
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    errno = ENOSYS;
    return -1;
}
