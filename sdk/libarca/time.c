/* tzset: WASI has no time zone tables, and wasi-libc's localtime is UTC whatever TZ says, so there
   is nothing to load; programs call it before strftime or localtime (lighttpd, nginx). */
#include <time.h>

void tzset(void) {}
