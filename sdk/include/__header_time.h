/* Arca SDK overlay of wasi-libc's <__header_time.h>: the same declarations, with clockid_t an
   integer (see __typedef_clockid_t.h), so the CLOCK_* constants are integers too (usable in
   initializers and comparisons, as on Linux; not in a switch, since they are addresses). */
#ifndef __wasilibc___header_time_h
#define __wasilibc___header_time_h

#define __need_size_t
#define __need_NULL
#include <stddef.h>

#include <__typedef_time_t.h>
#include <__struct_timespec.h>
#include <__struct_tm.h>
#include <__typedef_clockid_t.h>

#include <wasi/api.h>

#define TIMER_ABSTIME __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME

extern const struct __clockid _CLOCK_MONOTONIC;
#define CLOCK_MONOTONIC ((clockid_t)(__INTPTR_TYPE__)&_CLOCK_MONOTONIC)
extern const struct __clockid _CLOCK_PROCESS_CPUTIME_ID;
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)(__INTPTR_TYPE__)&_CLOCK_PROCESS_CPUTIME_ID)
extern const struct __clockid _CLOCK_REALTIME;
#define CLOCK_REALTIME ((clockid_t)(__INTPTR_TYPE__)&_CLOCK_REALTIME)
extern const struct __clockid _CLOCK_THREAD_CPUTIME_ID;
#define CLOCK_THREAD_CPUTIME_ID ((clockid_t)(__INTPTR_TYPE__)&_CLOCK_THREAD_CPUTIME_ID)

/* TIME_UTC is the only standardized time base value. */
#define TIME_UTC 1

/* XSI specifies CLOCKS_PER_SEC as 1000000; wasi-libc's clock() counts nanoseconds. */
#define CLOCKS_PER_SEC ((clock_t)1000000000)

/* WASI has no time zone tables: local time is UTC, and tzset (libarca) has nothing to load. */
void tzset(void);

#endif
