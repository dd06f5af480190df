/* Arca SDK overlay: <sys/statvfs.h>, which wasi-libc leaves out (musl's struct). WASI preview1 has
   no call that reports a file system's capacity, and neither has Arca's kernel yet: statvfs and
   fstatvfs check their argument (ENOENT, EBADF as natively) and then fail with ENOSYS. libc++'s
   <filesystem> needs the declarations; std::filesystem::space throws a filesystem_error. */
#ifndef _ARCA_SYS_STATVFS_H
#define _ARCA_SYS_STATVFS_H
#define __NEED_fsblkcnt_t
#define __NEED_fsfilcnt_t
#include <bits/alltypes.h>
#ifdef __cplusplus
extern "C" {
#endif
struct statvfs {
    unsigned long f_bsize, f_frsize;
    fsblkcnt_t f_blocks, f_bfree, f_bavail;
    fsfilcnt_t f_files, f_ffree, f_favail;
    unsigned long f_fsid;
    unsigned long f_flag;
    unsigned long f_namemax;
    int __reserved[6];
};
int statvfs(const char *__restrict, struct statvfs *__restrict);
int fstatvfs(int, struct statvfs *);
#define ST_RDONLY 1
#define ST_NOSUID 2
#ifdef __cplusplus
}
#endif
#endif
