/* race_victim.c - uses every call that takes a path, over and over, on paths
 * through ROOT/a while something else swaps ROOT/a between a real directory
 * and a symbolic link to a bait directory outside the mount (tests/sandbox/
 * run.sh sets that up, and checks afterwards that nothing in the bait changed).
 *
 *   race_victim ROOT SECONDS [SWAPPER]
 *
 * With SWAPPER (a program path), the victim also spawns "SWAPPER ROOT SECONDS
 * rename" as a sibling process of its own instance and waits for it.
 *
 * Whatever the call returns is fine (the swaps make many fail), except seeing
 * the bait: reading its secret, stat-ing one of its files (the bait files have
 * sizes no file inside has), listing its marker, or reading its link. Each such
 * sighting counts as an escape. Prints "ops N" and "escapes N"; exits 1 if any.
 *
 * Natively, with no sandbox, the host follows the swapped link and the program
 * does see the bait: run.sh runs it so once, to prove that the test can see an
 * escape at all.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <spawn.h>
#include <sys/wait.h>

#define BAIT_SECRET_SIZE 41 /* "ARCA-BAIT-SECRET..." in run.sh */
#define BAIT_LINK "BAIT-LINK-TARGET"
#define BAIT_MARKER "BAIT-MARKER"

static const char *root;
static long ops, escapes;
static int verbose;

static void saw(const char *what, const char *path) {
    escapes++;
    if (verbose || escapes <= 5) printf("ESCAPE: %s %s\n", what, path);
}

static void p(char *buf, size_t n, const char *rel) {
    snprintf(buf, n, "%.400s/%.400s", root, rel);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void round_once(long i) {
    char a[1024], b[1024];
    char buf[128];
    struct stat st;

    /* read */
    p(a, sizeof a, "a/secret.txt");
    int fd = open(a, O_RDONLY);
    if (fd >= 0) {
        long n = read(fd, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = 0;
            if (strstr(buf, "ARCA-BAIT")) saw("read", a);
        }
        if (fstat(fd, &st) == 0 && st.st_size == BAIT_SECRET_SIZE) saw("fstat", a);
        close(fd);
    }
    ops++;
    /* stat and lstat */
    if (stat(a, &st) == 0 && st.st_size == BAIT_SECRET_SIZE) saw("stat", a);
    if (lstat(a, &st) == 0 && st.st_size == BAIT_SECRET_SIZE) saw("lstat", a);
    ops += 2;
    /* readlink */
    p(a, sizeof a, "a/link");
    long n = readlink(a, buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        if (strcmp(buf, BAIT_LINK) == 0) saw("readlink", a);
    }
    ops++;
    /* list */
    p(a, sizeof a, "a");
    DIR *d = opendir(a);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, BAIT_MARKER) == 0) saw("readdir", a);
        }
        closedir(d);
    }
    ops++;
    /* a directory descriptor opened through the link, then used */
    int dfd = open(a, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        if (fstatat(dfd, "secret.txt", &st, 0) == 0 && st.st_size == BAIT_SECRET_SIZE) saw("fstatat", a);
        int f2 = openat(dfd, "secret.txt", O_RDONLY);
        if (f2 >= 0) {
            long m = read(f2, buf, sizeof buf - 1);
            if (m > 0) {
                buf[m] = 0;
                if (strstr(buf, "ARCA-BAIT")) saw("openat", a);
            }
            close(f2);
        }
        close(dfd);
    }
    ops += 2;
    /* create, write, truncate */
    snprintf(b, sizeof b, "a/new-%ld", i % 8);
    p(a, sizeof a, b);
    fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, "victim\n", 7) < 0) { /* fine */ }
        close(fd);
    }
    unlink(a);
    p(a, sizeof a, "a/trunc.txt");
    fd = open(a, O_WRONLY | O_TRUNC);
    if (fd >= 0) close(fd);
    ops += 3;
    /* directories */
    snprintf(b, sizeof b, "a/dir-%ld", i % 8);
    p(a, sizeof a, b);
    mkdir(a, 0755);
    rmdir(a);
    p(a, sizeof a, "a/victim-dir");
    if (rmdir(a) == 0) mkdir(a, 0755); /* put it back if it was ours */
    ops += 3;
    /* unlink */
    p(a, sizeof a, "a/victim-file");
    if (unlink(a) == 0) {
        fd = open(a, O_WRONLY | O_CREAT, 0644);
        if (fd >= 0) close(fd);
    }
    ops++;
    /* rename within, and out to the mount's top */
    p(a, sizeof a, "a/x");
    p(b, sizeof b, "a/y");
    rename(a, b);
    rename(b, a);
    p(a, sizeof a, "a/victim-file");
    snprintf(b, sizeof b, "%.400s/moved-%ld", root, i % 8);
    if (rename(a, b) == 0) {
        if (stat(b, &st) == 0 && st.st_size == BAIT_SECRET_SIZE) saw("rename-out", b);
        rename(b, a);
    }
    ops += 3;
    /* symlinks and hard links */
    snprintf(b, sizeof b, "a/l-%ld", i % 8);
    p(a, sizeof a, b);
    if (symlink("target", a) == 0) unlink(a);
    p(a, sizeof a, "a/secret.txt");
    snprintf(b, sizeof b, "%.400s/hard-%ld", root, i % 8);
    if (link(a, b) == 0) {
        if (stat(b, &st) == 0 && st.st_size == BAIT_SECRET_SIZE) saw("link", a);
        unlink(b);
    }
    ops += 2;
    /* times */
    struct timespec ts[2] = {{1234567, 0}, {1234567, 0}};
    utimensat(AT_FDCWD, a, ts, 0);
    ops++;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: race_victim ROOT SECONDS\n");
        return 2;
    }
    root = argv[1];
    double seconds = atof(argv[2]);
    verbose = getenv("RACE_VERBOSE") != NULL;
    pid_t child = 0;
    if (argc > 3) {
        char *args[] = {argv[3], argv[1], argv[2], "rename", NULL};
        extern char **environ;
        int e = posix_spawn(&child, argv[3], NULL, NULL, args, environ);
        if (e != 0) {
            fprintf(stderr, "race_victim: cannot spawn %s: %s\n", argv[3], strerror(e));
            return 2;
        }
    }
    double end = now() + seconds;
    long i = 0;
    while (now() < end) round_once(i++);
    if (child > 0) {
        int status;
        waitpid(child, &status, 0);
    }
    printf("ops %ld\nescapes %ld\n", ops, escapes);
    return escapes ? 1 : 0;
}
