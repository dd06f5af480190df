/* Arca SDK overlay: wasi-libc's <limits.h> plus PIPE_BUF, which wasi-libc leaves out because WASI
   has no pipes. Arca's pipes write up to PIPE_BUF bytes atomically (the kernel's Pipe.PIPE_BUF;
   AbiHeaderTest keeps the two equal). */
#ifndef _ARCA_LIMITS_H
#define _ARCA_LIMITS_H
#include_next <limits.h>
#ifndef PIPE_BUF
#define PIPE_BUF 4096
#endif
#endif
