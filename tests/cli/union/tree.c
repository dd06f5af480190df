/* tree ROOT [OP ARGS]... : applies file operations under ROOT, then prints what it did.
 * Ops: put P TEXT | append P TEXT | rm P | mkdir P | rmdir P | mv A B | list
 * Each op prints one line ("ok" or its errno's name), so a failure compares too; "list" prints the
 * tree under ROOT in sorted order: "d PATH" or "f PATH SIZE CONTENT". Built with gcc and with
 * arca cc (tests/cli/union.sh), run natively on a copy of a directory and in Arca on a union of an
 * image of it and a volume: the outputs must be equal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static const char *err(int e) {
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
    default: return "other";
    }
}

static void at(char *out, size_t n, const char *p) { snprintf(out, n, "%s/%s", root, p); }

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *rel) {
    char dir[4096];
    if (*rel) at(dir, sizeof dir, rel); else snprintf(dir, sizeof dir, "%s", root);
    DIR *d = opendir(dir);
    if (!d) { printf("opendir %s: %s\n", rel, err(errno)); return; }
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    for (int i = 0; i < n; i++) {
        char r[4096], full[4096];
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        at(full, sizeof full, r);
        struct stat st;
        if (stat(full, &st) != 0) { printf("stat %s: %s\n", r, err(errno)); continue; }
        if (S_ISDIR(st.st_mode)) {
            printf("d %s\n", r);
            list(r);
        } else {
            char buf[256] = {0};
            int fd = open(full, O_RDONLY);
            ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
            if (fd >= 0) close(fd);
            printf("f %s %lld %s\n", r, (long long)st.st_size, got < 0 ? "(unreadable)" : buf);
        }
        free(names[i]);
    }
}

static void report(const char *op, const char *p, int rc) {
    printf("%s %s: %s\n", op, p, rc == 0 ? "ok" : err(errno));
}

static int put(const char *p, const char *text, int flags) {
    char f[4096];
    at(f, sizeof f, p);
    int fd = open(f, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0) return -1;
    ssize_t w = write(fd, text, strlen(text));
    int rc = close(fd);
    return w == (ssize_t)strlen(text) && rc == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: tree ROOT [OP ARGS]...\n"); return 2; }
    root = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *op = argv[i];
        char a[4096], b[4096];
        if (!strcmp(op, "list")) { list(""); continue; }
        if (i + 1 >= argc) { fprintf(stderr, "%s: missing path\n", op); return 2; }
        const char *p = argv[++i];
        at(a, sizeof a, p);
        if (!strcmp(op, "put") || !strcmp(op, "append") || !strcmp(op, "mv")) {
            if (i + 1 >= argc) { fprintf(stderr, "%s: missing argument\n", op); return 2; }
            const char *x = argv[++i];
            int rc;
            if (!strcmp(op, "mv")) { at(b, sizeof b, x); rc = rename(a, b); }
            else rc = put(p, x, !strcmp(op, "put") ? O_TRUNC : O_APPEND);
            report(op, p, rc);
        } else if (!strcmp(op, "rm")) report(op, p, unlink(a));
        else if (!strcmp(op, "mkdir")) report(op, p, mkdir(a, 0755));
        else if (!strcmp(op, "rmdir")) report(op, p, rmdir(a));
        else { fprintf(stderr, "unknown op %s\n", op); return 2; }
    }
    return 0;
}
