package dev.arca.syscall;

import static dev.arca.engine.ValueType.I32;
import static dev.arca.engine.ValueType.I64;
import static dev.arca.syscall.Support.FULL;
import static dev.arca.syscall.Support.PARTIAL;
import static dev.arca.syscall.Support.UNSUPPORTED;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.HostFunction;
import dev.arca.engine.ValueType;
import dev.arca.syscall.arca.DescriptorCalls;
import dev.arca.syscall.arca.ProcessCalls;
import dev.arca.syscall.arca.SignalCalls;
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
        wasi("clock_time_get", p(I32, I64, I32), FULL, "realtime comes from the untrusted host; CPU clocks measure the process's thread", Clocks::timeGet);
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
        wasi("fd_read", p(I32, I32, I32, I32), FULL, "blocks on standard input until data or end of file", Files::read);
        wasi("fd_readdir", p(I32, I32, I32, I64, I32), FULL, "cookies index a listing taken when the cookie is 0; mount points are listed", Files::readdir);
        wasi("fd_renumber", p(I32, I32), FULL, "", Files::renumber);
        wasi("fd_seek", p(I32, I64, I32, I32), FULL, "", Files::seek);
        wasi("fd_sync", p(I32), FULL, "", Files::sync);
        wasi("fd_tell", p(I32, I32), FULL, "", Files::tell);
        wasi("fd_write", p(I32, I32, I32, I32), FULL, "", Files::write);
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
        wasi("poll_oneoff", p(I32, I32, I32, I32), FULL, "clocks (relative and absolute), standard input, files and devices", Poll::pollOneoff);
        ALL.add(new Syscall(WASI, "proc_exit", p(I32), List.of(), FULL, "ends the process; its code becomes arca run's exit status", Proc::exit));
        wasi("proc_raise", p(I32), PARTIAL, "default actions only: terminate (exit status 128+signal) or ignore; no job control", Proc::raise);
        wasi("sched_yield", p(), FULL, "", Proc::schedYield);
        wasi("random_get", p(I32, I32), FULL, "from the JDK's SecureRandom (the OS CSPRNG)", Random::get);
        // sockets
        wasi("sock_accept", p(I32, I32, I32), UNSUPPORTED, "no socket can be preopened yet: EBADF for a closed descriptor, ENOTSOCK otherwise", Sockets::accept);
        wasi("sock_recv", p(I32, I32, I32, I32, I32, I32), UNSUPPORTED, "as sock_accept", Sockets::recv);
        wasi("sock_send", p(I32, I32, I32, I32, I32), UNSUPPORTED, "as sock_accept", Sockets::send);
        wasi("sock_shutdown", p(I32, I32), UNSUPPORTED, "as sock_accept", Sockets::shutdown);
    }

    public static final String ARCA = "arca";

    private static void arca(String name, List<ValueType> params, Support support, String note, Handler h) {
        ALL.add(new Syscall(ARCA, name, params, List.of(I32), support, note, h));
    }

    static {
        // the arca module: what preview1 lacks. Signals are Linux's numbers; statuses Linux's wait encoding.
        arca("proc_spawn", p(I32, I32, I32, I32, I32, I32, I32, I32, I32, I32), FULL,
                "(path, path_len, argv, argv_len, envp, envp_len, actions, n_actions, pgroup, pid_out): posix_spawn of an absolute guest path; argv/envp are NUL-terminated strings packed in one buffer; "
                        + "each action is 24 bytes {kind 0 close|1 dup2|2 open, fd, arg (dup2: new fd; open: WASI oflags, bit 16 read, bit 17 write), fdflags, path, path_len}; "
                        + "pgroup -1 keeps the parent's group, 0 makes a new one, N joins N. Inherits every descriptor not marked close-on-spawn. EAGAIN at the process limit, ENOEXEC for an invalid module",
                ProcessCalls::spawn);
        arca("proc_wait", p(I32, I32, I32, I32), FULL,
                "(pid, options, status_out, pid_out): waitpid; pid -1 any child, 0 the caller's group, < -1 that group; option 1 WNOHANG (pid_out 0 when none has ended); ECHILD, EINTR",
                ProcessCalls::waitpid);
        arca("proc_getpid", p(I32), FULL, "(pid_out)", ProcessCalls::getpid);
        arca("proc_getppid", p(I32), FULL, "(pid_out): 0 for the first process; orphans are re-parented to pid 1", ProcessCalls::getppid);
        arca("proc_getpgrp", p(I32), FULL, "(pgrp_out)", ProcessCalls::getpgrp);
        arca("proc_kill", p(I32, I32), FULL,
                "(pid, sig): a process may signal itself and its descendants (else EPERM); pid 0 or -N a process group; sig 0 checks existence; ESRCH, EINVAL",
                ProcessCalls::kill);
        arca("sig_action", p(I32, I32, I32), FULL,
                "(sig, disposition 0 default|1 ignore|2 handle, old_out): handlers run at the next syscall boundary through the guest's exported __arca_signal(sig); SIGKILL and SIGSTOP cannot be caught",
                SignalCalls::action);
        arca("sig_mask", p(I32, I64, I32), FULL, "(how 0 block|1 unblock|2 setmask, set, old_out u64)", SignalCalls::mask);
        arca("sig_pending", p(I32), FULL, "(set_out u64)", SignalCalls::pending);
        arca("fd_pipe", p(I32, I32), FULL,
                "(fds_out[2], fdflags): a 256 KiB buffer; writes up to 4096 bytes are atomic; EOF when every writer has closed; EPIPE and SIGPIPE with no reader; NONBLOCK gives EAGAIN",
                DescriptorCalls::pipe);
        arca("fd_dup", p(I32, I32, I32), FULL, "(fd, min, new_out): the lowest free descriptor >= min (dup, F_DUPFD)", DescriptorCalls::dup);
        arca("fd_dup2", p(I32, I32), FULL, "(fd, new_fd): closes new_fd first; EBADF beyond the open-file limit", DescriptorCalls::dup2);
        arca("fd_cloexec", p(I32, I32, I32), FULL, "(fd, op 0 get|1 set|2 clear, old_out): FD_CLOEXEC, i.e. not inherited by proc_spawn", DescriptorCalls::cloexec);
        arca("fd_lock", p(I32, I32, I32, I64, I64, I32), FULL,
                "(fd, cmd 0 F_GETLK|1 F_SETLK|2 F_SETLKW, type 0 read|1 write|2 unlock, start, len (0: to end of file), lock_out {type, pid, start, len}): POSIX advisory record locks shared by all processes of the instance, released when the process ends; EAGAIN, EINTR, EBADF",
                DescriptorCalls::lock);
    }

    /** Every entry, in table order. */
    public static List<Syscall> all() {
        return List.copyOf(ALL);
    }

    /** The imports for one process, bound to its context. */
    static List<HostFunction> bind(SyscallContext ctx) {
        List<HostFunction> out = new ArrayList<>(ALL.size());
        for (Syscall s : ALL) {
            FunctionSignature type = FunctionSignature.of(s.params(), s.results());
            Handler h = s.handler();
            out.add(new HostFunction(s.module(), s.name(), type, args -> {
                int errno;
                ctx.deliverSignals();
                try {
                    errno = h.call(ctx, args);
                } catch (ErrnoException e) {
                    errno = e.errno().code();
                } catch (ProcessExit e) {
                    throw e;
                } catch (RuntimeException e) {
                    // a defect in Arca must not take the JVM or other guests with it
                    if (e instanceof GuestInterrupted) throw e;
                    System.err.println("arca: internal error in " + s.name() + ": " + e);
                    errno = Errno.EIO.code();
                }
                if (TRACE) trace(ctx, s, args, errno);
                ctx.deliverSignals();
                return errno;
            }));
        }
        return out;
    }

    /** With ARCA_TRACE=1 in Arca's environment, every call is logged to stderr, as strace does. */
    private static final boolean TRACE = "1".equals(System.getenv("ARCA_TRACE"));

    private static void trace(SyscallContext ctx, Syscall s, long[] args, int errno) {
        StringBuilder sb = new StringBuilder("arca-trace: [").append(ctx.process().pid()).append("] ").append(s.name()).append('(');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(s.params().get(i) == ValueType.I32 ? Long.toString((int) args[i]) : Long.toString(args[i]));
        }
        sb.append(") = ").append(errno == 0 ? "0" : Errno.of(errno).name());
        System.err.println(sb);
    }

    /** The compatibility table as Markdown. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Arca syscall compatibility\n\n");
        sb.append("Generated from `SyscallTable` by `./arca syscalls --markdown`; do not edit by hand.\n\n");
        sb.append("`wasi_snapshot_preview1` is WASI's; `arca` is Arca's own module for what preview1 lacks (processes, pipes, signals).\n\n");
        for (String module : List.of(WASI, ARCA)) {
            List<Syscall> in = ALL.stream().filter(s -> s.module().equals(module)).toList();
            sb.append(String.format("`%s`: %d imports: %d full, %d partial, %d unsupported.%n%n", module, in.size(),
                    in.stream().filter(s -> s.support() == FULL).count(),
                    in.stream().filter(s -> s.support() == PARTIAL).count(),
                    in.stream().filter(s -> s.support() == UNSUPPORTED).count()));
        }
        sb.append("| module | import | params | support | note |\n|---|---|---|---|---|\n");
        for (Syscall s : ALL) {
            sb.append("| ").append(s.module()).append(" | `").append(s.name()).append("` | ")
                    .append(s.params().stream().map(v -> v.name().toLowerCase()).reduce((a, b) -> a + ", " + b).orElse(""))
                    .append(" | ").append(s.support().name().toLowerCase()).append(" | ")
                    .append(s.note().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
