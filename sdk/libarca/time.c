/* Time zones and interval timers.
   tzset: WASI has no time zone tables, and wasi-libc's localtime is UTC whatever TZ says, so there
   is nothing to load; programs call it before strftime or localtime (lighttpd, nginx).
   Interval timers: ITIMER_REAL is the kernel's (sig_alarm: SIGALRM when it expires); alarm() is
   setitimer(ITIMER_REAL) in whole seconds. ITIMER_VIRTUAL and ITIMER_PROF are the kernel's too
   (sig_cputimer: SIGVTALRM and SIGPROF, in the process's CPU time; until 2026-12-05 they were not
   kept and arming one failed with ENOSYS). */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include "arca_abi.h"

_Static_assert(ITIMER_VIRTUAL == ARCA_ITIMER_VIRTUAL && ITIMER_PROF == ARCA_ITIMER_PROF, "setitimer's timer numbers are the ABI's");

void tzset(void) {}

static int valid_timer(int which) {
    if (which == ITIMER_REAL || which == ITIMER_VIRTUAL || which == ITIMER_PROF) return 1;
    errno = EINVAL;
    return 0;
}

static int64_t to_ns(struct timeval tv) {
    return (int64_t)tv.tv_sec * 1000000000LL + (int64_t)tv.tv_usec * 1000LL;
}

static struct timeval from_ns(int64_t ns) {
    /* round up, as Linux does: a timer with time left never reads as disarmed */
    int64_t us = (ns + 999) / 1000;
    struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
    return tv;
}

int getitimer(int which, struct itimerval *value) {
    if (!valid_timer(which)) return -1;
    memset(value, 0, sizeof *value);
    int64_t left, interval;
    int32_t err = which == ITIMER_REAL ? __arca_sig_alarm(-1, 0, &left, &interval) /* -1: read only */
                                       : __arca_sig_cputimer(which, -1, 0, &left, &interval);
    if (err) {
        errno = err;
        return -1;
    }
    value->it_value = from_ns(left);
    value->it_interval = from_ns(interval);
    return 0;
}

int setitimer(int which, const struct itimerval *restrict value, struct itimerval *restrict old) {
    if (!valid_timer(which)) return -1;
    if (value->it_value.tv_sec < 0 || value->it_value.tv_usec < 0 || value->it_value.tv_usec >= 1000000
        || value->it_interval.tv_sec < 0 || value->it_interval.tv_usec < 0 || value->it_interval.tv_usec >= 1000000) {
        errno = EINVAL;
        return -1;
    }
    int64_t left, interval;
    int32_t err = which == ITIMER_REAL ? __arca_sig_alarm(to_ns(value->it_value), to_ns(value->it_interval), &left, &interval)
                                       : __arca_sig_cputimer(which, to_ns(value->it_value), to_ns(value->it_interval), &left, &interval);
    if (err) {
        errno = err;
        return -1;
    }
    if (old) {
        old->it_value = from_ns(left);
        old->it_interval = from_ns(interval);
    }
    return 0;
}

unsigned alarm(unsigned seconds) {
    int64_t left, interval;
    if (__arca_sig_alarm((int64_t)seconds * 1000000000LL, 0, &left, &interval) != 0) return 0;
    /* the seconds left of the previous alarm, rounded to nearest as glibc does (at least 1) */
    if (left <= 0) return 0;
    unsigned s = (unsigned)((left + 500000000LL) / 1000000000LL);
    return s == 0 ? 1 : s;
}

/* gettimeofday with a timezone argument: zeroed (UTC, no DST), as glibc and Linux write it;
   wasi-libc's leaves it unwritten, and programs that read it (Redis's log timestamps) read
   garbage. The time is CLOCK_REALTIME's, which comes from the untrusted host. */
int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    if (tz) {
        struct timezone *z = tz;
        z->tz_minuteswest = 0;
        z->tz_dsttime = 0;
    }
    if (tv) {
        struct timespec ts;
        if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return 0;
}

/* clock_nanosleep, and so nanosleep, sleep and usleep, which wasi-libc builds on it: a wait on a
   clock subscription (poll_oneoff), as wasi-libc's, but an interruption by a signal's handler is
   EINTR with the time left in *rem for a relative sleep, as on Linux (whatever SA_RESTART says);
   wasi-libc reports every failure as ENOTSUP and never fills *rem. Until 2026-12-07 the kernel
   also slept on through signals (tests/c/alarm.c). */
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
    __wasi_clockid_t id;
    if (clock == CLOCK_REALTIME) id = __WASI_CLOCKID_REALTIME;
    else if (clock == CLOCK_MONOTONIC) id = __WASI_CLOCKID_MONOTONIC;
    else if (clock == CLOCK_PROCESS_CPUTIME_ID) id = __WASI_CLOCKID_PROCESS_CPUTIME_ID;
    else if (clock == CLOCK_THREAD_CPUTIME_ID) id = __WASI_CLOCKID_THREAD_CPUTIME_ID;
    else return EINVAL;
    if ((flags & ~TIMER_ABSTIME) != 0 || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) return EINVAL;
    __wasi_timestamp_t timeout = (uint64_t)req->tv_sec > UINT64_MAX / 1000000000u - 1
                                     ? UINT64_MAX
                                     : (uint64_t)req->tv_sec * 1000000000u + (uint64_t)req->tv_nsec;
    __wasi_timestamp_t start = 0;
    int relative = !(flags & TIMER_ABSTIME);
    if (relative && rem && __wasi_clock_time_get(id, 1, &start) != 0) start = 0;
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = id;
    sub.u.u.clock.timeout = timeout;
    sub.u.u.clock.flags = relative ? 0 : __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    __wasi_event_t ev;
    __wasi_size_t n;
    __wasi_errno_t err = __wasi_poll_oneoff(&sub, &ev, 1, &n);
    if (err == 0) err = ev.error;
    if (err == 0) return 0;
    if (err != __WASI_ERRNO_INTR) return err == __WASI_ERRNO_INVAL ? EINVAL : ENOTSUP;
    if (relative && rem) {
        __wasi_timestamp_t now = start, elapsed;
        if (start != 0) __wasi_clock_time_get(id, 1, &now);
        elapsed = now - start;
        __wasi_timestamp_t left = start != 0 && elapsed < timeout ? timeout - elapsed : (start != 0 ? 0 : timeout);
        rem->tv_sec = (time_t)(left / 1000000000u);
        rem->tv_nsec = (long)(left % 1000000000u);
    }
    return EINTR;
}
