/* cpfiles FROM TO: copies the regular files and directories under FROM into TO (made as needed),
   byte for byte. Run in Arca to fill an encrypted volume with a site to serve. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(const char *from, const char *to) {
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) return -1;
    static char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) return -1;
            off += w;
        }
    if (n < 0 || fsync(out) != 0) return -1;
    close(in);
    return close(out);
}

static int copy_tree(const char *from, const char *to) {
    if (mkdir(to, 0755) != 0 && errno != EEXIST) return -1;
    DIR *d = opendir(from);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char f[4096], t[4096];
        snprintf(f, sizeof f, "%s/%s", from, e->d_name);
        snprintf(t, sizeof t, "%s/%s", to, e->d_name);
        struct stat st;
        if (stat(f, &st) != 0) return -1;
        if ((S_ISDIR(st.st_mode) ? copy_tree(f, t) : copy_file(f, t)) != 0) {
            fprintf(stderr, "cpfiles: %s: %s\n", f, strerror(errno));
            return -1;
        }
    }
    return closedir(d);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: cpfiles FROM TO\n");
        return 2;
    }
    return copy_tree(argv[1], argv[2]) == 0 ? 0 : 1;
}
