/* dirs.c - directories: mkdir/rmdir/opendir/readdir/rewinddir/rename/unlink
 * and their errors (ENOTEMPTY, ENOENT, EEXIST, ENOTDIR, EISDIR, EINVAL).
 *
 * WASI calls covered: path_create_directory, path_remove_directory,
 * path_unlink_file, path_rename, path_open (O_DIRECTORY), fd_readdir
 * (including cookie-based continuation over 300 entries), path_filestat_get.
 * readdir output is sorted and "." / ".." are filtered out, because WASI
 * runtimes differ on whether fd_readdir reports them.
 */
#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *dtype(unsigned char t) {
    switch (t) {
    case DT_REG: return "f";
    case DT_DIR: return "d";
    case DT_LNK: return "l";
    case DT_UNKNOWN: return "?";
    default: return "other";
    }
}

/* List a directory sorted, "name/type" per entry. */
static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("ls %s: %s\n", path, errname(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t len = strlen(e->d_name) + 8;
        names[n] = malloc(len);
        snprintf(names[n], len, "%s/%s", e->d_name, dtype(e->d_type));
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("ls %s:", path);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("%s\n", n ? "" : " (empty)");
}

static void touch(const char *path, const char *content) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { printf("touch %s: %s\n", path, errname(errno)); return; }
    write(fd, content, strlen(content));
    close(fd);
}

int main(void) {
    list(".");
    TRY("mkdir a", mkdir("a", 0755));
    TRY("mkdir a again", mkdir("a", 0755));
    TRY("mkdir a/b", mkdir("a/b", 0755));
    TRY("mkdir x/y (no parent)", mkdir("x/y", 0755));
    TRY("mkdir a/b/c/ (trailing slash)", mkdir("a/b/c/", 0755));
    touch("a/file", "data");
    touch("top", "t");
    TRY("mkdir top (file exists)", mkdir("top", 0755));
    TRY("mkdir top/sub (parent is a file)", mkdir("top/sub", 0755));
    list(".");
    list("a");
    list("a/b");
    list("missing");
    list("top");

    /* rmdir errors */
    TRY("rmdir a (not empty)", rmdir("a"));
    TRY("rmdir missing", rmdir("missing"));
    TRY("rmdir top (a file)", rmdir("top"));
    TRY("rmdir a/b/c", rmdir("a/b/c"));

    /* unlink errors */
    TRY("unlink a (a dir)", unlink("a"));
    TRY("unlink missing", unlink("missing"));
    TRY("unlink top/x (parent is a file)", unlink("top/x"));
    TRY("open top/ (trailing slash on file)", open("top/", O_RDONLY));
    TRY("open a for writing (a dir)", open("a", O_WRONLY));
    TRY("open top O_DIRECTORY (a file)", open("top", O_RDONLY | O_DIRECTORY));
    TRY("opendir top", opendir("top") ? 0 : -1);

    /* rename: files, dirs, replace, errors */
    TRY("rename top -> top2", rename("top", "top2"));
    touch("other", "o");
    TRY("rename other -> top2 (replace file)", rename("other", "top2"));
    list(".");
    TRY("rename missing -> z", rename("missing", "z"));
    TRY("rename top2 -> a (file over dir)", rename("top2", "a"));
    TRY("rename a -> top2 (dir over file)", rename("a", "top2"));
    mkdir("empty", 0755);
    TRY("rename a -> empty (dir over empty dir)", rename("a", "empty"));
    list("empty");
    mkdir("a", 0755);
    TRY("rename a -> empty (dir over non-empty dir)", rename("a", "empty"));
    TRY("rename empty -> empty/b/inside (into itself)", rename("empty", "empty/b/inside"));
    TRY("rename top2 -> empty/b/moved (across dirs)", rename("top2", "empty/b/moved"));
    TRY("rename empty/b -> b2 (dir across dirs)", rename("empty/b", "b2"));
    TRY("rename b2 -> b2 (same)", rename("b2", "b2"));
    list(".");
    list("b2");

    /* remove everything */
    TRY("unlink b2/moved", unlink("b2/moved"));
    TRY("rmdir b2", rmdir("b2"));
    TRY("unlink empty/file", unlink("empty/file"));
    TRY("rmdir empty", rmdir("empty"));
    TRY("rmdir a", rmdir("a"));
    list(".");

    /* many entries: readdir must continue across fd_readdir buffers */
    mkdir("many", 0755);
    char name[64];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
        touch(name, "");
    }
    DIR *d = opendir("many");
    for (int pass = 0; pass < 2; pass++) {
        int count = 0;
        uint32_t h = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            count++;
            h ^= fnv1a(e->d_name, strlen(e->d_name), 0);  /* order-independent */
        }
        printf("many pass %d: %d entries, xor-hash %08x\n", pass, count, h);
        rewinddir(d);
    }
    closedir(d);
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
        unlink(name);
    }
    TRY("rmdir many", rmdir("many"));

    /* a long name component */
    char longname[300];
    memset(longname, 'n', 299);
    longname[299] = 0;
    TRY("mkdir 299-char name", mkdir(longname, 0755));
    longname[255] = 0;
    TRY("mkdir 255-char name", mkdir(longname, 0755));
    TRY("rmdir 255-char name", rmdir(longname));
    list(".");
    return 0;
}
