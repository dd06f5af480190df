/* Arca SDK overlay: wasi-libc's <sys/time.h> plus the interval timer calls. ITIMER_REAL is the
   kernel's (SIGALRM); the CPU-time timers are not kept (sdk/libarca/time.c). */
#ifndef _ARCA_SYS_TIME_H
#define _ARCA_SYS_TIME_H
#include_next <sys/time.h>
#ifdef __cplusplus
extern "C" {
#endif
#ifndef ITIMER_REAL
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
struct itimerval {
    struct timeval it_interval;
    struct timeval it_value;
};
#endif
int getitimer(int, struct itimerval *);
int setitimer(int, const struct itimerval *__restrict, struct itimerval *__restrict);
#ifdef __cplusplus
}
#endif
#endif
