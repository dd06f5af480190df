/* fork and the exec family: Arca has neither (a process is a WebAssembly instance, started by
   posix_spawn with file actions; there is no copy of a running instance and no replacement of
   one), so each fails with ENOSYS and changes nothing. They exist so that programs which call them
   on paths Arca never takes (a daemon's fork to the background, a master process's workers, a
   graceful restart) build unchanged; configure scripts that should not find them are told so
   (e.g. ac_cv_func_fork=no, see ports/lighttpd/build.sh). */
#include <errno.h>
#include <unistd.h>

static int no_such_call(void) {
    errno = ENOSYS;
    return -1;
}

pid_t fork(void) { return no_such_call(); }
int execve(const char *path, char *const argv[], char *const envp[]) {
    (void)path; (void)argv; (void)envp;
    return no_such_call();
}
int execv(const char *path, char *const argv[]) {
    (void)path; (void)argv;
    return no_such_call();
}
int execvp(const char *file, char *const argv[]) {
    (void)file; (void)argv;
    return no_such_call();
}
int execvpe(const char *file, char *const argv[], char *const envp[]) {
    (void)file; (void)argv; (void)envp;
    return no_such_call();
}
int execl(const char *path, const char *arg, ...) {
    (void)path; (void)arg;
    return no_such_call();
}
int execlp(const char *file, const char *arg, ...) {
    (void)file; (void)arg;
    return no_such_call();
}
int execle(const char *path, const char *arg, ...) {
    (void)path; (void)arg;
    return no_such_call();
}
int fexecve(int fd, char *const argv[], char *const envp[]) {
    (void)fd; (void)argv; (void)envp;
    return no_such_call();
}
