/* processes (wasm only: Arca's process rules differ from a Linux host's by design):
 * orphans are re-parented to pid 1; a fork bomb stops at the manifest's process limit with
 * EAGAIN, and a spawn refused there leaks no descriptor its actions gave the child; spawning a
 * malformed module gives ENOEXEC; a dup2 file action from a closed descriptor gives EBADF; a
 * child may not signal its ancestors (EPERM). Exit 0 when all hold. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int failures;

static void check(const char *what, int ok) {
    printf("%-44s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) failures++;
}

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int spawn(char *self, char *mode, pid_t *pid) {
    char *a[] = {self, mode, NULL};
    return posix_spawn(pid, self, NULL, NULL, a, environ);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        pid_t pid;
        if (!strcmp(argv[1], "orphaner")) return spawn(argv[0], "orphan", &pid);
        if (!strcmp(argv[1], "orphan")) {
            nap(300);
            FILE *f = fopen("/orphan.ppid", "w");
            fprintf(f, "%d\n", (int)getppid());
            fclose(f);
            return 0;
        }
        if (!strcmp(argv[1], "sleeper")) {
            nap(5000);
            return 0;
        }
        if (!strcmp(argv[1], "killer")) return kill(1, SIGTERM) < 0 ? errno : 0;
        return 100;
    }
    pid_t pid;
    int st;

    spawn(argv[0], "orphaner", &pid);
    waitpid(pid, &st, 0);
    nap(800);
    FILE *f = fopen("/orphan.ppid", "r");
    int ppid = -1;
    if (f) {
        fscanf(f, "%d", &ppid);
        fclose(f);
    }
    check("orphan re-parented to pid 1", ppid == 1);

    pid_t kids[64];
    int n = 0, err = 0;
    while (n < 64 && (err = spawn(argv[0], "sleeper", &kids[n])) == 0) n++;
    printf("spawned %d before: %s\n", n, err == EAGAIN ? "EAGAIN" : strerror(err));
    check("fork bomb stops at the process limit", err == EAGAIN && n > 0 && n < 64);
    /* a spawn refused at the limit keeps none of the descriptors its actions gave the child */
    int p[2];
    pipe(p);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t dup_out;
    posix_spawn_file_actions_init(&dup_out);
    posix_spawn_file_actions_adddup2(&dup_out, p[1], 1);
    char *s[] = {argv[0], "sleeper", NULL};
    check("a spawn at the limit with a dup2 action: EAGAIN", posix_spawn(&pid, argv[0], &dup_out, NULL, s, environ) == EAGAIN);
    posix_spawn_file_actions_destroy(&dup_out);
    close(p[1]);
    char c;
    check("... and the pipe's reader sees end of file", read(p[0], &c, 1) == 0);
    close(p[0]);
    for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
    int reaped = 0;
    for (int i = 0; i < n; i++) reaped += waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st);
    check("every bomb child killed and reaped", reaped == n);
    check("a spawn works again afterwards", spawn(argv[0], "killer", &pid) == 0);
    waitpid(pid, &st, 0);
    check("a child may not signal pid 1 (EPERM)", WIFEXITED(st) && WEXITSTATUS(st) == EPERM);

    int fd = open("/bad.wasm", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "this is not wasm", 16);
    close(fd);
    char *a[] = {"/bad.wasm", NULL};
    check("spawning a malformed module: ENOEXEC", posix_spawn(&pid, "/bad.wasm", NULL, NULL, a, environ) == ENOEXEC);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, 99, 1);
    char *b[] = {argv[0], "sleeper", NULL};
    check("dup2 action from a closed fd: EBADF", posix_spawn(&pid, argv[0], &fa, NULL, b, environ) == EBADF);
    posix_spawn_file_actions_destroy(&fa);
    check("kill of a pid that does not exist: ESRCH", kill(4242, SIGTERM) < 0 && errno == ESRCH);
    printf("processes: %d failed\n", failures);
    return failures != 0;
}
