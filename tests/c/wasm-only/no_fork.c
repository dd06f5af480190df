/* no_fork (wasm only: Arca answers differently from a Linux host by design): fork and the exec
 * family fail with ENOSYS (processes start with posix_spawn); a process may not change its
 * identity (setuid/setgid/... to anything but 0: EPERM); limits are the manifest's and cannot be
 * changed (getrlimit reports them, setrlimit to other values is EPERM); no scheduling priorities
 * (setpriority to non-zero: EPERM); hostile sig_alarm, sig_cputimer and sig_action
 * queries and proc_spawn signal actions. Run by run.sh with a
 * manifest of openFiles 77, processes 9, memory 64MiB, cpuTime 90s. Exit 0 when all hold. */
#include <errno.h>
#include <stdint.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

/* the raw call, to hand it what libc never would */
__attribute__((import_module("arca"), import_name("sig_alarm"))) int32_t raw_sig_alarm(int64_t, int64_t, int64_t *, int64_t *);
__attribute__((import_module("arca"), import_name("sig_action"))) int32_t raw_sig_action(int32_t, int32_t, int32_t *);
__attribute__((import_module("arca"), import_name("sig_cputimer"))) int32_t raw_sig_cputimer(int32_t, int64_t, int64_t, int64_t *, int64_t *);
struct raw_action { uint32_t kind; int32_t fd, arg; uint32_t fdflags, path, path_len; }; /* __arca_spawn_action */
__attribute__((import_module("arca"), import_name("proc_spawn"))) int32_t raw_proc_spawn(const char *, uint32_t, const char *,
    uint32_t, const char *, uint32_t, const struct raw_action *, uint32_t, int32_t, int32_t *);

static int failures;

