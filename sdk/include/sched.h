/* Arca SDK overlay: wasi-libc's <sched.h> (sched_yield) plus the scheduling names threaded programs
   pass to pthread_attr_setschedparam and friends. Arca has one policy (SCHED_OTHER, priority 0);
   sched_getcpu and the CPU sets are absent, as WASI cannot tell which processor runs a thread. */
#ifndef _ARCA_SCHED_H
#define _ARCA_SCHED_H
#include_next <sched.h>
#ifdef __cplusplus
extern "C" {
#endif
#ifndef SCHED_OTHER
struct sched_param {
    int sched_priority;
};
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
int sched_get_priority_max(int);
int sched_get_priority_min(int);
int sched_getscheduler(pid_t);
int sched_setscheduler(pid_t, int, const struct sched_param *);
int sched_getparam(pid_t, struct sched_param *);
int sched_setparam(pid_t, const struct sched_param *);
#endif
#ifdef __cplusplus
}
#endif
#endif
