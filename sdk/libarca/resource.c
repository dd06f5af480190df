/* getrlimit and setrlimit: the limits are the instance's (manifest or flags), enforced by the
   kernel and read with proc_getrlimit; a guest cannot change them, so setrlimit succeeds only when
   it asks for what is already in force (EPERM otherwise). getpriority and setpriority: Arca has no
   scheduling priorities; every process has the default, 0, and cannot change it (EPERM). */
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>
#include "libarca.h"

ARCA_IMPORT(proc_getrlimit) int32_t __arca_proc_getrlimit(int32_t resource, uint64_t *out);

int getrlimit(int resource, struct rlimit *rl) {
    if (!__arca_in_memory(rl, sizeof *rl)) {
        errno = EFAULT;
        return -1;
    }
    uint64_t v[2];
    int32_t err = __arca_proc_getrlimit(resource, v);
    if (err) {
        errno = err;
        return -1;
    }
    rl->rlim_cur = v[0];
    rl->rlim_max = v[1];
    return 0;
}

int setrlimit(int resource, const struct rlimit *rl) {
    struct rlimit now;
    if (getrlimit(resource, &now) != 0) return -1;
    if (!__arca_in_memory(rl, sizeof *rl)) {
        errno = EFAULT;
        return -1;
    }
    if (rl->rlim_cur > rl->rlim_max) {
        errno = EINVAL;
        return -1;
    }
    if (rl->rlim_cur != now.rlim_cur || rl->rlim_max != now.rlim_max) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

static int check_who(int which, id_t who) {
    (void)who;
    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int getpriority(int which, id_t who) {
    if (check_who(which, who) != 0) return -1;
    errno = 0;
    return 0;
}

int setpriority(int which, id_t who, int prio) {
    if (check_who(which, who) != 0) return -1;
    if (prio == 0) return 0;
    errno = EPERM;
    return -1;
}

/* The page size is WebAssembly's: memory grows in pages of 64 KiB (what sysconf says too). */
int getpagesize(void) {
    return (int)sysconf(_SC_PAGESIZE);
}
