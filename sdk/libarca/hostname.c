/* gethostname: wasi-libc declares it and has no body. The name is uname's nodename, so the two
   agree (wasi-libc's uname says "(none)", as Linux does for a host that was never named). As glibc:
   a buffer too small gets the truncated name and ENAMETOOLONG. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int gethostname(char *name, size_t len) {
    struct utsname u;
    if (uname(&u) != 0) return -1;
    size_t n = strlen(u.nodename);
    if (n + 1 > len) {
        if (len > 0) memcpy(name, u.nodename, len);
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(name, u.nodename, n + 1);
    return 0;
}
