/* Arca SDK: <sys/poll.h> is <poll.h> (wasi-libc's warns about it, which breaks -Werror builds). */
#include <poll.h>
