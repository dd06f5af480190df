/* removed_dirs.c - the cases where Arca's file systems once disagreed, as Linux decides them:
 * a removed directory (rmdir, or replaced by rename) held by a descriptor takes no new entries
 * (ENOENT for create, mkdir, symlink, link, rename into it; readdir too) and has nlink 0;
 * a symbolic link's size is its target's bytes; names over 255 bytes are ENAMETOOLONG, counted
 * in bytes, not characters; rename into itself, onto an ancestor, onto itself, onto another
 * name of the same file; a directory's nlink counts its subdirectories.
 *
 * WASI calls covered: path_open (O_DIRECTORY, O_CREAT), path_create_directory, path_symlink,
 * path_link, path_rename, path_unlink_file, path_remove_directory, fd_readdir,
 * fd_filestat_get, path_filestat_get.
 */
#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void nlink(const char *label, int fd) {
    struct stat st;
    if (fstat(fd, &st) < 0) { printf("%s: fstat %s\n", label, errname(errno)); return; }
    printf("%s: nlink %ld\n", label, (long)st.st_nlink);
}

/* readdir of a descriptor on a removed directory: Linux's getdents gives ENOENT. */
static void readdir_of(const char *label, int fd) {
    int dup_fd = dup(fd);
    DIR *d = fdopendir(dup_fd);
    if (!d) { printf("%s: fdopendir %s\n", label, errname(errno)); close(dup_fd); return; }
    int n = 0;
    errno = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    }
    printf("%s: %d entries, errno %s\n", label, n, errname(errno));
    closedir(d);
}

static void touch(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
}

int main(void) {
    /* a directory removed while a descriptor holds it */
    TRY("mkdir d", mkdir("d", 0755));
    int d = (int)TRY("open d", open("d", O_RDONLY | O_DIRECTORY));
    touch("f");
    TRY("rmdir d", rmdir("d"));
    nlink("removed d", d);
    TRY("create in removed", openat(d, "x", O_WRONLY | O_CREAT, 0644));
    TRY("create excl in removed", openat(d, "x", O_WRONLY | O_CREAT | O_EXCL, 0644));
    TRY("mkdir in removed", mkdirat(d, "y", 0755));
    TRY("symlink in removed", symlinkat("t", d, "l"));
    TRY("link into removed", linkat(AT_FDCWD, "f", d, "h", 0));
    TRY("rename into removed", renameat(AT_FDCWD, "f", d, "g"));
    TRY("open in removed", openat(d, "x", O_RDONLY));
    TRY("unlink in removed", unlinkat(d, "x", 0));
    readdir_of("readdir removed", d);
    TRY("f still here", access("f", F_OK));
    TRY("mkdir d again", mkdir("d", 0755));
    TRY("create in new d", open("d/x", O_WRONLY | O_CREAT, 0644));
    close(d);

    /* a directory replaced by rename */
    TRY("mkdir a", mkdir("a", 0755));
    TRY("mkdir b", mkdir("b", 0755));
    TRY("create a/inner", open("a/inner", O_WRONLY | O_CREAT, 0644));
    int b = (int)TRY("open b", open("b", O_RDONLY | O_DIRECTORY));
    TRY("rename a over empty b", rename("a", "b"));
    nlink("replaced b", b);
    TRY("create in replaced", openat(b, "x", O_WRONLY | O_CREAT, 0644));
    TRY("b/inner is the moved one", access("b/inner", F_OK));
    close(b);

    /* a symbolic link's size is its target's bytes of UTF-8 */
    TRY("symlink multibyte", symlink("\xc3\xa9t\xc3\xa9//x/", "s"));
    struct stat st;
    if (lstat("s", &st) == 0) printf("symlink size %ld\n", (long)st.st_size);
    char buf[64];
    ssize_t n = readlink("s", buf, sizeof buf);
    printf("readlink same bytes: %s\n", yesno(n == 9 && memcmp(buf, "\xc3\xa9t\xc3\xa9//x/", 9) == 0));

    /* names: 255 bytes fit, 256 do not, counted in bytes */
    char name[512];
    memset(name, 'n', 255); name[255] = 0;
    TRY("create 255 bytes", open(name, O_WRONLY | O_CREAT, 0644));
    memset(name, 'n', 256); name[256] = 0;
    TRY("create 256 bytes", open(name, O_WRONLY | O_CREAT, 0644));
    int k = 0;
    for (int i = 0; i < 128; i++) { name[k++] = '\xc3'; name[k++] = '\xa9'; }
    name[k] = 0;
    TRY("mkdir 128 chars in 256 bytes", mkdir(name, 0755));
    name[k - 2] = 'n'; name[k - 1] = 0;
    TRY("mkdir 127 chars in 255 bytes", mkdir(name, 0755));

    /* rename rules */
    TRY("mkdir p", mkdir("p", 0755));
    TRY("mkdir p/q", mkdir("p/q", 0755));
    TRY("mkdir p/q2", mkdir("p/q2", 0755));
    if (stat("p", &st) == 0) printf("p nlink %ld\n", (long)st.st_nlink);
    TRY("rename p into p/q", rename("p", "p/q/r"));
    TRY("rename p into itself", rename("p", "p/r"));
    TRY("rename p/q onto p", rename("p/q", "p"));
    TRY("rename p onto p", rename("p", "p"));
    touch("h1");
    TRY("link h1 h2", link("h1", "h2"));
    TRY("rename h1 onto h2", rename("h1", "h2"));
    printf("h1 stays: %s, h2 stays: %s\n", yesno(access("h1", F_OK) == 0), yesno(access("h2", F_OK) == 0));
    if (stat("h2", &st) == 0) printf("h2 nlink %ld\n", (long)st.st_nlink);
    TRY("rmdir p/q2", rmdir("p/q2"));
    if (stat("p", &st) == 0) printf("p nlink %ld\n", (long)st.st_nlink);
    return 0;
}
