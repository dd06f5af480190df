/* The user and group databases and identity changes. Arca has no users: every process runs as one
   identity, reported as uid and gid 0 (process.c). The databases list that identity (root) and
   Debian's unprivileged nobody/nogroup, so that programs which look a name up at start (nginx's
   default "nobody") find it. Changing identity is refused (EPERM) unless it names the identity the
   process has: a server that drops privileges must not believe it did. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name, *gecos, *dir, *shell;
    uid_t uid;
    gid_t gid;
} users[] = {
    {"root", "root", "/root", "/bin/sh", 0, 0},
    {"nobody", "nobody", "/nonexistent", "/usr/sbin/nologin", 65534, 65534},
};
static const struct {
    const char *name;
    gid_t gid;
} groups[] = {
    {"root", 0},
    {"nogroup", 65534},
};
#define NUSERS (sizeof users / sizeof users[0])
#define NGROUPS (sizeof groups / sizeof groups[0])

/* Copies s into *buf (advancing it), or returns NULL when fewer than strlen(s)+1 bytes are left. */
static char *put(char **buf, size_t *left, const char *s) {
    size_t n = strlen(s) + 1;
    if (n > *left) return NULL;
    char *at = memcpy(*buf, s, n);
    *buf += n;
    *left -= n;
    return at;
}

static int fill_user(size_t i, struct passwd *pw, char *buf, size_t len, struct passwd **result) {
    *result = NULL;
    if (!(pw->pw_name = put(&buf, &len, users[i].name)) || !(pw->pw_passwd = put(&buf, &len, "x"))
        || !(pw->pw_gecos = put(&buf, &len, users[i].gecos)) || !(pw->pw_dir = put(&buf, &len, users[i].dir))
        || !(pw->pw_shell = put(&buf, &len, users[i].shell)))
        return ERANGE;
    pw->pw_uid = users[i].uid;
    pw->pw_gid = users[i].gid;
    *result = pw;
    return 0;
}

static int fill_group(size_t i, struct group *gr, char *buf, size_t len, struct group **result) {
    *result = NULL;
    /* gr_mem: an empty, NULL-terminated list, aligned in buf */
    size_t pad = (sizeof(char *) - ((uintptr_t)buf % sizeof(char *))) % sizeof(char *);
    if (len < pad + sizeof(char *)) return ERANGE;
    buf += pad;
    len -= pad;
    gr->gr_mem = (char **)(void *)buf;
    gr->gr_mem[0] = NULL;
    buf += sizeof(char *);
    len -= sizeof(char *);
    if (!(gr->gr_name = put(&buf, &len, groups[i].name)) || !(gr->gr_passwd = put(&buf, &len, "x")))
        return ERANGE;
    gr->gr_gid = groups[i].gid;
    *result = gr;
    return 0;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len, struct passwd **result) {
    for (size_t i = 0; i < NUSERS; i++)
        if (strcmp(users[i].name, name) == 0) return fill_user(i, pw, buf, len, result);
    *result = NULL;
    return 0;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len, struct passwd **result) {
    for (size_t i = 0; i < NUSERS; i++)
        if (users[i].uid == uid) return fill_user(i, pw, buf, len, result);
    *result = NULL;
    return 0;
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t len, struct group **result) {
    for (size_t i = 0; i < NGROUPS; i++)
        if (strcmp(groups[i].name, name) == 0) return fill_group(i, gr, buf, len, result);
    *result = NULL;
    return 0;
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **result) {
    for (size_t i = 0; i < NGROUPS; i++)
        if (groups[i].gid == gid) return fill_group(i, gr, buf, len, result);
    *result = NULL;
    return 0;
}

/* The non-reentrant forms share one static entry each, as in glibc. */
static struct passwd pw_static;
static char pw_buf[256];
static struct group gr_static;
static char gr_buf[256];

static struct passwd *user_result(int err, struct passwd *r) {
    if (err) errno = err;
    return r;
}

static struct group *group_result(int err, struct group *r) {
    if (err) errno = err;
    return r;
}

struct passwd *getpwnam(const char *name) {
    struct passwd *r;
    return user_result(getpwnam_r(name, &pw_static, pw_buf, sizeof pw_buf, &r), r);
}

struct passwd *getpwuid(uid_t uid) {
    struct passwd *r;
    return user_result(getpwuid_r(uid, &pw_static, pw_buf, sizeof pw_buf, &r), r);
}

struct group *getgrnam(const char *name) {
    struct group *r;
    return group_result(getgrnam_r(name, &gr_static, gr_buf, sizeof gr_buf, &r), r);
}

struct group *getgrgid(gid_t gid) {
    struct group *r;
    return group_result(getgrgid_r(gid, &gr_static, gr_buf, sizeof gr_buf, &r), r);
}

static size_t pw_next, gr_next;

void setpwent(void) { pw_next = 0; }
void endpwent(void) { pw_next = 0; }
struct passwd *getpwent(void) {
    struct passwd *r = NULL;
    if (pw_next < NUSERS) fill_user(pw_next++, &pw_static, pw_buf, sizeof pw_buf, &r);
    return r;
}

void setgrent(void) { gr_next = 0; }
void endgrent(void) { gr_next = 0; }
struct group *getgrent(void) {
    struct group *r = NULL;
    if (gr_next < NGROUPS) fill_group(gr_next++, &gr_static, gr_buf, sizeof gr_buf, &r);
    return r;
}

/* No group lists a member, so a user's groups are its primary group alone. */
int getgrouplist(const char *user, gid_t group, gid_t *list, int *n) {
    (void)user;
    int room = *n;
    *n = 1;
    if (room < 1) return -1;
    list[0] = group;
    return 1;
}

static int only_own_identity(int ok) {
    if (ok) return 0;
    errno = EPERM;
    return -1;
}

int setuid(uid_t uid) { return only_own_identity(uid == 0); }
int setgid(gid_t gid) { return only_own_identity(gid == 0); }
int seteuid(uid_t uid) { return only_own_identity(uid == 0); }
int setegid(gid_t gid) { return only_own_identity(gid == 0); }
int setreuid(uid_t r, uid_t e) { return only_own_identity((r == 0 || r == (uid_t)-1) && (e == 0 || e == (uid_t)-1)); }
int setregid(gid_t r, gid_t e) { return only_own_identity((r == 0 || r == (gid_t)-1) && (e == 0 || e == (gid_t)-1)); }

int setgroups(size_t n, const gid_t *list) {
    for (size_t i = 0; i < n; i++)
        if (list[i] != 0) return only_own_identity(0);
    return 0;
}

int initgroups(const char *user, gid_t group) {
    (void)user;
    return only_own_identity(group == 0);
}
