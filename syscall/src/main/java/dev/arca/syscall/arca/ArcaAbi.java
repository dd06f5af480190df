package dev.arca.syscall.arca;

import dev.arca.kernel.RecordLocks;
import dev.arca.kernel.Signals;
import dev.arca.kernel.pipe.Pipe;
import dev.arca.syscall.SyscallContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of the {@code arca} import module, declared once: the structs a guest passes (with
 * their layout for wasm32) and the numbers the calls take. The handlers decode guest memory with
 * these offsets and values; the SDK's {@code sdk/libarca/arca_abi.h} is generated from them and
 * from the table's prototypes ({@code arca syscalls --c-header}, see {@link
 * dev.arca.syscall.SyscallTable#cHeader}). AbiHeaderTest fails when that file and this class
 * disagree, and the header's {@code _Static_assert}s fail the SDK's build when clang lays a struct
 * out otherwise, or when a C library name the SDK passes through unchanged (a signal number,
 * {@code SIG_BLOCK}, {@code WNOHANG}, {@code PIPE_BUF}) has another value than the kernel's.
 */
public final class ArcaAbi {
    private ArcaAbi() {}

    /** A field of fixed width: {@code int32_t}, {@code uint32_t} (also a guest pointer), {@code int64_t}. */
    public record Field(String type, String name, String comment) {
        int size() {
            return type.contains("64") ? 8 : 4;
        }
    }

    /** A C struct of the ABI, laid out as clang does for wasm32 (each field at its own alignment). */
    public record Struct(String name, String comment, List<Field> fields) {
        /** Byte offset of {@code field}. */
        public int offset(String field) {
            int at = 0;
            for (Field f : fields) {
                at = align(at, f.size());
                if (f.name().equals(field)) return at;
                at += f.size();
            }
            throw new IllegalArgumentException(name + " has no field " + field);
        }

        /** Size in bytes, padded to the largest alignment. */
        public int size() {
            int at = 0, largest = 1;
            for (Field f : fields) {
                at = align(at, f.size()) + f.size();
                largest = Math.max(largest, f.size());
            }
            return align(at, largest);
        }

        private static int align(int at, int alignment) {
            return (at + alignment - 1) / alignment * alignment;
        }
    }

    /**
     * A named number (or string) of the ABI. {@code libcName}, when not null, is the C library's
     * name for the same thing, which the SDK passes to the kernel unchanged: the header asserts
     * that the two are equal.
     */
    public record Constant(String name, String value, String comment, String libcName) {}

    /** Constants that belong together, with a comment for the group. */
    public record Group(String comment, List<Constant> constants) {}

    // ---- proc_spawn --------------------------------------------------------------------------

    public static final int SPAWN_CLOSE = 0, SPAWN_DUP2 = 1, SPAWN_OPEN = 2;
    /**
     * Not file actions but the child's signals (posix_spawn's POSIX_SPAWN_SETSIGMASK and
     * POSIX_SPAWN_SETSIGDEF): a signal set in {@code fd} (bits 0-31) and {@code arg} (bits
     * 32-63). Without the first the child's first thread blocks what the spawning thread blocks;
     * the second resets the signals it names to their default where the parent ignores them.
     */
    public static final int SPAWN_SIGMASK = 3, SPAWN_SIGDEFAULT = 4;
    /** Bits of an open action's {@code arg} above its WASI oflags. */
    public static final int SPAWN_OPEN_READ = 1 << 16, SPAWN_OPEN_WRITE = 1 << 17, SPAWN_OPEN_OFLAGS = 0xFFFF;
    /** proc_spawn's pgroup: keep the parent's group, or make a new one led by the child (else: join that group). */
    public static final int PGROUP_KEEP = -1, PGROUP_NEW = 0;

    public static final Struct SPAWN_ACTION = new Struct("__arca_spawn_action", "one proc_spawn file action", List.of(
            new Field("uint32_t", "kind", "ARCA_SPAWN_CLOSE, ARCA_SPAWN_DUP2, ARCA_SPAWN_OPEN, ARCA_SPAWN_SIGMASK or ARCA_SPAWN_SIGDEFAULT"),
            new Field("int32_t", "fd", "the descriptor acted on (dup2: the source); sigmask, sigdefault: the set's bits 0-31"),
            new Field("int32_t", "arg", "dup2: the new descriptor; open: WASI oflags | ARCA_SPAWN_OPEN_READ | ARCA_SPAWN_OPEN_WRITE; sigmask, sigdefault: the set's bits 32-63"),
            new Field("uint32_t", "fdflags", "open: WASI fdflags"),
            new Field("uint32_t", "path", "open: the absolute guest path (a pointer)"),
            new Field("uint32_t", "path_len", "open: its length")));

