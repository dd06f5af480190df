/* bad_pointers.c - every wasi_snapshot_preview1 import, called directly with
 * out-of-range pointers and lengths; each must fail with errno 21 (EFAULT)
 * and must not trap or touch memory.
 *
 * The 46 imports are declared here with their raw i32/i64 signatures from
 * the preview1 witx (not via wasi-libc), so the module imports all of them.
 * Kinds of bad arguments, per pointer parameter:
 *   bad      0xFFFFFFF0, far past the end of linear memory
 *   edge     exactly the end of memory (0 bytes available; aligned)
 *   straddle a byte buffer starting 3 bytes before the end of memory
 *   wrap     a valid pointer with a length that wraps past 4 GiB to a small
 *            number (catches 32-bit ptr+len overflow in bounds checks)
 *   count    an iovec/subscription count whose byte size wraps past 4 GiB
 *            (EINVAL is accepted here too, as from an IOV_MAX-style cap)
 * All other arguments are valid (real fds, existing paths), so EFAULT is the
 * only correct answer otherwise. Calls with no pointer parameters (fd_close,
 * sched_yield, proc_raise, proc_exit, ...) are skipped with a note; sock_*
 * have no socket to use, so "not a socket" errors are reported as skipped
 * (EFAULT is still accepted). Prints one line per import, then
 * "bad_pointers: N checked, M failed"; exits 1 if anything failed.
 *
 * Needs: a preopened directory (any), at least one --env variable.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_raw.h"

/* Imports without pointer parameters: never called, but referenced so the
 * module still imports them (a runtime must provide all 46 to link it). */
static void *volatile no_pointer_imports[] = {
    (void *)raw_fd_advise, (void *)raw_fd_allocate, (void *)raw_fd_close,
    (void *)raw_fd_datasync, (void *)raw_fd_fdstat_set_flags,
    (void *)raw_fd_fdstat_set_rights, (void *)raw_fd_filestat_set_size,
    (void *)raw_fd_filestat_set_times, (void *)raw_fd_renumber, (void *)raw_fd_sync,
    (void *)raw_proc_exit, (void *)raw_proc_raise, (void *)raw_sched_yield,
    (void *)raw_sock_shutdown,
};

enum { EFAULT_ = 21, EBADF_ = 8, EINVAL_ = 28, ENOSYS_ = 52, ENOTSOCK_ = 57, ENOTSUP_ = 58, ENOTCAPABLE_ = 76 };

#define BAD ((ptr)0xFFFFFFF0u)
static ptr mem_end(void) { return (ptr)(__builtin_wasm_memory_size(0) * 65536u); }
#define EDGE (mem_end())
#define STRADDLE (mem_end() - 3)

static uint8_t scratch[512] __attribute__((aligned(16)));
static ptr P(const void *p) { return (ptr)(uintptr_t)p; }
/* A length that makes [scratch, scratch+len) wrap around to address 16. */
#define WRAPLEN ((i32)(0u - P(scratch) + 16u))

/* ---- bookkeeping: one output line per import ---- */
static int n_checked, n_failed, n_skipped;
static const char *cur;
static int cur_cases, cur_bad, cur_notsock, cur_einval;
static char cur_detail[512];

static void begin(const char *name) {
    cur = name; cur_cases = cur_bad = cur_notsock = cur_einval = 0; cur_detail[0] = 0;
}
static void expect(const char *what, i32 err) {
    cur_cases++;
    if (err == EFAULT_) return;
    if (!strncmp(cur, "sock_", 5) &&
        (err == ENOTSOCK_ || err == EBADF_ || err == ENOTSUP_ || err == ENOSYS_ || err == ENOTCAPABLE_)) {
        cur_notsock++;
        return;
    }
    cur_bad++;
    size_t l = strlen(cur_detail);
    snprintf(cur_detail + l, sizeof cur_detail - l, "%s%s: errno %d", l ? ", " : "", what, err);
}
/* For element counts whose byte size wraps past 4 GiB, EINVAL is also fine:
 * it is what a runtime with an IOV_MAX-style cap (as Linux has) returns
 * before looking at memory. What matters is no trap, hang or memory access. */
