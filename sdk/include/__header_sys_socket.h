/* Arca SDK: wasi-libc's internal socket header, replaced by the overlay's <sys/socket.h>. */
#include <sys/socket.h>
