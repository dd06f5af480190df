/* spawn_errors: what posix_spawn refuses, and that a refused spawn costs nothing. Programs that are
 * not regular files (devices, a directory, a link to one, a pipe) give EACCES as execve does,
 * at once (a spawn of /dev/zero must not read it); garbage and empty files give ENOEXEC. Hostile
 * arguments: a string over Linux's MAX_ARG_STRLEN, argv and envp over ARG_MAX (E2BIG), many
 * small ones within it (accepted); thousands of file actions, a close of a closed descriptor
 * (ignored, as glibc does), dup2 onto a descriptor far beyond any limit (EBADF), an open action
 * that truncates the program being spawned (refused), an action that fails (its error, and none
 * of the child's descriptors stay open: the parent still sees end of file on its pipe). */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spawns path with argv {"x", mode, NULL}; prints the error (or "ok") and reaps the child. */
static int try_spawn(const char *label, const char *path, const posix_spawn_file_actions_t *fa, char **argv, char **envp) {
    pid_t pid;
    char *dflt[] = {"x", "exit", NULL};
    int r = posix_spawn(&pid, path, fa, NULL, argv ? argv : dflt, envp ? envp : environ);
    int code = -1;
    if (r == 0) {
        int st;
        waitpid(pid, &st, 0);
        code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    if (r == 0) printf("%s: ok, exit %d\n", label, code);
    else printf("%s: %s\n", label, errname(r));
    return r;
}

static void write_file(const char *name, const char *data, size_t n) {
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (n) write(fd, data, n);
    close(fd);
}

static char *filled(size_t n, char c) {
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "exit")) return 0;
    if (argc > 1 && !strcmp(argv[1], "fds")) {
        /* the actions left descriptor 9 open and closed 5; what it reads from 9 */
        printf("child has fd 5: %s, fd 9: %s\n", yesno(fcntl(5, F_GETFD) >= 0), yesno(fcntl(9, F_GETFD) >= 0));
        char buf[32];
        ssize_t n = read(9, buf, sizeof buf - 1);
        if (n >= 0) {
            buf[n] = 0;
            printf("child read from fd 9: %s\n", buf);
        }
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "count")) {
        printf("child got %d arguments\n", argc);
        return 0;
    }
    char *self = argv[0];
    posix_spawn_file_actions_t fa;
    int p[2];

    /* programs that are not regular files: EACCES, at once */
    double t0 = now();
    try_spawn("spawn /dev/zero", "/dev/zero", NULL, NULL, NULL);
    try_spawn("spawn /dev/null", "/dev/null", NULL, NULL, NULL);
    try_spawn("spawn /dev/urandom", "/dev/urandom", NULL, NULL, NULL);
    printf("devices refused within 2 s: %s\n", yesno(now() - t0 < 2.0));
    mkdir("dir", 0755);
    try_spawn("spawn a directory", "dir", NULL, NULL, NULL);
    symlink("dir", "dir-link");
    try_spawn("spawn a link to a directory", "dir-link", NULL, NULL, NULL);
    try_spawn("spawn /dev/stdin (a pipe)", "/dev/stdin", NULL, NULL, NULL);

    /* regular files that are not programs: ENOEXEC */
    write_file("garbage", "this is not a program at all\n", 29);
    try_spawn("spawn a text file", "garbage", NULL, NULL, NULL);
    write_file("empty", "", 0);
    try_spawn("spawn an empty file", "empty", NULL, NULL, NULL);
    try_spawn("spawn a missing file", "missing", NULL, NULL, NULL);

    /* arguments: one string over 128 KiB, a total over 2 MiB; many small ones are fine */
    char *big = filled(200 * 1024, 'a');
    char *a_big[] = {"x", "count", big, NULL};
    try_spawn("one 200 KiB argument", self, NULL, a_big, NULL);
    char *part = filled(100 * 1024, 'b');
    char **a_many = calloc(100, sizeof *a_many);
    a_many[0] = "x";
    a_many[1] = "count";
    for (int i = 2; i < 99; i++) a_many[i] = part;
    try_spawn("97 arguments of 100 KiB (9.7 MiB)", self, NULL, a_many, NULL);
    char **e_many = calloc(100, sizeof *e_many);
    for (int i = 0; i < 99; i++) e_many[i] = part;
    try_spawn("an environment of 9.7 MiB", self, NULL, NULL, e_many);
    char **e_some = calloc(12, sizeof *e_some);
    for (int i = 0; i < 10; i++) e_some[i] = part;
    try_spawn("an environment of 1 MiB", self, NULL, NULL, e_some);
    char **a_empty = calloc(100001, sizeof *a_empty);
    a_empty[0] = "x";
    a_empty[1] = "count";
    for (int i = 2; i < 100000; i++) a_empty[i] = "";
    try_spawn("100000 arguments", self, NULL, a_empty, NULL);

    /* file actions */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, 77);
    try_spawn("close action on a closed descriptor", self, &fa, NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);

    posix_spawn_file_actions_init(&fa);
    for (int i = 0; i < 5000; i++) posix_spawn_file_actions_adddup2(&fa, 1, 10 + i % 3);
    try_spawn("5000 dup2 actions", self, &fa, NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);

    posix_spawn_file_actions_init(&fa);
    int add = posix_spawn_file_actions_adddup2(&fa, 1, 1 << 30);
    if (add) printf("dup2 onto fd 2^30: %s\n", errname(add));
    else try_spawn("dup2 onto fd 2^30", self, &fa, NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);

    /* actions in order: open on 5, dup2 5 -> 9, close 5; the child has 9 only */
    write_file("data", "hello", 5);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 5, "data", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, 5, 9);
    posix_spawn_file_actions_addclose(&fa, 5);
    char *a_fds[] = {"x", "fds", NULL};
    try_spawn("open, dup2, close", self, &fa, a_fds, NULL);
    posix_spawn_file_actions_destroy(&fa);

    /* an open action that truncates the program being spawned: refused, never half run */
    int src = open(self, O_RDONLY);
    int dst = open("copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    static char buf[65536];
    ssize_t n;
    while ((n = read(src, buf, sizeof buf)) > 0) write(dst, buf, n);
    close(src);
    close(dst);
    try_spawn("spawn a copy of itself", "copy", NULL, NULL, NULL);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 5, "copy", O_WRONLY | O_TRUNC, 0);
    pid_t pid;
    char *a_exit[] = {"x", "exit", NULL};
    int r = posix_spawn(&pid, "copy", &fa, NULL, a_exit, environ);
    if (r == 0) waitpid(pid, NULL, 0);
    printf("spawn that truncates its own program: %s\n", r ? "refused" : "ran");
    posix_spawn_file_actions_destroy(&fa);
    struct stat st;
    stat("copy", &st);
    printf("the program is empty now: %s\n", yesno(st.st_size == 0));
    try_spawn("spawn it again", "copy", NULL, NULL, NULL);

    /* a failing action after a dup2 of a pipe's write end: nothing of the child is left open */
    pipe(p);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 6, "no/such/dir/file", O_RDONLY, 0);
    try_spawn("an open action that fails", self, &fa, NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    try_spawn("a refused program after a dup2", "/dev/zero", &fa, NULL, NULL);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    printf("the pipe's reader then sees end of file: %s\n", yesno(read(p[0], buf, 1) == 0));
    close(p[0]);
    return 0;
}
