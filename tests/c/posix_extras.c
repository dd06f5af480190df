/* posix_extras: the POSIX facilities the SDK added for real servers (lighttpd, nginx), where
 * Linux and Arca give the same answers: <sys/queue.h> lists, syslog's mask, the user and group
 * databases (root, nobody/nogroup), realpath, clock ids as integers, resource limits read and set
 * to what they are, priorities, interval timers disarmed, gethostname, getpagesize, a 512 KiB
 * local array (the stack), tzset. */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

struct item {
    int v;
    STAILQ_ENTRY(item) sq;
    TAILQ_ENTRY(item) tq;
    LIST_ENTRY(item) l;
    SLIST_ENTRY(item) sl;
};
STAILQ_HEAD(shead, item);
TAILQ_HEAD(thead, item);
LIST_HEAD(lhead, item);
SLIST_HEAD(slhead, item);

static void lists(void) {
    static struct item it[5];
    struct shead s = STAILQ_HEAD_INITIALIZER(s);
    struct thead t = TAILQ_HEAD_INITIALIZER(t);
    struct lhead l = LIST_HEAD_INITIALIZER(l);
    struct slhead sl = SLIST_HEAD_INITIALIZER(sl);
    for (int i = 0; i < 5; i++) {
        it[i].v = i;
        STAILQ_INSERT_TAIL(&s, &it[i], sq);
        TAILQ_INSERT_TAIL(&t, &it[i], tq);
        LIST_INSERT_HEAD(&l, &it[i], l);
        SLIST_INSERT_HEAD(&sl, &it[i], sl);
    }
    STAILQ_REMOVE(&s, &it[2], item, sq);
    STAILQ_REMOVE_HEAD(&s, sq);
    TAILQ_REMOVE(&t, &it[4], tq);
    TAILQ_INSERT_AFTER(&t, &it[0], &it[4], tq);
    LIST_REMOVE(&it[3], l);
    SLIST_REMOVE(&sl, &it[1], item, sl);
    struct item *p;
    printf("stailq:");
    STAILQ_FOREACH(p, &s, sq) printf(" %d", p->v);
    printf("\ntailq:");
    TAILQ_FOREACH(p, &t, tq) printf(" %d", p->v);
    printf(" (reverse:");
    TAILQ_FOREACH_REVERSE(p, &t, thead, tq) printf(" %d", p->v);
    printf(", last %d)\nlist:", TAILQ_LAST(&t, thead)->v);
    LIST_FOREACH(p, &l, l) printf(" %d", p->v);
    printf("\nslist:");
    SLIST_FOREACH(p, &sl, sl) printf(" %d", p->v);
    printf("\n");
}

static void users(void) {
    struct passwd *pw = getpwnam("root");
    printf("getpwnam(root): uid %d gid %d dir %s\n", pw ? (int)pw->pw_uid : -1, pw ? (int)pw->pw_gid : -1, pw ? pw->pw_dir : "-");
    pw = getpwuid(0);
    printf("getpwuid(0): %s\n", pw ? pw->pw_name : "-");
    pw = getpwnam("nobody");
    printf("getpwnam(nobody): uid %d\n", pw ? (int)pw->pw_uid : -1);
    printf("getpwnam(no-such-user): %s\n", getpwnam("no-such-user") ? "found" : "none");
    struct group *gr = getgrgid(0);
    printf("getgrgid(0): %s\n", gr ? gr->gr_name : "-");
    gr = getgrnam("nogroup");
    printf("getgrnam(nogroup): gid %d\n", gr ? (int)gr->gr_gid : -1);
    struct passwd buf, *out;
    char small[4];
    int e = getpwnam_r("root", &buf, small, sizeof small, &out);
    printf("getpwnam_r with 4 bytes: %s, result %s\n", errname(e), out ? "set" : "NULL");
    char big[1024];
    e = getpwnam_r("root", &buf, big, sizeof big, &out);
    printf("getpwnam_r: %s %s\n", errname(e), out ? out->pw_name : "NULL");
}

static void paths(void) {
    char cwd[PATH_MAX], got[PATH_MAX];
    getcwd(cwd, sizeof cwd);
    size_t n = strlen(cwd);
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    close(creat("a/b/f", 0644));
    symlink("a/b", "l");
    symlink("loop", "loop");
    const char *tries[] = {"a/b/f", "l/f", "l/../b/./f", "./a//b/", "a/../a/b/../b", "nope/x", "a/b/f/x", "loop", "/", NULL};
    for (int i = 0; tries[i]; i++) {
        errno = 0;
        char *r = realpath(tries[i], got);
        if (!r) printf("realpath(%s): %s\n", tries[i], errname(errno));
        else printf("realpath(%s): %s\n", tries[i], strncmp(r, cwd, n) == 0 && strcmp(cwd, "/") != 0 ? r + n : r);
    }
    char *m = realpath("l", NULL);
    printf("realpath(l, NULL) ends with /a/b: %s\n", yesno(m && strlen(m) >= 4 && strcmp(m + strlen(m) - 4, "/a/b") == 0));
    free(m);
}

static int deep(int n) {
    volatile char big[512 * 1024];
    big[0] = (char)n;
    big[sizeof big - 1] = (char)(n + 1);
    return big[0] + big[sizeof big - 1];
}

int main(void) {
    lists();
    printf("setlogmask(LOG_UPTO(LOG_INFO)) returned the full mask: %s\n", yesno(setlogmask(LOG_UPTO(LOG_INFO)) == 0xff));
    printf("setlogmask(0) keeps it: %s\n", yesno(setlogmask(0) == LOG_UPTO(LOG_INFO)));
    users();
    paths();
    clockid_t c = CLOCK_MONOTONIC;
    int id = c;
    struct timespec ts;
    printf("clock id kept in an int: %s\n", yesno(clock_gettime(id, &ts) == 0 && id == CLOCK_MONOTONIC && id != CLOCK_REALTIME));
    struct rlimit rl;
    TRY("getrlimit(RLIMIT_NOFILE)", getrlimit(RLIMIT_NOFILE, &rl));
    printf("open files: cur > 0 and cur <= max: %s\n", yesno(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max));
    TRY("setrlimit to the same", setrlimit(RLIMIT_NOFILE, &rl));
    TRY("getrlimit(99)", getrlimit(99, &rl));
    errno = 0;
    printf("getpriority: %d, errno %s\n", getpriority(PRIO_PROCESS, 0), errname(errno));
    TRY("setpriority(0)", setpriority(PRIO_PROCESS, 0, 0));
    TRY("setpriority(bad which)", setpriority(99, 0, 0));
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    TRY("setitimer(disarm)", setitimer(ITIMER_REAL, &off, &old));
    TRY("getitimer", getitimer(ITIMER_REAL, &old));
    printf("no timer armed: %s\n", yesno(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0));
    TRY("getitimer(bad)", getitimer(99, &old));
    char host[256];
    TRY("gethostname", gethostname(host, sizeof host));
    TRY("gethostname(1 byte)", gethostname(host, 1));
    int ps = getpagesize();
    printf("page size a power of two: %s\n", yesno(ps > 0 && (ps & (ps - 1)) == 0));
    printf("512 KiB on the stack: %d\n", deep(20));
    tzset();
    time_t t = 86400 * 365;
    struct tm tm;
    gmtime_r(&t, &tm);
    printf("tzset, then gmtime: %d-%02d-%02d\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
#ifdef EHOSTDOWN
    printf("EHOSTDOWN, ESHUTDOWN defined: %s\n", yesno(EHOSTDOWN != ESHUTDOWN));
#endif
    return 0;
}
