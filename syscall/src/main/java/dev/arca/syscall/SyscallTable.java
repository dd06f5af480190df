package dev.arca.syscall;

import static dev.arca.engine.ValueType.I32;
import static dev.arca.engine.ValueType.I64;
import static dev.arca.syscall.Support.FULL;
import static dev.arca.syscall.Support.PARTIAL;
import static dev.arca.syscall.Support.UNSUPPORTED;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.HostFunction;
import dev.arca.engine.ValueType;
import dev.arca.syscall.arca.ArcaAbi;
import dev.arca.syscall.arca.DescriptorCalls;
import dev.arca.syscall.arca.ProcessCalls;
import dev.arca.syscall.arca.PollCalls;
import dev.arca.syscall.arca.SignalCalls;
import dev.arca.syscall.arca.SocketCalls;
import dev.arca.syscall.wasi.ArgsEnv;
import dev.arca.syscall.wasi.Clocks;
import dev.arca.syscall.wasi.Files;
import dev.arca.syscall.wasi.Paths;
import dev.arca.syscall.wasi.Poll;
import dev.arca.syscall.wasi.Proc;
import dev.arca.syscall.wasi.Random;
import dev.arca.syscall.wasi.Sockets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every import Arca offers a guest, once: its signature, its handler, how well it is supported
 * and a note. The compatibility page (docs/syscalls.md) is generated from this table by {@code
 * arca syscalls --markdown}; a test keeps the two equal.
 */
public final class SyscallTable {
    private SyscallTable() {}

    public static final String WASI = "wasi_snapshot_preview1";

    private static final List<Syscall> ALL = new ArrayList<>();

    private static void wasi(String name, List<ValueType> params, Support support, String note, Handler h) {
        ALL.add(new Syscall(WASI, name, params, List.of(I32), support, note, h));
    }

    private static List<ValueType> p(ValueType... t) {
        return List.of(t);
    }

