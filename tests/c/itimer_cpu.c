/* itimer_cpu: the CPU-time interval timers. ITIMER_PROF fires SIGPROF every period of CPU time
 * used, ITIMER_VIRTUAL fires SIGVTALRM once for a one-shot setting, neither advances while the
 * process sleeps; getitimer reads them back, disarming returns what was left, a bad timer is
 * EINVAL, and the default action of SIGPROF ends a process (shown in a child). */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;
static volatile sig_atomic_t prof, vt;
static volatile unsigned long sink;

static void on_prof(int sig) {
    (void)sig;
    prof++;
}

static void on_vt(int sig) {
    (void)sig;
    vt++;
}

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Burns CPU until *flag reaches want, or 20 s of wall time pass; makes a system call now and then
   (a guest's signals arrive at system calls). */
static int burn_until(volatile sig_atomic_t *flag, int want) {
    double end = wall() + 20;
    while (*flag < want) {
        for (int i = 0; i < 100000; i++) sink += (unsigned long)i * 2654435761u;
        if (wall() > end) return 0;
    }
    return 1;
}

static void burn_cpu_ms(int ms) {
    struct timespec t0, t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    do {
        for (int i = 0; i < 100000; i++) sink += (unsigned long)i * 2654435761u;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

int main(int argc, char **argv) {
    if (argc > 1) { /* the child: SIGPROF at its default ends it */
        struct itimerval one = {{0, 0}, {0, 20000}};
        setitimer(ITIMER_PROF, &one, NULL);
        burn_cpu_ms(5000);
        printf("child: still running after 5 s of CPU\n");
        return 0;
    }
    signal(SIGPROF, on_prof);
    signal(SIGVTALRM, on_vt);
    struct itimerval now, old;
    getitimer(ITIMER_PROF, &now);
    printf("PROF at start: disarmed %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);

    struct itimerval every = {{0, 10000}, {0, 10000}}; /* 10 ms of CPU, every 10 ms */
    printf("arm PROF: %s\n", setitimer(ITIMER_PROF, &every, NULL) == 0 ? "ok" : errname(errno));
    getitimer(ITIMER_PROF, &now);
    /* Linux rounds the value up to its tick (10 ms may read as 12): between 0 and 20 ms */
    printf("PROF reads back: interval 10 ms %d, value in (0, 20 ms] %d\n", now.it_interval.tv_sec == 0 && now.it_interval.tv_usec == 10000,
           now.it_value.tv_sec == 0 && now.it_value.tv_usec > 0 && now.it_value.tv_usec <= 20000);
    printf("SIGPROF 5 times while burning CPU: %s\n", burn_until(&prof, 5) ? "yes" : "no");
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, &old);
    printf("disarmed PROF had time left %d, interval 10 ms %d\n", old.it_value.tv_sec > 0 || old.it_value.tv_usec > 0,
           old.it_interval.tv_usec == 10000);
    int after = prof;
    burn_cpu_ms(50);
    printf("no SIGPROF once disarmed: %d\n", prof == after);

    struct itimerval once = {{0, 0}, {0, 20000}}; /* 20 ms of CPU, once */
    setitimer(ITIMER_VIRTUAL, &once, NULL);
    struct timespec nap = {0, 200000000};
    nanosleep(&nap, NULL); /* no CPU used: no expiry */
    printf("no SIGVTALRM while sleeping: %d\n", vt == 0);
    printf("SIGVTALRM once CPU was used: %s\n", burn_until(&vt, 1) ? "yes" : "no");
    burn_cpu_ms(60);
    printf("one-shot VIRTUAL fired once: %d\n", vt == 1);
    getitimer(ITIMER_VIRTUAL, &now);
    printf("VIRTUAL disarmed after it fired: %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);

    printf("setitimer(7): %s\n", setitimer(7, &once, NULL) == 0 ? "ok?" : errname(errno));
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    printf("setitimer with 1000000 us: %s\n", setitimer(ITIMER_PROF, &bad, NULL) == 0 ? "ok?" : errname(errno));

    char *a[] = {argv[0], "child", NULL};
    pid_t pid;
    signal(SIGPROF, SIG_DFL); /* the child starts at the default anyway: handlers are not inherited */
    if (posix_spawn(&pid, argv[0], NULL, NULL, a, environ) != 0) return 1;
    int st;
    waitpid(pid, &st, 0);
    printf("child ended by SIGPROF: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGPROF);
    return 0;
}
