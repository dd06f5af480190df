/* realpath: wasi-libc leaves it out (WASI paths are relative to preopened directories), but Arca's
   guests have one namespace rooted at /, with a current directory that the C library keeps, so an
   absolute canonical name exists. Resolved here one component at a time: ".", "..", symbolic links
   (at most SYMLOOP_MAX, then ELOOP), ENOENT for a missing component, ENOTDIR for a non-directory
   that is not last, ENAMETOOLONG past PATH_MAX. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *realpath(const char *restrict path, char *restrict resolved) {
    if (path == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (*path == 0) {
        errno = ENOENT;
        return NULL;
    }
    /* todo: the path still to resolve (a link's target is put in front of what follows it) */
    char todo[PATH_MAX], out[PATH_MAX], link[PATH_MAX];
    size_t plen = strlen(path);
    if (plen >= sizeof todo) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    memcpy(todo, path, plen + 1);
    size_t olen = 0;
    if (todo[0] != '/') {
        if (!getcwd(out, sizeof out)) return NULL;
        olen = strlen(out);
        if (olen == 1) olen = 0; /* "/" */
    }
    out[olen] = 0;
    int links = 0;
    char *p = todo;
    for (;;) {
        while (*p == '/') p++;
        if (*p == 0) break;
        char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
            p += n;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (olen > 0 && out[olen - 1] != '/') olen--;
            if (olen > 0) olen--;
            out[olen] = 0;
            p += n;
            continue;
        }
        if (olen + 1 + n >= sizeof out) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        size_t before = olen;
        out[olen++] = '/';
        memcpy(out + olen, p, n);
        olen += n;
        out[olen] = 0;
        p += n;
        struct stat st;
        if (lstat(out, &st) != 0) return NULL;
        if (S_ISLNK(st.st_mode)) {
            if (++links > SYMLOOP_MAX) {
                errno = ELOOP;
                return NULL;
            }
            ssize_t l = readlink(out, link, sizeof link - 1);
            if (l < 0) return NULL;
            link[l] = 0;
            size_t rest = strlen(p);
            if ((size_t)l + 1 + rest >= sizeof todo) {
                errno = ENAMETOOLONG;
                return NULL;
            }
            /* todo becomes TARGET + the rest; an absolute target starts again from / */
            memmove(todo + l, p, rest + 1);
            memcpy(todo, link, (size_t)l);
            p = todo;
            olen = link[0] == '/' ? 0 : before;
            out[olen] = 0;
            continue;
        }
        /* a component that is followed by more must be a directory */
        const char *q = p;
        while (*q == '/') q++;
        if (*q != 0 && !S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return NULL;
        }
    }
    if (olen == 0) {
        out[0] = '/';
        out[1] = 0;
        olen = 1;
    }
    if (resolved == NULL) {
        resolved = malloc(olen + 1);
        if (resolved == NULL) return NULL;
    }
    memcpy(resolved, out, olen + 1);
    return resolved;
}

/* get_current_dir_name (GNU): the working directory in memory the caller frees. */
char *get_current_dir_name(void) {
    return getcwd(NULL, 0);
}