    // ---- proc_wait ---------------------------------------------------------------------------

    public static final int WNOHANG = 1;
    /** Linux's wait status: an exit code in bits 8-15, or the terminating signal in bits 0-6. */
    public static final int WAIT_EXIT_SHIFT = 8, WAIT_SIGNAL_MASK = 0x7F;

    /** Linux's wait status of a process that exited with {@code code}, or died of {@code signal} (not 0). */
    public static int waitStatus(int code, int signal) {
        return signal != 0 ? signal & WAIT_SIGNAL_MASK : (code & 0xFF) << WAIT_EXIT_SHIFT;
    }

    // ---- signals, descriptors, locks ---------------------------------------------------------

    public static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    /** sig_action's disposition that changes nothing and reports the current one (a spawned child's inherited SIG_IGN). */
    public static final int SIG_QUERY = 3;
    /** sig_cputimer's timers: setitimer's numbers (Linux's and wasi-libc's). */
    public static final int ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
    public static final int CLOEXEC_GET = 0, CLOEXEC_SET = 1, CLOEXEC_CLEAR = 2;
    public static final int F_GETLK = 0, F_SETLK = 1, F_SETLKW = 2;

    public static final Struct LOCK = new Struct("__arca_lock", "what fd_lock's F_GETLK reports", List.of(
            new Field("int32_t", "type", "ARCA_LOCK_READ, ARCA_LOCK_WRITE, or ARCA_LOCK_UNLOCK when nothing conflicts"),
            new Field("int32_t", "pid", "the holder of the conflicting lock"),
            new Field("int64_t", "start", "its first byte"),
            new Field("int64_t", "len", "its length; 0: to the end of the file")));

    public static final List<Struct> STRUCTS = List.of(SPAWN_ACTION, LOCK);