    static {
        // args and environment
        wasi("args_get", p(I32, I32), FULL, "argv[0] is the program's guest path or name", ArgsEnv::argsGet);
        wasi("args_sizes_get", p(I32, I32), FULL, "", ArgsEnv::argsSizesGet);
        wasi("environ_get", p(I32, I32), FULL, "only variables given by --env or the manifest; none from the host by default", ArgsEnv::environGet);
        wasi("environ_sizes_get", p(I32, I32), FULL, "", ArgsEnv::environSizesGet);
        // clocks
        wasi("clock_res_get", p(I32, I32), FULL, "realtime 1 us, monotonic 1 ns, CPU clocks 1 us", Clocks::resGet);
        wasi("clock_time_get", p(I32, I64, I32), FULL, "realtime comes from the untrusted host; the process CPU clock counts every thread of the process, the thread CPU clock the caller", Clocks::timeGet);
        // descriptors
        wasi("fd_advise", p(I32, I64, I64, I32), FULL, "advice is checked and then ignored, as Linux may", Files::advise);
        wasi("fd_allocate", p(I32, I64, I64), FULL, "extends the file with zeros, like posix_fallocate", Files::allocate);
        wasi("fd_close", p(I32), FULL, "", Files::close);
        wasi("fd_datasync", p(I32), FULL, "", Files::datasync);
        wasi("fd_fdstat_get", p(I32, I32), FULL, "", Files::fdstatGet);
        wasi("fd_fdstat_set_flags", p(I32, I32), PARTIAL, "APPEND and NONBLOCK take effect; DSYNC, RSYNC and SYNC are kept but every write is already passed to the host at once", Files::fdstatSetFlags);
        wasi("fd_fdstat_set_rights", p(I32, I64, I64), FULL, "rights can only be dropped", Files::fdstatSetRights);
        wasi("fd_filestat_get", p(I32, I32), FULL, "st_dev is the mount's number; standard streams report a character device", Files::filestatGet);
        wasi("fd_filestat_set_size", p(I32, I64), FULL, "", Files::filestatSetSize);
        wasi("fd_filestat_set_times", p(I32, I64, I64, I32), FULL, "", Files::filestatSetTimes);
        wasi("fd_pread", p(I32, I32, I32, I64, I32), FULL, "", Files::pread);
        wasi("fd_prestat_get", p(I32, I32), FULL, "the namespace root \"/\" is preopened as descriptor 3", Files::prestatGet);
        wasi("fd_prestat_dir_name", p(I32, I32, I32), FULL, "", Files::prestatDirName);
        wasi("fd_pwrite", p(I32, I32, I32, I64, I32), FULL, "", Files::pwrite);
        wasi("fd_read", p(I32, I32, I32, I32), FULL, "as Linux: on a pipe or standard input it waits (unless NONBLOCK) until something is there, then returns what is; at most 2 GiB - 4 KiB per call", Files::read);
        wasi("fd_readdir", p(I32, I32, I32, I64, I32), FULL, "cookies index a listing taken when the cookie is 0; mount points are listed", Files::readdir);
        wasi("fd_renumber", p(I32, I32), FULL, "", Files::renumber);
        wasi("fd_seek", p(I32, I64, I32, I32), FULL, "", Files::seek);
        wasi("fd_sync", p(I32), FULL, "", Files::sync);
        wasi("fd_tell", p(I32, I32), FULL, "", Files::tell);
        wasi("fd_write", p(I32, I32, I32, I32), FULL, "as Linux: a non-blocking write to a pipe returns the part that fit; a blocking one returns early only when a signal stops it; at most 2 GiB - 4 KiB per call", Files::write);
        // paths
        wasi("path_create_directory", p(I32, I32, I32), FULL, "", Paths::createDirectory);
        wasi("path_filestat_get", p(I32, I32, I32, I32, I32), FULL, "", Paths::filestatGet);
        wasi("path_filestat_set_times", p(I32, I32, I32, I32, I64, I64, I32), FULL, "", Paths::filestatSetTimes);
        wasi("path_link", p(I32, I32, I32, I32, I32, I32, I32), FULL, "within one mount (EXDEV across mounts)", Paths::link);
        wasi("path_open", p(I32, I32, I32, I32, I32, I64, I64, I32, I32), FULL, "resolution stays below the directory descriptor: '..', absolute paths and symbolic links cannot leave it", Paths::open);
        wasi("path_readlink", p(I32, I32, I32, I32, I32, I32), FULL, "a target longer than the buffer is truncated", Paths::readlink);
        wasi("path_remove_directory", p(I32, I32, I32), FULL, "", Paths::removeDirectory);
        wasi("path_rename", p(I32, I32, I32, I32, I32, I32), FULL, "within one mount (EXDEV across mounts)", Paths::rename);
        wasi("path_symlink", p(I32, I32, I32, I32, I32), FULL, "targets are stored verbatim and resolved by Arca, never by the host", Paths::symlink);
        wasi("path_unlink_file", p(I32, I32, I32), FULL, "", Paths::unlinkFile);
        // polling, processes, randomness
        wasi("poll_oneoff", p(I32, I32, I32, I32), FULL, "clocks (relative and absolute), standard input, files and devices; a wait ends with EINTR when a signal is to be taken (as Linux's poll and nanosleep, whatever SA_RESTART says: libarca's `clock_nanosleep`, under `nanosleep`, `sleep` and `usleep`, reports it with the time left, where wasi-libc's said ENOTSUP)", Poll::pollOneoff);
        ALL.add(new Syscall(WASI, "proc_exit", p(I32), List.of(), FULL, "ends the process; its code becomes arca run's exit status", Proc::exit));
        wasi("proc_raise", p(I32), PARTIAL, "default actions only: terminate (exit status 128+signal) or ignore; no job control", Proc::raise);
        wasi("sched_yield", p(), FULL, "", Proc::schedYield);
        wasi("random_get", p(I32, I32), FULL, "the OS CSPRNG: /dev/urandom, read by the host layer once it has checked it is the kernel's device (else the JDK's SecureRandom)", Random::get);
        // sockets
        wasi("sock_accept", p(I32, I32, I32), FULL, "on the kernel's sockets (docs/sockets.md); fdflags NONBLOCK for the new descriptor", Sockets::accept);
        wasi("sock_recv", p(I32, I32, I32, I32, I32, I32), FULL, "RECV_PEEK, RECV_WAITALL; DATA_TRUNCATED for a cut datagram", Sockets::recv);
        wasi("sock_send", p(I32, I32, I32, I32, I32), FULL, "EPIPE and SIGPIPE when the peer is gone", Sockets::send);
        wasi("sock_shutdown", p(I32, I32), FULL, "RD, WR or both", Sockets::shutdown);
    }