static void check(const char *what, int ok) {
    printf("%-52s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) failures++;
}

static int fails_with(int r, int e) {
    return r == -1 && errno == e;
}

int main(void) {
    char *argv[] = {"/x.wasm", NULL}, *envp[] = {NULL};
    errno = 0;
    check("fork: ENOSYS", fails_with(fork(), ENOSYS));
    check("execve: ENOSYS", fails_with(execve("/x.wasm", argv, envp), ENOSYS));
    check("execvp: ENOSYS", fails_with(execvp("x", argv), ENOSYS));
    check("execl: ENOSYS", fails_with(execl("/x.wasm", "x", (char *)NULL), ENOSYS));
    check("setuid(0), setgid(0), seteuid(0): ok", setuid(0) == 0 && setgid(0) == 0 && seteuid(0) == 0);
    check("setuid(65534): EPERM", fails_with(setuid(65534), EPERM));
    check("setgid(65534): EPERM", fails_with(setgid(65534), EPERM));
    check("setreuid(-1, 1000): EPERM", fails_with(setreuid((uid_t)-1, 1000), EPERM));
    gid_t g0[] = {0}, g1[] = {0, 65534};
    check("setgroups({0}): ok", setgroups(1, g0) == 0);
    check("setgroups({0, 65534}): EPERM", fails_with(setgroups(2, g1), EPERM));
    check("initgroups(nobody, 65534): EPERM", fails_with(initgroups("nobody", 65534), EPERM));
    check("still uid 0", getuid() == 0 && geteuid() == 0);
    struct rlimit rl;
    check("getrlimit(NOFILE) = 77/77 (the manifest's)", getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 77 && rl.rlim_max == 77);
    check("getrlimit(NPROC) = 9", getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur == 9);
    check("getrlimit(AS) = 64 MiB", getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == 64u << 20);
    check("getrlimit(CPU) = 90 s", getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == 90);
    check("getrlimit(CORE) = 0", getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_max == 0);
    check("getrlimit(STACK) = infinity", getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY);
    check("getrlimit(bad pointer): EFAULT", fails_with(getrlimit(RLIMIT_NOFILE, (struct rlimit *)0xfffffff0), EFAULT));
    struct rlimit lower = {10, 77}, higher = {100, 100}, inverted = {78, 77};
    check("setrlimit lower: EPERM (limits are the manifest's)", fails_with(setrlimit(RLIMIT_NOFILE, &lower), EPERM));
    check("setrlimit higher: EPERM", fails_with(setrlimit(RLIMIT_NOFILE, &higher), EPERM));
    check("setrlimit cur > max: EINVAL", fails_with(setrlimit(RLIMIT_NOFILE, &inverted), EINVAL));
    check("setpriority(5): EPERM", fails_with(setpriority(PRIO_PROCESS, 0, 5), EPERM));
    int64_t left = 0, interval = 0;
    check("sig_alarm with a bad pointer: EFAULT", raw_sig_alarm(1000000000, 0, (int64_t *)0xfffffff0, &interval) == EFAULT);
    check("sig_alarm negative: EINVAL", raw_sig_alarm(-5, 0, &left, &interval) == EINVAL);
    check("sig_alarm over 100 years: EINVAL", raw_sig_alarm(INT64_MAX, 0, &left, &interval) == EINVAL);
    check("sig_alarm -1 reads: nothing armed", raw_sig_alarm(-1, 0, &left, &interval) == 0 && left == 0);
    /* a period of one nanosecond would keep the kernel's timer thread busy: it is 1 ms */
    signal(SIGALRM, SIG_IGN);
    check("sig_alarm 1 ns period: rounded up to 1 ms", raw_sig_alarm(1, 1, &left, &interval) == 0
          && raw_sig_alarm(-1, 0, &left, &interval) == 0 && interval == 1000000 && left <= 1000000);
    check("sig_alarm disarm", raw_sig_alarm(0, 0, &left, &interval) == 0);
    check("sig_cputimer of timer 0 or 3: EINVAL", raw_sig_cputimer(0, 1000000, 0, &left, &interval) == EINVAL
          && raw_sig_cputimer(3, 1000000, 0, &left, &interval) == EINVAL);
    check("sig_cputimer negative or over 100 years: EINVAL", raw_sig_cputimer(2, -5, 0, &left, &interval) == EINVAL
          && raw_sig_cputimer(2, INT64_MAX, 0, &left, &interval) == EINVAL && raw_sig_cputimer(1, 1000000, -1, &left, &interval) == EINVAL);
    check("sig_cputimer with a bad pointer: EFAULT", raw_sig_cputimer(2, 1000000, 0, &left, (int64_t *)0xfffffff0) == EFAULT);
    signal(SIGPROF, SIG_IGN);
    check("sig_cputimer 1 ns period: rounded up to 1 ms", raw_sig_cputimer(2, 1, 1, &left, &interval) == 0
          && raw_sig_cputimer(2, -1, 0, &left, &interval) == 0 && interval == 1000000 && left <= 1000000);
    check("sig_cputimer disarm", raw_sig_cputimer(2, 0, 0, &left, &interval) == 0 && raw_sig_cputimer(2, -1, 0, &left, &interval) == 0
          && left == 0);
    int32_t old_disposition;
    check("sig_action restart flag without a handler: EINVAL", raw_sig_action(SIGUSR1, 0x100 | 1, &old_disposition) == EINVAL);
    check("sig_action unknown flag bits: EINVAL", raw_sig_action(SIGUSR1, 0x10000 | 2, &old_disposition) == EINVAL);
    check("sig_action restart flag on SIGKILL: EINVAL", raw_sig_action(SIGKILL, 0x100 | 2, &old_disposition) == EINVAL);
    /* ARCA_SIG_QUERY (3): reads the disposition, changes nothing */
    check("sig_action query of signal 0 or 99: EINVAL", raw_sig_action(0, 3, &old_disposition) == EINVAL
          && raw_sig_action(99, 3, &old_disposition) == EINVAL);
    check("sig_action query with a bad pointer: EFAULT", raw_sig_action(SIGUSR1, 3, (int32_t *)0xfffffff0) == EFAULT);
    signal(SIGUSR2, SIG_IGN);
    old_disposition = -1;
    int32_t again = -1;
    check("sig_action query: ignored, twice (unchanged)", raw_sig_action(SIGUSR2, 3, &old_disposition) == 0 && old_disposition == 1
          && raw_sig_action(SIGUSR2, 3, &again) == 0 && again == 1);
    /* proc_spawn's signal actions: any 64 bits are a set (bits naming no signal left out, as
       sigprocmask does); an unknown kind is EINVAL before the program is looked for */
    int32_t pid = 0;
    struct raw_action all[2] = {{3, -1, -1, 0, 0, 0}, {4, -1, -1, 0, 0, 0}};
    check("proc_spawn, sigmask and sigdefault of all 64 bits: ENOENT (no program)",
          raw_proc_spawn("/none.wasm", 10, "x", 2, "", 0, all, 2, -1, &pid) == ENOENT);
    struct raw_action bad = {5, 0, 0, 0, 0, 0};
    check("proc_spawn, action kind 5: EINVAL", raw_proc_spawn("/none.wasm", 10, "x", 2, "", 0, &bad, 1, -1, &pid) == EINVAL);
    return failures ? 1 : 0;
}
