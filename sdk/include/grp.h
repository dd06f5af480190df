/* grp.h (wasi-libc has none). Arca has no users: the database has the groups root (0) and nogroup
   (65534), as Debian's base system names them; supplementary groups can only be root's
   (sdk/libarca/users.c). */
#ifndef _ARCA_GRP_H
#define _ARCA_GRP_H
#include <stddef.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
struct group {
    char *gr_name;
    char *gr_passwd;
    gid_t gr_gid;
    char **gr_mem;
};
struct group *getgrnam(const char *);
struct group *getgrgid(gid_t);
int getgrnam_r(const char *, struct group *, char *, size_t, struct group **);
int getgrgid_r(gid_t, struct group *, char *, size_t, struct group **);
void setgrent(void);
void endgrent(void);
struct group *getgrent(void);
int initgroups(const char *, gid_t);
int setgroups(size_t, const gid_t *);
int getgrouplist(const char *, gid_t, gid_t *, int *);
#ifdef __cplusplus
}
#endif
#endif