    public static final String ARCA = "arca";

    private static final int EINTR = Errno.EINTR.code();

    /**
     * An arca call, declared by its C parameters (the SDK's prototype is generated from them; the
     * wasm types follow: 64-bit integers are i64, everything else, pointers included, i32).
     */
    private static void arca(String name, String cParams, Support support, String note, Handler h) {
        List<ValueType> params = new ArrayList<>();
        for (String param : cParams.isEmpty() ? new String[0] : cParams.split(",")) {
            params.add(isInt64(param.trim()) ? I64 : I32);
        }
        ALL.add(new Syscall(ARCA, name, params, List.of(I32), support, note, h, cParams));
    }

    /** Whether a C parameter is a 64-bit integer ("int64_t x" or "uint64_t x", not a pointer); no regex: this runs at every start. */
    private static boolean isInt64(String param) {
        String rest = param.startsWith("uint64_t ") ? param.substring(9) : param.startsWith("int64_t ") ? param.substring(8) : null;
        if (rest == null || rest.isEmpty()) return false;
        for (int i = 0; i < rest.length(); i++) {
            if (!Character.isLetterOrDigit(rest.charAt(i)) && rest.charAt(i) != '_') return false;
        }
        return true;
    }

    static {
        // the arca module: what preview1 lacks. Numbers and structs are ArcaAbi's (arca_abi.h).
        arca("proc_spawn", "const char *path, uint32_t path_len, const char *argv, uint32_t argv_len, const char *envp, "
                + "uint32_t envp_len, const struct __arca_spawn_action *actions, uint32_t n_actions, int32_t pgroup, int32_t *pid_out", FULL,
                "posix_spawn of an absolute guest path; argv and envp are NUL-terminated strings packed in one buffer; "
                        + "pgroup ARCA_PGROUP_KEEP (-1) keeps the parent's group, ARCA_PGROUP_NEW (0) makes a new one, N joins N. Inherits every descriptor not marked close-on-spawn; "
                        + "the actions run first, in order, as in Linux's child before execve (closing a descriptor that is not open is no error, as in glibc). "
                        + "The child's signals are as execve leaves them: what the parent ignores stays ignored, every other disposition is the default, and its first thread blocks what the spawning thread blocks; "
                        + "the action kinds ARCA_SPAWN_SIGMASK and ARCA_SPAWN_SIGDEFAULT (a 64-bit set in `fd` and `arg`, bits naming no signal left out) set the mask and reset the signals named to their default "
                        + "(posix_spawn's POSIX_SPAWN_SETSIGMASK, POSIX_SPAWN_SETSIGDEF; before 2026-12-05 a child started with nothing ignored and nothing blocked, and libarca dropped both attributes). "
                        + "EACCES for a program that is not a regular file (never read), ENOEXEC for an invalid module or one over 256 MiB, E2BIG for a string over 128 KiB or argv and envp over 2 MiB (Linux's limits), ENOMEM over 65536 actions, EAGAIN at the process limit",
                ProcessCalls::spawn);
        arca("proc_wait", "int32_t pid, int32_t options, int32_t *status_out, int32_t *pid_out", FULL,
                "waitpid; pid -1 any child, 0 the caller's group, < -1 that group; option ARCA_WNOHANG (pid_out 0 when none has ended); the status in Linux's encoding; ECHILD, EINTR",
                ProcessCalls::waitpid);
        arca("proc_getpid", "int32_t *pid_out", FULL, "the caller's pid", ProcessCalls::getpid);
        arca("proc_getppid", "int32_t *pid_out", FULL, "0 for the first process; orphans are re-parented to pid 1", ProcessCalls::getppid);
        arca("proc_getpgrp", "int32_t *pgrp_out", FULL, "the caller's process group", ProcessCalls::getpgrp);
        arca("proc_getrlimit", "int32_t resource, uint64_t *limits_out", FULL,
                "getrlimit(2) with Linux's RLIMIT_* numbers, limits_out {u64 cur, u64 max}: NOFILE the open-file limit, AS and DATA the memory limit, CPU the CPU-time limit in seconds, NPROC the process limit, CORE 0; others RLIM_INFINITY; EINVAL for an unknown resource",
                ProcessCalls::getrlimit);
        arca("proc_kill", "int32_t pid, int32_t sig", FULL,
                "a process may signal itself and its descendants (else EPERM); pid 0 or -N a process group; sig 0 checks existence; ESRCH, EINVAL",
                ProcessCalls::kill);
        arca("sig_action", "int32_t sig, int32_t disposition, int32_t *old_out", FULL,
                "disposition ARCA_SIG_DEFAULT, ARCA_SIG_IGNORE or ARCA_SIG_HANDLE (ORed with ARCA_SIG_RESTART: the calls Linux restarts under SA_RESTART are restarted after the handler instead of failing with EINTR): handlers run at the next syscall boundary through the guest's exported ARCA_SIGNAL_ENTRY(sig); SIGKILL and SIGSTOP cannot be caught; "
                        + "ARCA_SIG_QUERY changes nothing and reports the disposition (libarca's `sigaction` asks it for a signal the process has not set, so a spawned child sees the SIG_IGN it inherited)",
                SignalCalls::action);
        arca("sig_mask", "int32_t how, uint64_t set, uint64_t *old_out", FULL,
                "how ARCA_SIG_BLOCK, ARCA_SIG_UNBLOCK or ARCA_SIG_SETMASK (bit N: signal N); SIGKILL and SIGSTOP cannot be blocked", SignalCalls::mask);
        arca("sig_alarm", "int64_t value_ns, int64_t interval_ns, int64_t *old_value_ns_out, int64_t *old_interval_ns_out", FULL,
                "setitimer(ITIMER_REAL) and alarm: SIGALRM after value_ns, then every interval_ns (0: once); value_ns 0 disarms, -1 only reads it; times under 1 ms are rounded up to 1 ms; the old timer's remaining time and interval are written out; one per process, not inherited by a spawned child; EINVAL for a negative time or one over 100 years",
                SignalCalls::alarm);
        arca("sig_cputimer", "int32_t which, int64_t value_ns, int64_t interval_ns, int64_t *old_value_ns_out, int64_t *old_interval_ns_out", FULL,
                "setitimer(ITIMER_VIRTUAL or ITIMER_PROF), which ARCA_ITIMER_VIRTUAL or ARCA_ITIMER_PROF: SIGVTALRM or SIGPROF once the process has used value_ns more CPU time, then every interval_ns of it (0: once); "
                        + "both count the process's CPU time, every thread's (its system calls are Arca's code on its own thread: no line between user and system time is drawn); "
                        + "checked every 4 ms, as Linux's tick at 250 Hz, so an expiry is seen up to that late, and expiries missed meanwhile give one signal; value_ns 0 disarms, -1 only reads it; times under 1 ms are rounded up to 1 ms; "
                        + "the old timer's CPU time left and interval are written out; one of each per process, not inherited by a spawned child; EINVAL for another timer, a negative time or one over 100 years",
                SignalCalls::cpuTimer);
        arca("sig_pending", "uint64_t *set_out", FULL, "the signals pending for the caller (bit N: signal N)", SignalCalls::pending);
        arca("fd_pipe", "int32_t *fds_out, int32_t fdflags", FULL,
                "fds_out[2]; a 256 KiB buffer; writes up to ARCA_PIPE_BUF bytes are atomic; EOF when every writer has closed; EPIPE and SIGPIPE with no reader; NONBLOCK gives EAGAIN",
                DescriptorCalls::pipe);
        arca("fd_dup", "int32_t fd, int32_t min, int32_t *new_out", FULL, "the lowest free descriptor >= min (dup, F_DUPFD)", DescriptorCalls::dup);
        arca("fd_dup2", "int32_t fd, int32_t new_fd", FULL, "closes new_fd first; EBADF beyond the open-file limit", DescriptorCalls::dup2);
        arca("fd_cloexec", "int32_t fd, int32_t op, int32_t *old_out", FULL,
                "op ARCA_CLOEXEC_GET, ARCA_CLOEXEC_SET or ARCA_CLOEXEC_CLEAR: FD_CLOEXEC, i.e. not inherited by proc_spawn", DescriptorCalls::cloexec);
        arca("fd_lock", "int32_t fd, int32_t cmd, int32_t type, int64_t start, int64_t len, struct __arca_lock *lock_out", FULL,
                "cmd ARCA_F_GETLK, ARCA_F_SETLK or ARCA_F_SETLKW, type ARCA_LOCK_READ, ARCA_LOCK_WRITE or ARCA_LOCK_UNLOCK, len 0: to the end of the file: "
                        + "POSIX advisory record locks shared by all processes of the instance, released when the process ends; EAGAIN, EINTR, EBADF",
                DescriptorCalls::lock);
        // sockets: docs/sockets.md has the constants, address layouts, options and readiness
        arca("sock_open", "int32_t domain, int32_t type, int32_t protocol, int32_t *fd_out", FULL,
                "socket(2); AF_INET 1, AF_INET6 2, AF_UNIX 3; SOCK_DGRAM 5, SOCK_STREAM 6, | SOCK_NONBLOCK 0x4000 | SOCK_CLOEXEC 0x2000; EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE, ENFILE (the instance's socket limit)",
                SocketCalls::open);
        arca("sock_pair", "int32_t domain, int32_t type, int32_t protocol, int32_t *fds_out", FULL,
                "socketpair(2) into fds_out[2]: AF_UNIX streams only (EOPNOTSUPP otherwise)", SocketCalls::pair);
        arca("sock_bind", "int32_t fd, const void *addr, uint32_t addr_len", FULL,
                "bind(2); an IP port only as the network policy allows (EACCES and a security-log line otherwise); AF_UNIX paths absolute or abstract; EADDRINUSE",
                SocketCalls::bind);
        arca("sock_listen", "int32_t fd, int32_t backlog", FULL,
                "listen(2); an unbound IP socket is bound to an allowed port first; backlog 1..4096", SocketCalls::listen);
        arca("sock_accept4", "int32_t fd, void *addr, uint32_t *addr_len, int32_t flags, int32_t *fd_out", FULL,
                "accept4(2); flags SOCK_NONBLOCK|SOCK_CLOEXEC; a null addr skips the address; EAGAIN, EINVAL when not listening, ENFILE",
                SocketCalls::accept4);
        arca("sock_connect", "int32_t fd, const void *addr, uint32_t addr_len", FULL,
                "connect(2); to a listener of the instance in the kernel, else through the host as the policy allows (EACCES otherwise); EINPROGRESS when non-blocking; ECONNREFUSED; EACCES for an RA-TLS peer that is refused",
                SocketCalls::connect);
        arca("sock_name", "int32_t fd, int32_t which, void *addr, uint32_t *addr_len", FULL,
                "getsockname(2) (which 0), getpeername(2) (which 1); ENOTCONN", SocketCalls::name);
        arca("sock_getopt", "int32_t fd, int32_t level, int32_t name, void *value, uint32_t *value_len", FULL,
                "getsockopt(2) for the documented options; ENOPROTOOPT for others", SocketCalls::getopt);
        arca("sock_setopt", "int32_t fd, int32_t level, int32_t name, const void *value, uint32_t value_len", FULL,
                "setsockopt(2) for the documented options; ENOPROTOOPT for others, EINVAL for a bad length", SocketCalls::setopt);
        arca("sock_sendto", "int32_t fd, const void *iovs, uint32_t iovs_len, int32_t flags, const void *addr, uint32_t addr_len, uint32_t *nsent_out", FULL,
                "sendmsg(2) over preview1-style iovecs; MSG_DONTWAIT 0x40, MSG_NOSIGNAL 0x4000 (else EPIPE also raises SIGPIPE); at most 1 MiB per call",
                SocketCalls::sendto);
        arca("sock_recvfrom", "int32_t fd, const void *iovs, uint32_t iovs_len, int32_t flags, void *addr, uint32_t *addr_len, uint32_t *nrecv_out, int32_t *msg_flags_out", FULL,
                "recvmsg(2); MSG_PEEK 0x2, MSG_DONTWAIT 0x40, MSG_WAITALL 0x100, MSG_TRUNC 0x20; 0 at end of stream",
                SocketCalls::recvfrom);
        arca("sock_shutdown", "int32_t fd, int32_t how", FULL, "shutdown(2), how SHUT_RD 0|SHUT_WR 1|SHUT_RDWR 2; ENOTCONN", SocketCalls::shutdown);
        arca("sock_resolve", "const char *name, uint32_t name_len, int32_t family, void *out, uint32_t out_cap, uint32_t *count_out", FULL,
                "addresses of a name as 20-byte records {u32 family, 16 bytes address}, out_cap records at most: numeric, localhost, the manifest's hosts table; the host's DNS only where the policy allows it; ENOENT",
                SocketCalls::resolve);
        arca("fd_poll", "void *fds, uint32_t nfds, int64_t timeout_ns, const uint64_t *sigmask, uint32_t *nready_out", FULL,
                "ppoll(2) over {i32 fd; i16 events; i16 revents} with Linux's bits for every kind of descriptor; timeout -1 forever; a sigmask (null: keep) replaces the process's for the wait; EINTR, EINVAL",
                PollCalls::poll);
        arca("fd_nread", "int32_t fd, uint32_t *n_out", FULL, "ioctl(FIONREAD): bytes readable at once", SocketCalls::nread);
    }

