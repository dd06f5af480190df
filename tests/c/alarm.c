/* alarm: alarm() and setitimer(ITIMER_REAL) send SIGALRM: a handler runs and pause() returns
 * EINTR; alarm returns the seconds left of the one it replaces; an interval timer fires
 * repeatedly until disarmed; getitimer reads it; a blocking read is interrupted (EINTR without
 * SA_RESTART), and so is a sleep (nanosleep: EINTR whatever SA_RESTART says, as Linux; Arca
 * slept on through signals until 2026-12-07); a child that gets SIGALRM with no handler dies of
 * it; bad timers are EINVAL. */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;
static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static long ms_since(struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(int argc, char **argv) {
    if (argc > 1) { /* child: no handler; SIGALRM's default action ends it */
        alarm(1);
        for (;;) pause();
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    TRY("sigaction", sigaction(SIGALRM, &sa, NULL));

    /* 1. alarm + pause */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    printf("alarm(1) returns %u\n", alarm(1));
    int r = pause();
    long took = ms_since(&t0);
    printf("pause: %d %s, alarms %d, after about 1 s: %s\n", r, errname(errno), alarms, yesno(took >= 900 && took < 3000));

    /* 2. alarm returns what is left of the one it replaces */
    alarm(10);
    printf("alarm(5) after alarm(10) returns %u\n", alarm(5));
    printf("alarm(0) returns %u\n", alarm(0));

    /* 3. an interval timer: 3 expiries, then disarmed; getitimer sees it */
    alarms = 0;
    struct itimerval it = {{0, 100000}, {0, 100000}}, old, now;
    TRY("setitimer", setitimer(ITIMER_REAL, &it, &old));
    printf("old timer: %ld.%06ld\n", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);
    TRY("getitimer", getitimer(ITIMER_REAL, &now));
    printf("armed: value within 0.1 s %s, interval %ld us\n",
           yesno(now.it_value.tv_sec == 0 && now.it_value.tv_usec > 0 && now.it_value.tv_usec <= 100000), (long)now.it_interval.tv_usec);
    while (alarms < 3) pause();
    memset(&it, 0, sizeof it);
    TRY("disarm", setitimer(ITIMER_REAL, &it, NULL));
    int seen = alarms;
    struct timespec nap = {0, 350000000};
    nanosleep(&nap, NULL);
    printf("expiries: 3 or more %s; none after disarming %s\n", yesno(seen >= 3), yesno(alarms == seen));
    TRY("getitimer", getitimer(ITIMER_REAL, &now));
    printf("disarmed: %ld.%06ld\n", (long)now.it_value.tv_sec, (long)now.it_value.tv_usec);

    /* 4. a blocking read of a pipe is interrupted */
    int p[2];
    TRY("pipe", pipe(p));
    alarm(1);
    char c;
    ssize_t n = read(p[0], &c, 1);
    printf("read: %d %s\n", (int)n, errname(errno));

    /* 4b. a sleep is interrupted, with SA_RESTART too (nanosleep is never restarted) */
    for (int restart = 0; restart < 2; restart++) {
        sa.sa_flags = restart ? SA_RESTART : 0;
        TRY("sigaction", sigaction(SIGALRM, &sa, NULL));
        struct itimerval once = {{0, 0}, {0, 100000}};
        int before = alarms;
        struct timespec t1, two_s = {2, 0}, left = {0, 0};
        clock_gettime(CLOCK_MONOTONIC, &t1);
        TRY("setitimer", setitimer(ITIMER_REAL, &once, NULL));
        errno = 0;
        int r2 = nanosleep(&two_s, &left);
        printf("nanosleep%s: %d %s, handler ran %s, woke within 1 s %s, over 1 s left %s\n", restart ? " (SA_RESTART)" : "", r2,
               errname(errno), yesno(alarms == before + 1), yesno(ms_since(&t1) < 1000), yesno(left.tv_sec >= 1 && left.tv_sec <= 2));
    }
    sa.sa_flags = 0;
    TRY("sigaction", sigaction(SIGALRM, &sa, NULL));
    /* hostile times: nanoseconds out of range or negative seconds are EINVAL at once; a sleep of
       2^40 s (past what 64 bits of nanoseconds hold) is interrupted like any other, with a year
       and more left */
    struct timespec bad_ns = {0, 1000000000}, neg = {-1, 0}, huge = {(time_t)1 << 40, 0}, rest = {0, 0};
    errno = 0;
    int rb = nanosleep(&bad_ns, NULL);
    printf("nanosleep 1e9 ns: %d %s\n", rb, errname(errno));
    errno = 0;
    rb = nanosleep(&neg, NULL);
    printf("nanosleep -1 s: %d %s\n", rb, errname(errno));
    struct itimerval once = {{0, 0}, {0, 100000}};
    TRY("setitimer", setitimer(ITIMER_REAL, &once, NULL));
    errno = 0;
    rb = nanosleep(&huge, &rest);
    printf("nanosleep 2^40 s: %d %s, over a year left %s\n", rb, errname(errno), yesno(rest.tv_sec > 366L * 86400));

    /* 5. no handler: the child dies of SIGALRM */
    char *a[] = {argv[0], "child", NULL};
    pid_t pid;
    TRY("posix_spawn", posix_spawn(&pid, argv[0], NULL, NULL, a, environ));
    int status;
    waitpid(pid, &status, 0);
    printf("child: signaled %s, by SIGALRM %s\n", yesno(WIFSIGNALED(status)), yesno(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM));

    /* 6. bad timers */
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    errno = 0;
    r = setitimer(ITIMER_REAL, &bad, NULL);
    printf("usec 1000000: %d %s\n", r, errname(errno));
    errno = 0;
    r = setitimer(7, &it, NULL);
    printf("which 7: %d %s\n", r, errname(errno));
    return 0;
}
