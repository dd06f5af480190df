/* Time zones and interval timers.
   tzset: WASI has no time zone tables, and wasi-libc's localtime is UTC whatever TZ says, so there
   is nothing to load; programs call it before strftime or localtime (lighttpd, nginx).
   Interval timers: Arca has none. getitimer reports the timer disarmed (which it is); setitimer
   can disarm (a zero it_value) and fails with ENOSYS for a timer that would fire, so a program
   never waits for a SIGALRM that cannot come. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

void tzset(void) {}

static int valid_timer(int which) {
    if (which == ITIMER_REAL || which == ITIMER_VIRTUAL || which == ITIMER_PROF) return 1;
    errno = EINVAL;
    return 0;
}

int getitimer(int which, struct itimerval *value) {
    if (!valid_timer(which)) return -1;
    memset(value, 0, sizeof *value);
    return 0;
}

int setitimer(int which, const struct itimerval *restrict value, struct itimerval *restrict old) {
    if (!valid_timer(which)) return -1;
    if (value->it_value.tv_sec != 0 || value->it_value.tv_usec != 0) {
        errno = ENOSYS;
        return -1;
    }
    if (old) memset(old, 0, sizeof *old);
    return 0;
}
