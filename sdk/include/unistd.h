/* Arca SDK overlay: wasi-libc's <unistd.h> plus pipes, descriptor duplication, process ids and
   user ids, which Arca provides; and fork and the exec family, which it does not (they fail with
   ENOSYS: Arca starts processes with posix_spawn), declared because programs call them on paths
   they never take in Arca (lighttpd's graceful restart, nginx's master process). */
#ifndef _ARCA_UNISTD_H
#define _ARCA_UNISTD_H
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID 1
#endif
#include_next <unistd.h>
#ifdef __cplusplus
extern "C" {
#endif
#if defined(_GNU_SOURCE) && !defined(__wasilibc_unmodified_upstream)
char *get_current_dir_name(void); /* getcwd(NULL, 0), as glibc's when $PWD does not name the cwd */
#endif
int pipe(int[2]);
int pipe2(int[2], int);
int dup(int);
int dup2(int, int);
int dup3(int, int, int);
pid_t getpid(void);
pid_t getppid(void);
pid_t getpgrp(void);
pid_t getpgid(pid_t);
int setpgid(pid_t, pid_t);
pid_t setsid(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int, gid_t[]);
int fchown(int, uid_t, gid_t);
int chown(const char *, uid_t, gid_t);
int lchown(const char *, uid_t, gid_t);
int setuid(uid_t);
int setgid(gid_t);
int seteuid(uid_t);
int setegid(gid_t);
int setreuid(uid_t, uid_t);
int setregid(gid_t, gid_t);
pid_t fork(void);
int execve(const char *, char *const[], char *const[]);
int execv(const char *, char *const[]);
int execvp(const char *, char *const[]);
int execvpe(const char *, char *const[], char *const[]);
int execl(const char *, const char *, ...);
int execlp(const char *, const char *, ...);
int execle(const char *, const char *, ...);
int fexecve(int, char *const[], char *const[]);
int getpagesize(void);
unsigned alarm(unsigned);
int pause(void);
#ifdef __cplusplus
}
#endif
#endif
