/* errno for code compiled without -pthread (<errno.h>): the C library's errno, which is per thread
   in a threaded program. */
#include <errno.h>
#undef errno

int *__errno_location(void) {
    return &errno;
}
