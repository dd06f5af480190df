/* escape: tries to read files outside the directory it was given; Arca must refuse each. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void attempt(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd >= 0) { printf("  %-28s OPENED (escape!)\n", path); close(fd); return; }
    printf("  %-28s refused: %s\n", path, strerror(errno));
}

int main(void) {
    attempt("/etc/passwd");
    attempt("../../../../etc/passwd");
    symlink("../..", "up");   /* a link that points above the mount */
    attempt("up/etc/passwd");
    unlink("up");
    return 0;
}
