/* What the C library's files share beyond the generated ABI header (arca_abi.h). */
#ifndef ARCA_LIBARCA_H
#define ARCA_LIBARCA_H
#include <stdint.h>
#include "arca_abi.h"

/* An iovec as the socket calls take it: preview1's layout, {pointer, length}. */
struct __arca_iovec { const void *base; uint32_t len; };

/* Whether [p, p+n) lies in linear memory: the C library checks a pointer before it reads through
   it itself, so that a bad one is EFAULT, as from the kernel, and not a trap. */
static inline int __arca_in_memory(const void *p, uint32_t n) {
    uint64_t end = (uint64_t)(uintptr_t)p + n;
    return end <= (uint64_t)__builtin_wasm_memory_size(0) * 65536;
}
#endif
