/* Arca SDK overlay: wasi-libc's <sys/stat.h> plus chmod, fchmod and umask. WASI files have no
   permission bits: these succeed when the file exists and change nothing. */
#ifndef _ARCA_SYS_STAT_H
#define _ARCA_SYS_STAT_H
#include_next <sys/stat.h>
#ifdef __cplusplus
extern "C" {
#endif
int chmod(const char *, mode_t);
int fchmod(int, mode_t);
int fchmodat(int, const char *, mode_t, int);
mode_t umask(mode_t);
#ifdef __cplusplus
}
#endif
#endif