    /** wasi-threads' module: thread-spawn. */
    public static final String WASI_THREADS = "wasi";

    static {
        // threads: wasi-threads' one import, and the arca calls POSIX needs around it (docs/threads.md)
        ALL.add(new Syscall(WASI_THREADS, "thread-spawn", p(I32), List.of(I32), FULL,
                "wasi-threads: a new thread runs the export wasi_thread_start(tid, start_arg) in a new instance of the module over its shared memory; "
                        + "returns the thread's id (> 0), or a negated errno: EAGAIN at the manifest's thread limit or when the process is ending, ENOTSUP for a module not built for threads",
                (c, a) -> c.threads().spawn((int) a[0])));
        arca("thread_signal", "int32_t tid, int32_t sig", FULL,
                "pthread_kill: sig to one thread of the caller's process (the first thread's id is the pid); sig 0 checks existence; ESRCH, EINVAL",
                SignalCalls::threadSignal);
    }

    /** Every entry, in table order. */
    public static List<Syscall> all() {
        return List.copyOf(ALL);
    }

    /**
     * The calls Linux restarts when a handler installed with SA_RESTART interrupted them (signal(7)):
     * reads and writes of pipes, sockets and terminals, accept, wait and lock waits. Never poll,
     * ppoll, sleeps or connect, which return EINTR whatever the handler says.
     */
    private static final java.util.Set<String> RESTARTABLE = java.util.Set.of("fd_read", "fd_write", "fd_pread", "fd_pwrite",
            "sock_recv", "sock_send", "sock_accept", "sock_accept4", "sock_recvfrom", "sock_sendto", "proc_wait", "fd_lock");

