/* Arca SDK overlay: wasi-libc's <sys/mman.h> with its emulation switched on (the arca cc driver links
   the emulation library), so that programs that include it build unchanged. */
#ifndef _ARCA_SYS_MMAN_H
#define _ARCA_SYS_MMAN_H
#ifndef _WASI_EMULATED_MMAN
#define _WASI_EMULATED_MMAN 1
#endif
#include_next <sys/mman.h>
#endif
