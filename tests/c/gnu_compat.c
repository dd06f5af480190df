/* gnu_compat: calls servers such as Redis use that wasi-libc lacks: flock between processes
 * (LOCK_EX|LOCK_NB refused in a child while the parent holds it, granted after LOCK_UN; a shared
 * lock shared), get_current_dir_name, termios and TIOCGWINSZ on a descriptor that is no terminal
 * (ENOTTY; EBADF on a closed one), gettimeofday's timezone (zeroed, as glibc writes it), and a
 * SA_SIGINFO handler's si_code for kill (SI_USER). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static int child(const char *what) {
    int fd = open("flocked", O_RDWR);
    if (!strcmp(what, "ex")) return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno == EWOULDBLOCK ? 1 : 2;
    if (!strcmp(what, "sh")) return flock(fd, LOCK_SH | LOCK_NB) == 0 ? 0 : errno == EWOULDBLOCK ? 1 : 2;
    return 99;
}

static int run(char *self, char *what) {
    char *a[] = {self, what, NULL};
    pid_t pid;
    if (posix_spawn(&pid, self, NULL, NULL, a, environ) != 0) return -1;
    int st;
    waitpid(pid, &st, 0);
    return WEXITSTATUS(st);
}

/* the result and errno, read after the call (an argument list has no order of evaluation) */
#define show(label, expr) do { errno = 0; int r_ = (expr); printf("%s: %d %s\n", (label), r_, errname(errno)); } while (0)

static volatile int seen_code = -99, seen_signo;
static void on_usr1(int sig, siginfo_t *info, void *ctx) {
    (void)ctx;
    seen_signo = info->si_signo == sig;
    seen_code = info->si_code;
}

int main(int argc, char **argv) {
    if (argc > 1) return child(argv[1]);
    int fd = open("flocked", O_RDWR | O_CREAT | O_TRUNC, 0644);
    TRY("flock LOCK_EX", flock(fd, LOCK_EX));
    printf("child LOCK_EX|LOCK_NB while held: %d (1 = EWOULDBLOCK)\n", run(argv[0], "ex"));
    TRY("flock LOCK_UN", flock(fd, LOCK_UN));
    printf("child LOCK_EX|LOCK_NB after unlock: %d (0 = granted)\n", run(argv[0], "ex"));
    TRY("flock LOCK_SH", flock(fd, LOCK_SH));
    printf("child LOCK_SH|LOCK_NB beside a shared lock: %d (0 = shared)\n", run(argv[0], "sh"));
    printf("child LOCK_EX|LOCK_NB beside a shared lock: %d (1 = EWOULDBLOCK)\n", run(argv[0], "ex"));
    show("flock with a bad operation", flock(fd, 0));

    char *cwd = get_current_dir_name(), buf[4096];
    printf("get_current_dir_name equals getcwd: %s\n", cwd && getcwd(buf, sizeof buf) && !strcmp(cwd, buf) ? "yes" : "no");
    free(cwd);

    struct termios t;
    show("tcgetattr on a file", tcgetattr(fd, &t));
    show("tcsetattr on a file", tcsetattr(fd, TCSANOW, &t));
    show("tcgetattr on a closed descriptor", tcgetattr(77, &t));
    struct winsize ws;
    show("ioctl TIOCGWINSZ on a file", ioctl(fd, TIOCGWINSZ, &ws));
    memset(&t, 0xff, sizeof t);
    cfmakeraw(&t);
    printf("cfmakeraw: ICANON %s, ECHO %s, CS8 %s, VMIN %d\n", t.c_lflag & ICANON ? "on" : "off",
           t.c_lflag & ECHO ? "on" : "off", (t.c_cflag & CSIZE) == CS8 ? "yes" : "no", t.c_cc[VMIN]);

    struct timezone tz = {12345, 678};
    struct timeval tv;
    TRY("gettimeofday with a timezone", gettimeofday(&tv, &tz));
    printf("the timezone is zeroed: %d %d\n", tz.tz_minuteswest, tz.tz_dsttime);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    TRY("sigaction SIGUSR1 SA_SIGINFO", sigaction(SIGUSR1, &sa, NULL));
    kill(getpid(), SIGUSR1);
    printf("handler saw si_signo %s, si_code SI_USER %s\n", seen_signo ? "right" : "wrong", seen_code == SI_USER ? "yes" : "no");
    close(fd);
    return 0;
}
