/* errnos.c - errno reporting: one representative failing call per common
 * errno, printed by name from our own table (common.h) next to the name
 * Linux gives, so glibc-vs-wasi-libc numbering and strerror texts do not
 * matter. Also: errno is untouched by a successful call that follows, and
 * strerror/perror produce some text (not compared).
 *
 * Covers how the runtime's WASI errno results map back through wasi-libc.
 */
#include "common.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void expect(const char *label, long r, int want) {
    int e = errno;
    if (r >= 0) printf("%-40s -> success (want %s)\n", label, errname(want));
    else printf("%-40s -> %s%s\n", label, errname(e), e == want ? "" : " (unexpected)");
}
#define EXPECT(label, expr, want) (errno = 0, expect((label), (long)(expr), (want)))

int main(void) {
    char buf[16];
    int fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "abc", 3);
    mkdir("dir", 0755);
    mkdir("full", 0755);
    close(open("full/x", O_WRONLY | O_CREAT, 0644));
    symlink("loop", "loop");
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;

    EXPECT("open missing", open("missing", O_RDONLY), ENOENT);
    EXPECT("open missing/x", open("missing/x", O_RDONLY), ENOENT);
    EXPECT("open file/x", open("file/x", O_RDONLY), ENOTDIR);
    EXPECT("open dir O_WRONLY", open("dir", O_WRONLY), EISDIR);
    EXPECT("open O_EXCL existing", open("file", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    EXPECT("open loop", open("loop", O_RDONLY), ELOOP);
    EXPECT("open 399-char name", open(longname, O_RDONLY), ENAMETOOLONG);
    EXPECT("mkdir existing", mkdir("dir", 0755), EEXIST);
    EXPECT("rmdir non-empty", rmdir("full"), ENOTEMPTY);
    EXPECT("rmdir file", rmdir("file"), ENOTDIR);
    EXPECT("unlink dir", unlink("dir"), EISDIR);
    EXPECT("read bad fd", read(999, buf, 1), EBADF);
    int closed = open("file", O_RDONLY);
    close(closed);
    EXPECT("read closed fd", read(closed, buf, 1), EBADF);
    EXPECT("read fd -1", read(-1, buf, 1), EBADF);
    EXPECT("lseek negative", lseek(fd, -10, SEEK_SET), EINVAL);
    EXPECT("lseek stdin pipe", lseek(0, 0, SEEK_CUR), ESPIPE);
    EXPECT("ftruncate negative", ftruncate(fd, -1), EINVAL);

    /* a successful call does not clear errno */
    errno = 0;
    open("missing", O_RDONLY);
    int saved = errno;
    lseek(fd, 0, SEEK_SET);
    printf("errno kept across success: %s\n", yesno(errno == saved && saved == ENOENT));

    const char *s = strerror(ENOENT);
    printf("strerror(ENOENT) non-empty: %s\n", yesno(s && *s));
    errno = ENOENT;
    perror("perror to stderr");
    close(fd);
    return 0;
}