    /** A host function for every entry, by module and name (after RESTARTABLE, which they read). */
    private static final java.util.Map<String, HostFunction> FUNCTIONS = new java.util.HashMap<>();

    static {
        for (Syscall s : ALL) FUNCTIONS.put(s.module() + '\0' + s.name(), function(s));
    }

    /**
     * The imports of every process: one set of host functions, each finding its process's
     * context on the calling thread ({@link SyscallContext#current}), so that an engine can make
     * them ready for a module once and every instance of it reuse them (a spawn binds nothing).
     */
    static final dev.arca.engine.Imports IMPORTS = dev.arca.engine.Imports.resolving((module, name) -> FUNCTIONS.get(module + '\0' + name));

    private static HostFunction function(Syscall s) {
        FunctionSignature type = FunctionSignature.of(s.params(), s.results());
        Handler h = s.handler();
        boolean restartable = RESTARTABLE.contains(s.name());
        // a wait decides itself what to do with children not started yet (it may run one here)
        boolean waits = s.module().equals(ARCA) && s.name().equals("proc_wait");
        // wasi-threads returns a value, and an error as a negated errno
        boolean negated = s.module().equals(WASI_THREADS);
        return new HostFunction(s.module(), s.name(), type, args -> {
            SyscallContext ctx = SyscallContext.current();
            int errno;
            if (!waits) ctx.startUnstartedChildren();
            ctx.deliverSignals();
            while (true) {
                try {
                    errno = h.call(ctx, args);
                } catch (ErrnoException e) {
                    errno = negated ? -e.errno().code() : e.errno().code();
                } catch (ProcessExit e) {
                    throw e;
                } catch (RuntimeException e) {
                    // a defect in Arca must not take the JVM or other guests with it
                    if (e instanceof GuestInterrupted) throw e;
                    ctx.kernel().diagnostics().emit(DiagnosticSink.Kind.INTERNAL, "in " + s.name() + ": " + e, e);
                    errno = negated ? -Errno.EIO.code() : Errno.EIO.code();
                }
                // SA_RESTART: run the handlers now, then make the same call again
                if (errno != EINTR || !restartable || !ctx.runHandlersBeforeRestart()) break;
            }
            if (ctx.traced()) trace(ctx, s, args, errno);
            ctx.afterCall();
            return errno;
        });
    }

