/* Arca SDK: the FD_* macros for the bit-mask fd_set of the overlay, as Linux has them. */
#ifndef __wasilibc___fd_set_h
#define __wasilibc___fd_set_h
#include <__typedef_fd_set.h>
#define NFDBITS (8 * (int)sizeof(long))
#define FD_ZERO(s) do { int __i; unsigned long *__b = (s)->fds_bits; \
    for (__i = sizeof(fd_set) / sizeof(long); __i; __i--) *__b++ = 0; } while (0)
#define FD_SET(d, s) ((s)->fds_bits[(d) / (8 * sizeof(long))] |= (1UL << ((d) % (8 * sizeof(long)))))
#define FD_CLR(d, s) ((s)->fds_bits[(d) / (8 * sizeof(long))] &= ~(1UL << ((d) % (8 * sizeof(long)))))
#define FD_ISSET(d, s) !!((s)->fds_bits[(d) / (8 * sizeof(long))] & (1UL << ((d) % (8 * sizeof(long)))))
#define FD_COPY(from, to) (*(to) = *(from))
#endif
