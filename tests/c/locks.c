/* locks: fcntl record locks between processes: a parent's write lock makes a child's F_SETLK
 * fail with EAGAIN (or EACCES, which POSIX also allows) and F_GETLK name the holder's range;
 * read locks share; unlocking and process exit release. */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static int try_lock(int fd, short type, off_t start, off_t len) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, F_SETLK, &fl);
}

static int child(const char *what) {
    int fd = open("locked.db", O_RDWR);
    if (!strcmp(what, "write")) {
        int r = try_lock(fd, F_WRLCK, 0, 100);
        return r == 0 ? 0 : (errno == EAGAIN || errno == EACCES) ? 1 : 2;
    }
    if (!strcmp(what, "read")) return try_lock(fd, F_RDLCK, 0, 100) == 0 ? 0 : 1;
    if (!strcmp(what, "other")) return try_lock(fd, F_WRLCK, 200, 10) == 0 ? 0 : 1;
    if (!strcmp(what, "getlk")) {
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 5};
        fcntl(fd, F_GETLK, &fl);
        return fl.l_type == F_WRLCK ? 10 + (int)fl.l_start : fl.l_type == F_RDLCK ? 5 : 0;
    }
    return 99;
}

static int run(char *self, char *what) {
    char *a[] = {self, what, NULL};
    pid_t pid;
    posix_spawn(&pid, self, NULL, NULL, a, environ);
    int st;
    waitpid(pid, &st, 0);
    return WEXITSTATUS(st);
}

int main(int argc, char **argv) {
    if (argc > 1) return child(argv[1]);
    int fd = open("locked.db", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    TRY("write lock 0..100", try_lock(fd, F_WRLCK, 0, 100));
    printf("child write lock on the same range: %d (1 = refused)\n", run(argv[0], "write"));
    printf("child read lock on the same range: %d (1 = refused)\n", run(argv[0], "read"));
    printf("child write lock elsewhere: %d (0 = granted)\n", run(argv[0], "other"));
    printf("child F_GETLK sees: %d (10 + start of the holder's lock)\n", run(argv[0], "getlk"));
    TRY("downgrade to a read lock", try_lock(fd, F_RDLCK, 0, 100));
    printf("child read lock now: %d (0 = shared)\n", run(argv[0], "read"));
    printf("child write lock now: %d (1 = refused)\n", run(argv[0], "write"));
    TRY("unlock", try_lock(fd, F_UNLCK, 0, 0));
    printf("child write lock after unlock: %d (0 = granted)\n", run(argv[0], "write"));
    printf("own relock is never refused: %s\n", try_lock(fd, F_WRLCK, 0, 0) == 0 && try_lock(fd, F_WRLCK, 5, 5) == 0 ? "yes" : "no");
    close(fd);
    return 0;
}
