/* Arca SDK overlay: wasi-libc's <errno.h> plus the socket errors of Linux that WASI's errno list
   lacks. Arca's kernel never returns them (each has a WASI neighbour it returns instead, e.g.
   EHOSTUNREACH, EPIPE, EPROTONOSUPPORT); programs only compare errno against them (nginx's
   connection errors list EHOSTDOWN). Linux's values, which lie outside WASI's range (0..76). */
#ifndef _ARCA_ERRNO_H
#define _ARCA_ERRNO_H
#include_next <errno.h>
#ifndef ESOCKTNOSUPPORT
#define ESOCKTNOSUPPORT 94
#endif
#ifndef EPFNOSUPPORT
#define EPFNOSUPPORT 96
#endif
#ifndef ESHUTDOWN
#define ESHUTDOWN 108
#endif
#ifndef ETOOMANYREFS
#define ETOOMANYREFS 109
#endif
#ifndef EHOSTDOWN
#define EHOSTDOWN 112
#endif
/* C compiled without -pthread reaches errno through a function, as glibc's <errno.h> does: such an
   object may be linked into a threaded program (configure scripts compile without -pthread and
   link with -lpthread), whose C library keeps errno per thread, and an object built without atomics
   cannot address a thread-local itself (docs/threads.md). */
#if !defined(_REENTRANT) && !defined(__cplusplus)
int *__errno_location(void);
#undef errno
#define errno (*__errno_location())
#endif
#endif
