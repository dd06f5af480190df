/* Arca SDK overlay: wasi-libc's <sys/resource.h> with its emulation switched on (the arca cc driver links
   the emulation library), so that programs that include it build unchanged. */
#ifndef _ARCA_SYS_RESOURCE_H
#define _ARCA_SYS_RESOURCE_H
#ifndef _WASI_EMULATED_PROCESS_CLOCKS
#define _WASI_EMULATED_PROCESS_CLOCKS 1
#endif
#include_next <sys/resource.h>
#endif
