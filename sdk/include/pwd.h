/* pwd.h (wasi-libc has none). Arca has no users: the database has root (uid 0, the identity every
   process runs as) and nobody (65534), as Debian's base system names them (sdk/libarca/users.c). */
#ifndef _ARCA_PWD_H
#define _ARCA_PWD_H
#include <stddef.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
struct passwd {
    char *pw_name;
    char *pw_passwd;
    uid_t pw_uid;
    gid_t pw_gid;
    char *pw_gecos;
    char *pw_dir;
    char *pw_shell;
};
struct passwd *getpwnam(const char *);
struct passwd *getpwuid(uid_t);
int getpwnam_r(const char *, struct passwd *, char *, size_t, struct passwd **);
int getpwuid_r(uid_t, struct passwd *, char *, size_t, struct passwd **);
void setpwent(void);
void endpwent(void);
struct passwd *getpwent(void);
#ifdef __cplusplus
}
#endif
#endif
