/* Arca SDK overlay: wasi-libc's <fcntl.h> plus record locks (F_GETLK, F_SETLK, F_SETLKW) and
   FD_CLOEXEC, which Arca's fcntl handles and passes the rest on to wasi-libc's. */
#ifndef _ARCA_FCNTL_H
#define _ARCA_FCNTL_H
#include_next <fcntl.h>
#ifdef __cplusplus
extern "C" {
#endif
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#ifndef F_SETOWN
#define F_SETOWN 8 /* Linux's; signal-driven I/O is not supported: fcntl gives EINVAL */
#define F_GETOWN 9
#endif
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
int __arca_fcntl(int, int, ...);
#define fcntl __arca_fcntl
#ifdef __cplusplus
}
#endif
#endif
