/* iovec_limits: one read or write transfers at most Linux's MAX_RW_COUNT (2 GiB - 4 KiB), however
 * large the iovecs add up to: twelve iovecs over the same 256 MiB buffer ask for 3 GiB, and
 * readv from /dev/zero and writev to /dev/null return 2147479552. (An answer over 2 GiB would not
 * fit in ssize_t on wasm32; reading 3 GiB would also take a guest's time for nothing.) */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common.h"

#define PART (256u << 20)

int main(void) {
    char *buf = malloc(PART);
    if (!buf) {
        printf("no memory for the buffer\n");
        return 1;
    }
    struct iovec iov[12];
    for (int i = 0; i < 12; i++) iov[i] = (struct iovec){buf, PART};
    int z = open("/dev/zero", O_RDONLY);
    ssize_t n = readv(z, iov, 12);
    printf("readv of 12 x 256 MiB from /dev/zero: %ld\n", (long)n);
    close(z);
    int null = open("/dev/null", O_WRONLY);
    n = writev(null, iov, 12);
    printf("writev of 12 x 256 MiB to /dev/null: %ld\n", (long)n);
    iov[0].iov_len = 10;
    n = writev(null, iov, 1);
    printf("writev of 10 bytes: %ld\n", (long)n);
    close(null);
    return 0;
}