    /** Every constant of the header, in groups. */
    public static final List<Group> CONSTANTS = List.of(
            group("proc_spawn: the kinds of file action, the bits of an open action's arg, pgroup",
                    number("ARCA_SPAWN_CLOSE", SPAWN_CLOSE, null, null),
                    number("ARCA_SPAWN_DUP2", SPAWN_DUP2, null, null),
                    number("ARCA_SPAWN_OPEN", SPAWN_OPEN, null, null),
                    number("ARCA_SPAWN_SIGMASK", SPAWN_SIGMASK, "the child's first thread blocks this set (POSIX_SPAWN_SETSIGMASK)", null),
                    number("ARCA_SPAWN_SIGDEFAULT", SPAWN_SIGDEFAULT, "these signals start at their default (POSIX_SPAWN_SETSIGDEF)", null),
                    hex("ARCA_SPAWN_OPEN_OFLAGS", SPAWN_OPEN_OFLAGS, "the WASI oflags"),
                    hex("ARCA_SPAWN_OPEN_READ", SPAWN_OPEN_READ, "open for reading"),
                    hex("ARCA_SPAWN_OPEN_WRITE", SPAWN_OPEN_WRITE, "open for writing"),
                    number("ARCA_PGROUP_KEEP", PGROUP_KEEP, "stay in the parent's process group", null),
                    number("ARCA_PGROUP_NEW", PGROUP_NEW, "a new group led by the child (N > 0: join group N)", null)),
            group("proc_wait: options, and Linux's wait status encoding, which <sys/wait.h>'s macros read",
                    number("ARCA_WNOHANG", WNOHANG, null, "WNOHANG"),
                    number("ARCA_WAIT_EXIT_SHIFT", WAIT_EXIT_SHIFT, "an exit code is in bits 8-15", null),
                    hex("ARCA_WAIT_SIGNAL_MASK", WAIT_SIGNAL_MASK, "a terminating signal is in bits 0-6")),
            group("sig_action: dispositions; sig_mask: how; the entry the kernel calls to run a handler",
                    number("ARCA_SIG_DEFAULT", Signals.DEFAULT, null, null),
                    number("ARCA_SIG_IGNORE", Signals.IGNORE, null, null),
                    number("ARCA_SIG_HANDLE", Signals.HANDLE, "run the handler through ARCA_SIGNAL_ENTRY", null),
                    hex("ARCA_SIG_RESTART", Signals.RESTART, "ORed with ARCA_SIG_HANDLE: SA_RESTART"),
                    number("ARCA_SIG_QUERY", SIG_QUERY, "changes nothing; old_out gets the disposition (what a spawned child inherited)", null),
                    number("ARCA_ITIMER_VIRTUAL", ITIMER_VIRTUAL, "sig_cputimer: SIGVTALRM", null),
                    number("ARCA_ITIMER_PROF", ITIMER_PROF, "sig_cputimer: SIGPROF", null),
                    number("ARCA_SIG_BLOCK", SIG_BLOCK, null, "SIG_BLOCK"),
                    number("ARCA_SIG_UNBLOCK", SIG_UNBLOCK, null, "SIG_UNBLOCK"),
                    number("ARCA_SIG_SETMASK", SIG_SETMASK, null, "SIG_SETMASK"),
                    number("ARCA_SIGMAX", Signals.MAX, "the highest signal number", null),
                    new Constant("ARCA_SIGNAL_ENTRY", '"' + SyscallContext.SIGNAL_ENTRY + '"',
                            "the export the kernel calls with a signal's number to run its handler", null)),
            signals(),
            group("fd_cloexec: operations; fd_lock: commands and lock types; pipes",
                    number("ARCA_CLOEXEC_GET", CLOEXEC_GET, null, null),
                    number("ARCA_CLOEXEC_SET", CLOEXEC_SET, null, null),
                    number("ARCA_CLOEXEC_CLEAR", CLOEXEC_CLEAR, null, null),
                    number("ARCA_F_GETLK", F_GETLK, null, null),
                    number("ARCA_F_SETLK", F_SETLK, null, null),
                    number("ARCA_F_SETLKW", F_SETLKW, null, null),
                    number("ARCA_LOCK_READ", RecordLocks.READ, null, null),
                    number("ARCA_LOCK_WRITE", RecordLocks.WRITE, null, null),
                    number("ARCA_LOCK_UNLOCK", RecordLocks.UNLOCK, null, null),
                    number("ARCA_PIPE_BUF", Pipe.PIPE_BUF, "pipe writes up to this size are atomic", "PIPE_BUF")));

    /** The signals whose numbers the kernel knows by name: Linux's, as in wasi-libc's <signal.h>. */
    private static Group signals() {
        Object[][] named = {
            {"SIGHUP", Signals.SIGHUP}, {"SIGINT", Signals.SIGINT}, {"SIGQUIT", Signals.SIGQUIT},
            {"SIGABRT", Signals.SIGABRT}, {"SIGKILL", Signals.SIGKILL}, {"SIGUSR1", Signals.SIGUSR1},
            {"SIGSEGV", Signals.SIGSEGV}, {"SIGUSR2", Signals.SIGUSR2}, {"SIGPIPE", Signals.SIGPIPE},
            {"SIGALRM", Signals.SIGALRM}, {"SIGTERM", Signals.SIGTERM}, {"SIGCHLD", Signals.SIGCHLD},
            {"SIGCONT", Signals.SIGCONT}, {"SIGSTOP", Signals.SIGSTOP}, {"SIGTSTP", Signals.SIGTSTP},
            {"SIGTTIN", Signals.SIGTTIN}, {"SIGTTOU", Signals.SIGTTOU}, {"SIGURG", Signals.SIGURG},
            {"SIGWINCH", Signals.SIGWINCH},
        };
        List<Constant> out = new ArrayList<>();
        for (Object[] s : named) out.add(number("ARCA_" + s[0], (Integer) s[1], null, (String) s[0]));
        return new Group("signal numbers: Linux's, as <signal.h> has them", out);
    }

    private static Group group(String comment, Constant... constants) {
        return new Group(comment, List.of(constants));
    }

    private static Constant number(String name, long value, String comment, String libcName) {
        return new Constant(name, value < 0 ? "(" + value + ")" : Long.toString(value), comment, libcName);
    }

    private static Constant hex(String name, long value, String comment) {
        return new Constant(name, "0x" + Long.toHexString(value), comment, null);
    }
}
