package dev.arca.kernel;

import dev.arca.kernel.fd.FdTable;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A guest process: its identity, arguments, environment and descriptor table, and how it ended.
 * The engine instance that runs it belongs to the syscall layer; the kernel sees only this.
 */
public final class Process {
    private final Kernel kernel;
    private final int pid;
    private final List<byte[]> args;
    private final List<byte[]> env;
    private final FdTable fds;
    private final Limits limits;
    private volatile Thread thread;
    private volatile String killReason;

    Process(Kernel kernel, int pid, List<String> args, List<String> env, Limits limits) {
        this.kernel = kernel;
        this.pid = pid;
        this.args = args.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.env = env.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.limits = limits;
        this.fds = new FdTable(limits.openFiles());
    }

    public Kernel kernel() {
        return kernel;
    }

    public int pid() {
        return pid;
    }

    /** Arguments as UTF-8 bytes, argv[0] first. */
    public List<byte[]> args() {
        return args;
    }

    /** Environment entries "NAME=VALUE" as UTF-8 bytes. */
    public List<byte[]> env() {
        return env;
    }

    public FdTable fds() {
        return fds;
    }

    public Limits limits() {
        return limits;
    }

    /** Binds the process to the thread that runs it (its clocks and kill target). */
    public void attach(Thread t) {
        this.thread = t;
    }

    public Thread thread() {
        return thread;
    }

    /**
     * Stops the process: the engine sees the interrupt at its next call or loop back-edge, and a
     * blocking syscall returns at once.
     */
    public void kill(String reason) {
        if (killReason == null) killReason = reason;
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    /** Why the process was killed, or null. */
    public String killReason() {
        return killReason;
    }

    /** CPU time the process has used, in nanoseconds. */
    public long cpuTimeNanos() {
        Thread t = thread;
        return t == null ? 0 : kernel.cpuTime(t);
    }

    /** Releases what the process holds. */
    public void exit() {
        fds.closeAll();
        kernel.remove(this);
    }
}
