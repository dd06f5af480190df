/* dirfd_rename.c - a directory descriptor keeps naming its directory when the
 * directory is renamed and a symbolic link is put where it was: the attack of
 * issue 8 ("a guest escapes a writable hostfs mount"), as a POSIX program.
 *
 * Natively (the oracle) the descriptors follow the renamed directory, so the
 * openat through them finds nothing of the host and the new file is created
 * inside m/b/tmp. Arca must print the same: before the fix it read the host's
 * /etc/hostname and created a file in the host's /tmp. Also: an open file
 * stays readable and stat-able after it is renamed and after it is unlinked,
 * and a directory descriptor still lists its renamed directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void show(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        printf("%s: %s\n", path, errname(errno));
        return;
    }
    printf("%s: %s size %lld\n", path, S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" : "file",
           S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
}

static void list(int dirfd, const char *label) {
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        printf("%s: list %s\n", label, errname(errno));
        return;
    }
    char names[16][256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 16) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 256, "%s", e->d_name);
    }
    closedir(d);
    qsort(names, n, 256, (int (*)(const void *, const void *))strcmp);
    printf("%s:", label);
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
}

int main(void) {
    res("mkdir m", mkdir("m", 0755));
    res("mkdir m/a", mkdir("m/a", 0755));
    res("mkdir m/a/etc", mkdir("m/a/etc", 0755));
    res("mkdir m/a/tmp", mkdir("m/a/tmp", 0755));
    int d = (int)res("open m/a/etc", open("m/a/etc", O_RDONLY | O_DIRECTORY));
    int t = (int)res("open m/a/tmp", open("m/a/tmp", O_RDONLY | O_DIRECTORY));
    res("rename m/a m/b", rename("m/a", "m/b"));
    res("symlink", symlink("../../../../../../../../../../../../../..", "m/a"));

    errno = 0;
    int h = openat(d, "hostname", O_RDONLY);
    printf("openat(d, hostname): %s\n", h < 0 ? errname(errno) : "OPENED");
    if (h >= 0) {
        char buf[128];
        long n = read(h, buf, sizeof buf);
        printf("read %ld bytes of a file that must not be reachable\n", n);
        close(h);
    }
    int c = (int)res("openat(t, arca-escape-test, O_CREAT)", openat(t, "arca-escape-test", O_WRONLY | O_CREAT, 0644));
    if (c >= 0) {
        res("write", write(c, "inside\n", 7));
        close(c);
    }
    show("m/b/tmp/arca-escape-test");
    show("m/a");
    list(d, "list d");
    list(t, "list t");
    res("mkdirat(d, new)", mkdirat(d, "new", 0755));
    show("m/b/etc/new");
    close(d);
    close(t);

    /* an open file keeps its data and metadata when renamed and when unlinked */
    int f = (int)res("open m/b/f", open("m/b/f", O_RDWR | O_CREAT, 0644));
    res("write f", write(f, "0123456789", 10));
    res("rename m/b/f m/b/g", rename("m/b/f", "m/b/g"));
    struct stat st;
    res("fstat after rename", fstat(f, &st));
    printf("size after rename: %lld\n", (long long)st.st_size);
    res("unlink m/b/g", unlink("m/b/g"));
    res("fstat after unlink", fstat(f, &st));
    printf("size after unlink: %lld links %ld\n", (long long)st.st_size, (long)st.st_nlink);
    char buf[16] = {0};
    res("pread after unlink", pread(f, buf, 10, 0));
    printf("data after unlink: %s\n", buf);
    res("ftruncate after unlink", ftruncate(f, 4));
    res("fstat", fstat(f, &st));
    printf("size after ftruncate: %lld\n", (long long)st.st_size);
    close(f);
    return 0;
}
