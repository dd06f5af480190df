/* links.c - symlink/readlink/link/lstat, dangling symlinks, ELOOP loops,
 * O_NOFOLLOW, hard link counts, unlinking links.
 *
 * WASI calls covered: path_symlink, path_readlink, path_link,
 * path_filestat_get with and without SYMLINK_FOLLOW, path_open with and
 * without SYMLINK_FOLLOW, path_unlink_file on symlinks.
 * Only relative symlink targets are used: an absolute target means the host
 * root natively but is outside the sandbox under WASI.
 */
#include "common.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void rl(const char *path) {
    char buf[256];
    errno = 0;
    ssize_t n = readlink(path, buf, sizeof buf);
    if (n < 0) printf("readlink %s: %s\n", path, errname(errno));
    else printf("readlink %s: [%.*s]\n", path, (int)n, buf);
}

static void st(const char *label, const char *path, int follow) {
    struct stat s;
    errno = 0;
    int r = follow ? stat(path, &s) : lstat(path, &s);
    if (r < 0) { printf("%s %s: %s\n", label, path, errname(errno)); return; }
    const char *t = S_ISLNK(s.st_mode) ? "symlink" : S_ISDIR(s.st_mode) ? "directory"
                  : S_ISREG(s.st_mode) ? "regular" : "other";
    printf("%s %s: %s", label, path, t);
    if (!S_ISDIR(s.st_mode)) printf(" size=%lld", (long long)s.st_size);
    if (S_ISREG(s.st_mode)) printf(" nlink=%lu", (unsigned long)s.st_nlink);
    printf("\n");
}

static void cat(const char *path) {
    char buf[64];
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("cat %s: %s\n", path, errname(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    printf("cat %s: [%.*s]\n", path, (int)(n > 0 ? n : 0), buf);
}

int main(void) {
    int fd = open("target.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "target data", 11);
    close(fd);
    mkdir("dir", 0755);
    fd = open("dir/inner.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "inner", 5);
    close(fd);

    /* symlinks to files and dirs, relative targets */
    TRY("symlink target.txt <- ln", symlink("target.txt", "ln"));
    TRY("symlink dir <- lndir", symlink("dir", "lndir"));
    TRY("symlink ../target.txt <- dir/up", symlink("../target.txt", "dir/up"));
    TRY("symlink again (EEXIST)", symlink("x", "ln"));
    TRY("symlink into missing dir", symlink("x", "nodir/ln"));
    rl("ln");
    rl("lndir");
    rl("dir/up");
    rl("target.txt");
    rl("missing");
    st("stat", "ln", 1);
    st("lstat", "ln", 0);
    st("lstat", "lndir", 0);
    st("stat", "lndir", 1);
    cat("ln");
    cat("lndir/inner.txt");
    cat("dir/up");
    cat("lndir/up");

    /* readlink with a short buffer truncates silently */
    char small[4];
    errno = 0;
    ssize_t n = readlink("ln", small, sizeof small);
    printf("readlink short buffer: %zd [%.*s] %s\n", n, (int)(n > 0 ? n : 0), small, errname(errno));

    /* dangling symlink */
    TRY("symlink nowhere <- dangling", symlink("nowhere", "dangling"));
    st("stat", "dangling", 1);
    st("lstat", "dangling", 0);
    rl("dangling");
    cat("dangling");
    fd = TRY("open O_CREAT through dangling", open("dangling", O_WRONLY | O_CREAT, 0644));
    if (fd >= 0) { write(fd, "made", 4); close(fd); }
    st("stat", "nowhere", 1);
    unlink("nowhere");

    /* loops */
    TRY("symlink loop_a <- loop_b", symlink("loop_a", "loop_b"));
    TRY("symlink loop_b <- loop_a", symlink("loop_b", "loop_a"));
    TRY("symlink self <- self", symlink("self", "self"));
    cat("loop_a");
    cat("self");
    st("stat", "loop_a", 1);
    st("lstat", "loop_a", 0);
    TRY("mkdir self/x", mkdir("self/x", 0755));

    /* O_NOFOLLOW on a symlink fails with ELOOP; on a regular file it works */
    TRY("open ln O_NOFOLLOW", open("ln", O_RDONLY | O_NOFOLLOW));
    fd = TRY("open target.txt O_NOFOLLOW", open("target.txt", O_RDONLY | O_NOFOLLOW));
    close(fd);

    /* hard links */
    TRY("link target.txt -> hard", link("target.txt", "hard"));
    st("stat", "target.txt", 1);
    st("stat", "hard", 1);
    TRY("link again (EEXIST)", link("target.txt", "hard"));
    TRY("link missing", link("missing", "hard2"));
    TRY("link dir (EPERM)", link("dir", "dirlink"));
    fd = open("hard", O_WRONLY | O_APPEND);
    write(fd, "!", 1);
    close(fd);
    cat("target.txt");
    TRY("unlink target.txt", unlink("target.txt"));
    st("stat", "hard", 1);
    cat("hard");
    st("stat", "ln", 1);   /* now dangling */

    /* unlinking a symlink leaves its target alone */
    TRY("unlink lndir", unlink("lndir"));
    st("stat", "dir", 1);
    TRY("rmdir through symlink dir/up", rmdir("dir/up"));
    TRY("rename ln -> ln2", rename("ln", "ln2"));
    rl("ln2");
    return 0;
}