static void expect_count(const char *what, i32 err) {
    if (err == EINVAL_) { cur_cases++; cur_einval++; return; }
    expect(what, err);
}
static void end(void) {
    if (cur_bad) {
        n_checked++; n_failed++;
        printf("%s: FAIL (%s)\n", cur, cur_detail);
    } else if (cur_notsock) {
        n_skipped++;
        printf("%s: skipped (no socket to test with; runtime reported not-a-socket)\n", cur);
    } else {
        n_checked++;
        printf("%s: EFAULT ok%s\n", cur, cur_einval ? " (EINVAL for the wrapping count, accepted)" : "");
    }
    fflush(stdout);
}
static void skip(const char *name, const char *why) {
    n_skipped++;
    printf("%s: skipped (%s)\n", name, why);
}

struct iov { ptr buf; i32 len; };
struct subscription {           /* 48 bytes, clock variant */
    uint64_t userdata;
    uint8_t tag; uint8_t pad[7];
    uint32_t clock_id; uint32_t pad2;
    uint64_t timeout, precision;
    uint16_t flags; uint8_t pad3[6];
};
_Static_assert(sizeof(struct subscription) == 48, "subscription layout");

int main(void) {
    uintptr_t keep = 0;   /* volatile reads keep every entry (and so every import) */
    for (size_t i = 0; i < sizeof no_pointer_imports / sizeof *no_pointer_imports; i++)
        keep |= (uintptr_t)no_pointer_imports[i];
    if (!keep) return 2;
    uint8_t out8[64] __attribute__((aligned(8)));
    uint32_t u1 = 0, u2 = 0;

    /* Find a preopened directory (for fd_prestat_*), make some things to
     * point at, and open the cwd as the base fd for path_* and fd_readdir. */
    i32 predir = -1;
    uint32_t dirname_len = 0;
    for (i32 fd = 3; fd < 64 && predir < 0; fd++) {
        uint32_t pre[2];
        if (raw_fd_prestat_get(fd, P(pre)) == 0 && (pre[0] & 0xff) == 0) { predir = fd; dirname_len = pre[1]; }
    }
    if (predir < 0) { printf("no preopened directory\n"); return 1; }
    i32 dirfd = open(".", O_RDONLY | O_DIRECTORY);
    if (dirfd < 0) { printf("cannot open the current directory\n"); return 1; }
    static const char file_name[] = "bp_file", link_name[] = "bp_link", dir_name[] = "bp_dir";
    int fd = open(file_name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { printf("cannot create %s\n", file_name); return 1; }
    write(fd, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 64);
    symlink(file_name, link_name);
    mkdir(dir_name, 0755);
    memcpy(scratch, file_name, sizeof file_name);           /* for path "wrap" cases */
    ptr fpath = P(file_name);
    struct iov good_iov = {P(scratch + 256), 16};
    struct iov bad_buf_iov = {BAD, 16};
    struct iov wrap_iov = {P(scratch), WRAPLEN};
    struct iov straddle_iov = {STRADDLE, 7};
    const i32 IOV_COUNT_WRAP = 0x20000001;                  /* 8 * n wraps to 8 */

    /* ---- args / environ ---- */
    begin("args_sizes_get");
    expect("bad argc", raw_args_sizes_get(BAD, P(&u2)));
    expect("bad bufsize", raw_args_sizes_get(P(&u1), BAD));
    expect("edge argc", raw_args_sizes_get(EDGE, P(&u2)));
    end();
    begin("args_get");
    {
        static ptr argv[64]; static char buf[4096];
        expect("bad argv", raw_args_get(BAD, P(buf)));
        expect("bad argv_buf", raw_args_get(P(argv), BAD));
        expect("straddle argv_buf", raw_args_get(P(argv), STRADDLE));
    }
    end();
    begin("environ_sizes_get");
    expect("bad count", raw_environ_sizes_get(BAD, P(&u2)));
    expect("bad bufsize", raw_environ_sizes_get(P(&u1), BAD));
    end();
    begin("environ_get");
    {
        static ptr env[64]; static char buf[4096];
        expect("bad environ", raw_environ_get(BAD, P(buf)));
        expect("bad environ_buf", raw_environ_get(P(env), BAD));
        expect("straddle environ_buf", raw_environ_get(P(env), STRADDLE));
    }
    end();

    /* ---- clocks / random ---- */
    begin("clock_res_get");
    expect("bad", raw_clock_res_get(1, BAD));
    expect("edge", raw_clock_res_get(1, EDGE));
    end();
    begin("clock_time_get");
    expect("bad", raw_clock_time_get(1, 1, BAD));
    expect("edge", raw_clock_time_get(0, 1, EDGE));
    end();
    begin("random_get");
    expect("bad", raw_random_get(BAD, 16));
    expect("straddle", raw_random_get(STRADDLE, 7));
    expect("wrap", raw_random_get(P(scratch), WRAPLEN));
    end();

    /* ---- fd_* ---- */
    begin("fd_fdstat_get");
    expect("bad", raw_fd_fdstat_get(fd, BAD));
    expect("edge", raw_fd_fdstat_get(fd, EDGE));
    end();
    begin("fd_filestat_get");
    expect("bad", raw_fd_filestat_get(fd, BAD));
    expect("edge", raw_fd_filestat_get(fd, EDGE));
    end();
    begin("fd_prestat_get");
    expect("bad", raw_fd_prestat_get(predir, BAD));
    expect("edge", raw_fd_prestat_get(predir, EDGE));
    end();
    begin("fd_prestat_dir_name");
    expect("bad", raw_fd_prestat_dir_name(predir, BAD, (i32)dirname_len));
    expect("straddle", raw_fd_prestat_dir_name(predir, mem_end() - (dirname_len ? dirname_len - 1 : 0), (i32)dirname_len));
    expect("wrap", raw_fd_prestat_dir_name(predir, P(scratch), WRAPLEN));
    end();
    begin("fd_seek");
    expect("bad", raw_fd_seek(fd, 0, 0, BAD));
    expect("edge", raw_fd_seek(fd, 0, 0, EDGE));
    end();
    begin("fd_tell");
    expect("bad", raw_fd_tell(fd, BAD));
    expect("edge", raw_fd_tell(fd, EDGE));
    end();

    begin("fd_read");
    expect("bad iovs", raw_fd_read(fd, BAD, 1, P(&u1)));
    expect("straddle iovs", raw_fd_read(fd, mem_end() - 4, 1, P(&u1)));
    expect_count("iovs count wrap", raw_fd_read(fd, P(&good_iov), IOV_COUNT_WRAP, P(&u1)));
    lseek(fd, 0, SEEK_SET);
    expect("bad buf", raw_fd_read(fd, P(&bad_buf_iov), 1, P(&u1)));
    lseek(fd, 0, SEEK_SET);
    expect("straddle buf", raw_fd_read(fd, P(&straddle_iov), 1, P(&u1)));
    lseek(fd, 0, SEEK_SET);
    expect("wrap buf", raw_fd_read(fd, P(&wrap_iov), 1, P(&u1)));
    lseek(fd, 0, SEEK_SET);
    expect("bad nread", raw_fd_read(fd, P(&good_iov), 1, BAD));
    end();
    begin("fd_pread");
    expect("bad iovs", raw_fd_pread(fd, BAD, 1, 0, P(&u1)));
    expect_count("iovs count wrap", raw_fd_pread(fd, P(&good_iov), IOV_COUNT_WRAP, 0, P(&u1)));
    expect("bad buf", raw_fd_pread(fd, P(&bad_buf_iov), 1, 0, P(&u1)));
    expect("straddle buf", raw_fd_pread(fd, P(&straddle_iov), 1, 0, P(&u1)));
    expect("wrap buf", raw_fd_pread(fd, P(&wrap_iov), 1, 0, P(&u1)));
    expect("bad nread", raw_fd_pread(fd, P(&good_iov), 1, 0, BAD));
    end();
    begin("fd_write");
    expect("bad iovs", raw_fd_write(fd, BAD, 1, P(&u1)));
    expect("straddle iovs", raw_fd_write(fd, mem_end() - 4, 1, P(&u1)));
    expect_count("iovs count wrap", raw_fd_write(fd, P(&good_iov), IOV_COUNT_WRAP, P(&u1)));
    expect("bad buf", raw_fd_write(fd, P(&bad_buf_iov), 1, P(&u1)));
    expect("straddle buf", raw_fd_write(fd, P(&straddle_iov), 1, P(&u1)));
    expect("wrap buf", raw_fd_write(fd, P(&wrap_iov), 1, P(&u1)));
    expect("bad nwritten", raw_fd_write(fd, P(&good_iov), 1, BAD));
    end();
    begin("fd_pwrite");
    expect("bad iovs", raw_fd_pwrite(fd, BAD, 1, 0, P(&u1)));
    expect_count("iovs count wrap", raw_fd_pwrite(fd, P(&good_iov), IOV_COUNT_WRAP, 0, P(&u1)));
    expect("bad buf", raw_fd_pwrite(fd, P(&bad_buf_iov), 1, 0, P(&u1)));
    expect("straddle buf", raw_fd_pwrite(fd, P(&straddle_iov), 1, 0, P(&u1)));
    expect("wrap buf", raw_fd_pwrite(fd, P(&wrap_iov), 1, 0, P(&u1)));
    expect("bad nwritten", raw_fd_pwrite(fd, P(&good_iov), 1, 0, BAD));
    end();
    begin("fd_readdir");
    expect("bad buf", raw_fd_readdir(dirfd, BAD, 256, 0, P(&u1)));
    expect("straddle buf", raw_fd_readdir(dirfd, STRADDLE, 256, 0, P(&u1)));
    expect("wrap buf", raw_fd_readdir(dirfd, P(scratch), WRAPLEN, 0, P(&u1)));
    expect("bad bufused", raw_fd_readdir(dirfd, P(scratch), 256, 0, BAD));
    end();

    /* ---- path_* (path pointers: bad, straddle, wrap) ---- */
    begin("path_create_directory");
    expect("bad path", raw_path_create_directory(dirfd, BAD, 6));
    expect("straddle path", raw_path_create_directory(dirfd, STRADDLE, 7));
    expect("wrap path", raw_path_create_directory(dirfd, P(scratch), WRAPLEN));
    end();
    begin("path_remove_directory");
    expect("bad path", raw_path_remove_directory(dirfd, BAD, 6));
    expect("wrap path", raw_path_remove_directory(dirfd, P(scratch), WRAPLEN));
    end();
    begin("path_unlink_file");
    expect("bad path", raw_path_unlink_file(dirfd, BAD, 7));
    expect("wrap path", raw_path_unlink_file(dirfd, P(scratch), WRAPLEN));
    end();
    begin("path_filestat_get");
    expect("bad path", raw_path_filestat_get(dirfd, 1, BAD, 7, P(out8)));
    expect("straddle path", raw_path_filestat_get(dirfd, 1, STRADDLE, 7, P(out8)));
    expect("wrap path", raw_path_filestat_get(dirfd, 1, P(scratch), WRAPLEN, P(out8)));
    expect("bad buf", raw_path_filestat_get(dirfd, 1, fpath, 7, BAD));
    expect("edge buf", raw_path_filestat_get(dirfd, 1, fpath, 7, EDGE));
    end();
    begin("path_filestat_set_times");
    expect("bad path", raw_path_filestat_set_times(dirfd, 1, BAD, 7, 0, 0, 2 | 8));
    expect("wrap path", raw_path_filestat_set_times(dirfd, 1, P(scratch), WRAPLEN, 0, 0, 2 | 8));
    end();
    begin("path_open");
    {
        const i64 rights = 0x1FFFFFFF;
        expect("bad path", raw_path_open(dirfd, 1, BAD, 7, 0, rights, rights, 0, P(&u1)));
        expect("straddle path", raw_path_open(dirfd, 1, STRADDLE, 7, 0, rights, rights, 0, P(&u1)));
        expect("wrap path", raw_path_open(dirfd, 1, P(scratch), WRAPLEN, 0, rights, rights, 0, P(&u1)));
        expect("bad fd out", raw_path_open(dirfd, 1, fpath, 7, 0, rights, rights, 0, BAD));
        expect("edge fd out", raw_path_open(dirfd, 1, fpath, 7, 0, rights, rights, 0, EDGE));
    }
    end();
    begin("path_readlink");
    {
        ptr lpath = P(link_name);
        expect("bad path", raw_path_readlink(dirfd, BAD, 7, P(scratch + 256), 64, P(&u1)));
        expect("wrap path", raw_path_readlink(dirfd, P(scratch), WRAPLEN, P(scratch + 256), 64, P(&u1)));
        expect("bad buf", raw_path_readlink(dirfd, lpath, 7, BAD, 64, P(&u1)));
        expect("straddle buf", raw_path_readlink(dirfd, lpath, 7, STRADDLE, 64, P(&u1)));
        expect("wrap buf", raw_path_readlink(dirfd, lpath, 7, P(scratch + 256), (i32)(0u - P(scratch + 256) + 16u), P(&u1)));
        expect("bad bufused", raw_path_readlink(dirfd, lpath, 7, P(scratch + 256), 64, BAD));
    }
    end();
    begin("path_link");
    {
        static const char nn[] = "bp_hard";
        expect("bad old path", raw_path_link(dirfd, 0, BAD, 7, dirfd, P(nn), 7));
        expect("wrap old path", raw_path_link(dirfd, 0, P(scratch), WRAPLEN, dirfd, P(nn), 7));
        expect("bad new path", raw_path_link(dirfd, 0, fpath, 7, dirfd, BAD, 7));
        expect("straddle new path", raw_path_link(dirfd, 0, fpath, 7, dirfd, STRADDLE, 7));
    }
    end();
    begin("path_rename");
    {
        static const char nn[] = "bp_renamed";
        expect("bad old path", raw_path_rename(dirfd, BAD, 7, dirfd, P(nn), 10));
        expect("wrap old path", raw_path_rename(dirfd, P(scratch), WRAPLEN, dirfd, P(nn), 10));
        expect("bad new path", raw_path_rename(dirfd, fpath, 7, dirfd, BAD, 10));
        expect("wrap new path", raw_path_rename(dirfd, fpath, 7, dirfd, P(scratch), WRAPLEN));
    }
    end();
    begin("path_symlink");
    {
        static const char nn[] = "bp_sym";
        expect("bad target", raw_path_symlink(BAD, 7, dirfd, P(nn), 6));
        expect("wrap target", raw_path_symlink(P(scratch), WRAPLEN, dirfd, P(nn), 6));
        expect("bad new path", raw_path_symlink(fpath, 7, dirfd, BAD, 6));
        expect("straddle new path", raw_path_symlink(fpath, 7, dirfd, STRADDLE, 7));
    }
    end();

    /* ---- poll_oneoff ---- */
    begin("poll_oneoff");
    {
        static struct subscription sub[2];
        static uint8_t events[2 * 32] __attribute__((aligned(8)));
        memset(sub, 0, sizeof sub);
        sub[0].userdata = 1; sub[0].tag = 0; sub[0].clock_id = 1; sub[0].timeout = 1;
        expect("bad in", raw_poll_oneoff(BAD, P(events), 1, P(&u1)));
        expect("straddle in", raw_poll_oneoff(mem_end() - 24, P(events), 1, P(&u1)));
        expect_count("in count wrap", raw_poll_oneoff(P(sub), P(events), 0x05555556, P(&u1)));  /* 48*n wraps to 32 */
        expect("bad out", raw_poll_oneoff(P(sub), BAD, 1, P(&u1)));
        expect("edge out", raw_poll_oneoff(P(sub), EDGE, 1, P(&u1)));
        expect("bad nevents", raw_poll_oneoff(P(sub), P(events), 1, BAD));
    }
    end();

    /* ---- sockets: no socket exists, so only EFAULT or "not a socket" ---- */
    begin("sock_accept");
    expect("bad fd out", raw_sock_accept(fd, 0, BAD));
    end();
    begin("sock_recv");
    expect("bad iovs", raw_sock_recv(fd, BAD, 1, 0, P(&u1), P(&u2)));
    expect("bad datalen", raw_sock_recv(fd, P(&good_iov), 1, 0, BAD, P(&u2)));
    end();
    begin("sock_send");
    expect("bad iovs", raw_sock_send(fd, BAD, 1, 0, P(&u1)));
    expect("bad datalen", raw_sock_send(fd, P(&good_iov), 1, 0, BAD));
    end();

    /* ---- no pointer parameters ---- */
    static const char *const nop[] = {
        "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_set_flags",
        "fd_fdstat_set_rights", "fd_filestat_set_size", "fd_filestat_set_times",
        "fd_renumber", "fd_sync", "proc_raise", "sched_yield", "sock_shutdown",
    };
    for (size_t i = 0; i < sizeof nop / sizeof *nop; i++) skip(nop[i], "no pointer arguments");
    skip("proc_exit", "no pointer arguments; the program exits normally instead");

    printf("bad_pointers: %d checked, %d failed\n", n_checked, n_failed);
    printf("(%d skipped; %d imports total)\n", n_skipped, n_checked + n_skipped);
    return n_failed ? 1 : 0;
}
