/* Arca SDK: wasi-libc's sigset_t is one byte, too small for signals 1..31; Arca's is 64 bits.
   No libc.a code takes a sigset_t, so only Arca's libarca sees its layout. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
typedef unsigned long long sigset_t;
#endif