    /** When the instance's diagnostics take TRACE, every call is logged, as strace does. */
    private static void trace(SyscallContext ctx, Syscall s, long[] args, int errno) {
        StringBuilder sb = new StringBuilder("[").append(ctx.process().pid()).append("] ").append(s.name()).append('(');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(s.params().get(i) == ValueType.I32 ? Long.toString((int) args[i]) : Long.toString(args[i]));
        }
        sb.append(") = ").append(errno == 0 || (s.module().equals(WASI_THREADS) && errno > 0) ? Integer.toString(errno)
                : Errno.of(Math.abs(errno)).name());
        ctx.kernel().diagnostics().emit(DiagnosticSink.Kind.TRACE, sb.toString());
    }

    /** The compatibility table as Markdown. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Arca syscall compatibility\n\n");
        sb.append("Generated from `SyscallTable` by `./arca syscalls --markdown`; do not edit by hand.\n\n");
        sb.append("`wasi_snapshot_preview1` is WASI's; `wasi` is wasi-threads' `thread-spawn`; `arca` is Arca's own module for what preview1 lacks (processes, pipes, signals, threads' signals).\n\n");
        for (String module : List.of(WASI, WASI_THREADS, ARCA)) {
            List<Syscall> in = ALL.stream().filter(s -> s.module().equals(module)).toList();
            sb.append(String.format("`%s`: %d imports: %d full, %d partial, %d unsupported.%n%n", module, in.size(),
                    in.stream().filter(s -> s.support() == FULL).count(),
                    in.stream().filter(s -> s.support() == PARTIAL).count(),
                    in.stream().filter(s -> s.support() == UNSUPPORTED).count()));
        }
        sb.append("The `arca` calls' C prototypes, structs and constants are in the SDK's `sdk/libarca/arca_abi.h`, generated from the same table.\n\n");
        sb.append("| module | import | params | support | note |\n|---|---|---|---|---|\n");
        for (Syscall s : ALL) {
            String params = s.params().stream().map(v -> v.name().toLowerCase()).reduce((a, b) -> a + ", " + b).orElse("");
            if (s.cParams() != null) params = s.cParams().isEmpty() ? "" : "`" + s.cParams() + "`";
            sb.append("| ").append(s.module()).append(" | `").append(s.name()).append("` | ").append(params)
                    .append(" | ").append(s.support().name().toLowerCase()).append(" | ")
                    .append(s.note().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The SDK's {@code sdk/libarca/arca_abi.h}: the arca calls' prototypes from this table, and
     * the structs and constants of {@link ArcaAbi}, with compile-time checks of their layout.
     */
    public static String cHeader() {
        StringBuilder h = new StringBuilder();
        h.append("""
                /* The "arca" import module: the calls WASI preview1 lacks (docs/syscalls.md). Every call returns a
                   WASI errno. Generated from Arca's SyscallTable and ArcaAbi by `./arca syscalls --c-header >
                   sdk/libarca/arca_abi.h`: do not edit by hand (AbiHeaderTest keeps the file and the table equal). */
                #ifndef ARCA_ABI_H
                #define ARCA_ABI_H
                #include <limits.h>
                #include <signal.h>
                #include <stddef.h>
                #include <stdint.h>
                #include <sys/wait.h>

                #define ARCA_IMPORT(name) __attribute__((import_module("arca"), import_name(#name)))
                """);
        for (ArcaAbi.Group g : ArcaAbi.CONSTANTS) {
            h.append("\n/* ").append(g.comment()).append(" */\n");
            for (ArcaAbi.Constant c : g.constants()) {
                h.append("#define ").append(c.name()).append(' ').append(c.value());
                if (c.comment() != null) h.append(" /* ").append(c.comment()).append(" */");
                h.append('\n');
            }
        }
        for (ArcaAbi.Struct st : ArcaAbi.STRUCTS) {
            h.append("\n/* ").append(st.comment()).append(" */\nstruct ").append(st.name()).append(" {\n");
            for (ArcaAbi.Field f : st.fields()) {
                h.append("    ").append(f.type()).append(' ').append(f.name()).append("; /* ").append(f.comment()).append(" */\n");
            }
            h.append("};\n");
        }
        h.append("\n/* what the kernel reads: these layouts, and the C library's names it takes unchanged */\n");
        for (ArcaAbi.Struct st : ArcaAbi.STRUCTS) {
            h.append(String.format("_Static_assert(sizeof(struct %s) == %d, \"struct %s\");%n", st.name(), st.size(), st.name()));
            for (ArcaAbi.Field f : st.fields()) {
                h.append(String.format("_Static_assert(offsetof(struct %s, %s) == %d, \"%s.%s\");%n", st.name(), f.name(),
                        st.offset(f.name()), st.name(), f.name()));
            }
        }
        for (ArcaAbi.Group g : ArcaAbi.CONSTANTS) {
            for (ArcaAbi.Constant c : g.constants()) {
                if (c.libcName() != null) {
                    h.append(String.format("_Static_assert(%s == %s, \"%s\");%n", c.libcName(), c.name(), c.libcName()));
                }
            }
        }
        h.append("""
                _Static_assert(WIFEXITED(7 << ARCA_WAIT_EXIT_SHIFT) && WEXITSTATUS(7 << ARCA_WAIT_EXIT_SHIFT) == 7, "exit status");
                _Static_assert(WIFSIGNALED(ARCA_SIGKILL) && WTERMSIG(ARCA_SIGKILL) == ARCA_SIGKILL, "signal status");
                """);
        for (Syscall s : ALL) {
            if (!s.module().equals(ARCA)) continue;
            h.append('\n');
            if (!s.note().isEmpty()) h.append(wrapComment(s.name() + ": " + s.note()));
            h.append("ARCA_IMPORT(").append(s.name()).append(") int32_t __arca_").append(s.name()).append('(')
                    .append(s.cParams().isEmpty() ? "void" : s.cParams()).append(");\n");
        }
        h.append("\n#endif\n");
        return h.toString();
    }

    /** A C comment of lines at most 100 characters long. */
    private static String wrapComment(String text) {
        StringBuilder out = new StringBuilder("/* ");
        int column = 3;
        for (String word : text.split(" ")) {
            if (column + word.length() + 1 > 100 && column > 3) {
                out.append("\n   ");
                column = 3;
            } else if (column > 3) {
                out.append(' ');
                column++;
            }
            out.append(word.replace("*/", "* /"));
            column += word.length();
        }
        return out.append(" */\n").toString();
    }
}
