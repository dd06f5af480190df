/* spawn: posix_spawn and posix_spawnp of the program itself (argv[0]) with arguments, an
 * environment, and file actions (dup2 to a pipe, open a file as stdout, close); the errors of a
 * missing program. */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static int child(int argc, char **argv) {
    const char *mode = argv[1];
    if (!strcmp(mode, "echo")) {
        for (int i = 2; i < argc; i++) printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
        return 0;
    }
    if (!strcmp(mode, "env")) {
        const char *v = getenv("SPAWN_VAR");
        printf("SPAWN_VAR=%s\n", v ? v : "(unset)");
        return 0;
    }
    if (!strcmp(mode, "exit")) return atoi(argv[2]);
    if (!strcmp(mode, "fd3")) {
        char buf[64];
        ssize_t n = read(3, buf, sizeof buf - 1);
        if (n < 0) {
            printf("fd3: %s\n", errname(errno));
            return 1;
        }
        buf[n] = 0;
        printf("fd3: %s", buf);
        return 0;
    }
    return 99;
}

static int wait_code(pid_t pid) {
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv) {
    if (argc > 1) return child(argc, argv);
    pid_t pid;

    /* plain spawn, inheriting stdout */
    char *a1[] = {argv[0], "echo", "hello", "from", "a", "child", NULL};
    /* report only after the wait: the child's line and ours would otherwise race, natively too */
    int spawned = posix_spawn(&pid, argv[0], NULL, NULL, a1, environ);
    int echo_code = spawned ? -1 : wait_code(pid);
    TRY("spawn echo", spawned ? -1 : 0);
    printf("echo exit: %d\n", echo_code);

    /* exit codes */
    for (int code = 0; code < 256; code += 85) {
        char num[8];
        snprintf(num, sizeof num, "%d", code);
        char *a[] = {argv[0], "exit", num, NULL};
        posix_spawn(&pid, argv[0], NULL, NULL, a, environ);
        printf("exit %d -> %d\n", code, wait_code(pid));
    }

    /* an explicit environment */
    char *env[] = {"SPAWN_VAR=explicit", NULL};
    char *a2[] = {argv[0], "env", NULL};
    posix_spawn(&pid, argv[0], NULL, NULL, a2, env);
    wait_code(pid);

    /* file actions: stdout to a pipe */
    int p[2];
    pipe(p);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    char *a3[] = {argv[0], "echo", "through", "a", "pipe", NULL};
    posix_spawn(&pid, argv[0], &fa, NULL, a3, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    char buf[128];
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("pipe got: %s", buf);
    n = read(p[0], buf, sizeof buf);
    printf("then EOF: %s\n", yesno(n == 0));
    close(p[0]);
    printf("pipe child exit: %d\n", wait_code(pid));

    /* file actions: open a file as the child's stdout */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "spawned.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *a4[] = {argv[0], "echo", "into", "a", "file", NULL};
    posix_spawn(&pid, argv[0], &fa, NULL, a4, environ);
    posix_spawn_file_actions_destroy(&fa);
    printf("file child exit: %d\n", wait_code(pid));
    int fd = open("spawned.out", O_RDONLY);
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    printf("file holds: %s", buf);

    /* an inherited descriptor at 3 */
    fd = open("inherit.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "inherited data\n", 15);
    lseek(fd, 0, SEEK_SET);
    posix_spawn_file_actions_init(&fa);
    if (fd != 3) posix_spawn_file_actions_adddup2(&fa, fd, 3);
    char *a5[] = {argv[0], "fd3", NULL};
    posix_spawn(&pid, argv[0], &fa, NULL, a5, environ);
    posix_spawn_file_actions_destroy(&fa);
    printf("fd3 child exit: %d\n", wait_code(pid));
    close(fd);

    /* errors */
    char *a6[] = {"nope", NULL};
    int err = posix_spawn(&pid, "no-such-program", NULL, NULL, a6, environ);
    printf("spawn missing: %s\n", errname(err));
    setenv("PATH", "/nonexistent-dir", 1);
    err = posix_spawnp(&pid, "no-such-program", NULL, NULL, a6, environ);
    printf("spawnp missing: %s\n", errname(err));
    printf("wait with no children: %s\n", waitpid(-1, NULL, 0) < 0 ? errname(errno) : "a child?");
    return 0;
}
