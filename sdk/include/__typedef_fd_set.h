/* Arca SDK: Linux's fd_set, a bit mask of FD_SETSIZE descriptors (wasi-libc's is a list of
   descriptors, which code that touches fds_bits or copies part of a set does not expect). */
#ifndef __wasilibc___typedef_fd_set_h
#define __wasilibc___typedef_fd_set_h
#include <__macro_FD_SETSIZE.h>
typedef unsigned long fd_mask;
typedef struct {
    unsigned long fds_bits[FD_SETSIZE / 8 / sizeof(long)];
} fd_set;
#endif
