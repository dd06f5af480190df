/* clocks.c - clock_gettime for REALTIME/MONOTONIC/PROCESS_CPUTIME_ID/
 * THREAD_CPUTIME_ID, clock_getres, time()/gettimeofday() agreement,
 * nanosleep and clock_nanosleep (relative and TIMER_ABSTIME), sched_yield.
 *
 * WASI calls covered: clock_time_get, clock_res_get, poll_oneoff with clock
 * subscriptions (relative and abstime), sched_yield.
 * Only derived facts are printed (monotonic? elapsed >= requested?).
 */
#include "common.h"
#include <sched.h>
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long now(clockid_t c) {
    struct timespec t;
    if (clock_gettime(c, &t) != 0) return -1;
    return ns(t);
}

static void check_clock(const char *name, clockid_t c) {
    struct timespec t, r;
    errno = 0;
    int ok = clock_gettime(c, &t) == 0;
    printf("%s gettime: %s\n", name, ok ? "ok" : errname(errno));
    if (!ok) return;
    printf("  tv_nsec in range: %s\n", yesno(t.tv_nsec >= 0 && t.tv_nsec < 1000000000L));
    printf("  non-negative: %s\n", yesno(t.tv_sec >= 0));
    long long prev = ns(t), backwards = 0;
    for (int i = 0; i < 10000; i++) {
        long long n = now(c);
        if (n < prev) backwards++;
        prev = n;
    }
    printf("  non-decreasing over 10000 reads: %s\n", yesno(backwards == 0));
    errno = 0;
    ok = clock_getres(c, &r) == 0;
    printf("  getres: %s\n", ok ? "ok" : errname(errno));
    if (ok) printf("  0 < res <= 1s: %s\n", yesno(ns(r) > 0 && ns(r) <= 1000000000LL));
}

int main(void) {
    check_clock("REALTIME", CLOCK_REALTIME);
    check_clock("MONOTONIC", CLOCK_MONOTONIC);
    check_clock("PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID);
    check_clock("THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID);

    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    printf("REALTIME after 2020-01-01: %s\n", yesno(t.tv_sec > 1577836800LL));
    printf("REALTIME before 2100-01-01: %s\n", yesno(t.tv_sec < 4102444800LL));
    time_t tt = time(NULL);
    printf("time() agrees with REALTIME (±2s): %s\n", yesno(tt - t.tv_sec >= -2 && tt - t.tv_sec <= 2));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday agrees (±2s): %s, usec in range: %s\n",
           yesno(tv.tv_sec - t.tv_sec >= -2 && tv.tv_sec - t.tv_sec <= 2),
           yesno(tv.tv_usec >= 0 && tv.tv_usec < 1000000));

    /* CPU time advances with work */
    long long c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 50000000UL; i++) x += i;
    long long c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    printf("process cputime advanced after busy loop: %s\n", yesno(c1 > c0));

    /* nanosleep 10ms */
    long long m0 = now(CLOCK_MONOTONIC);
    struct timespec req = {0, 10000000}, rem = {0, 0};
    TRY("nanosleep 10ms", nanosleep(&req, &rem));
    long long el = now(CLOCK_MONOTONIC) - m0;
    printf("  elapsed >= 10ms: %s, < 5s: %s\n", yesno(el >= 10000000LL), yesno(el < 5000000000LL));
    struct timespec badreq = {0, 1000000000L};
    TRY("nanosleep bad nsec", nanosleep(&badreq, NULL));
    struct timespec zero = {0, 0};
    TRY("nanosleep 0", nanosleep(&zero, NULL));

    /* clock_nanosleep relative and absolute (returns the error, not -1/errno) */
    m0 = now(CLOCK_MONOTONIC);
    int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    el = now(CLOCK_MONOTONIC) - m0;
    printf("clock_nanosleep relative 10ms: %s, elapsed >= 10ms: %s\n", errname(r), yesno(el >= 10000000LL));
    m0 = now(CLOCK_MONOTONIC);
    struct timespec until = {(m0 + 20000000LL) / 1000000000LL, (m0 + 20000000LL) % 1000000000LL};
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    el = now(CLOCK_MONOTONIC) - m0;
    printf("clock_nanosleep abstime +20ms: %s, elapsed >= 20ms: %s, < 5s: %s\n",
           errname(r), yesno(el >= 20000000LL), yesno(el < 5000000000LL));
    struct timespec past = {0, 1};
    m0 = now(CLOCK_MONOTONIC);
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL);
    el = now(CLOCK_MONOTONIC) - m0;
    printf("clock_nanosleep abstime in the past: %s, returned within 1s: %s\n", errname(r), yesno(el < 1000000000LL));
    clock_gettime(CLOCK_REALTIME, &t);
    long long rt0 = ns(t) + 15000000LL;
    struct timespec until_rt = {rt0 / 1000000000LL, rt0 % 1000000000LL};
    r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until_rt, NULL);
    printf("clock_nanosleep REALTIME abstime +15ms: %s, reached: %s\n", errname(r),
           yesno(now(CLOCK_REALTIME) >= rt0));

    TRY("sched_yield", sched_yield());
    return 0;
}
