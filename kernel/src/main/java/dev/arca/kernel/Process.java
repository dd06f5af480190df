package dev.arca.kernel;

import dev.arca.kernel.fd.FdTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A guest process: identity, place in the process tree, arguments, environment, descriptor table,
 * signal state, and how it ended. The engine instance that runs it belongs to the syscall layer.
 *
 * <p>Locking: tree fields ({@code parent}, {@code children}, {@code state}, {@code waitStatus})
 * are guarded by the kernel's process-table monitor; signal fields by this object's monitor.
 */
public final class Process {
    public enum State { RUNNING, ZOMBIE, REAPED }

    private final Kernel kernel;
    private final int pid;
    private final List<byte[]> args;
    private final List<byte[]> env;
    private final FdTable fds;
    private final Limits limits;
    private volatile Thread thread;
    private volatile String killReason;

    // process tree, guarded by the kernel's table monitor
    Process parent;
    final List<Process> children = new ArrayList<>();
    State state = State.RUNNING;
    int waitStatus;
    int processGroup;

    // signals, guarded by this
    private final int[] disposition = new int[Signals.MAX + 1];
    private long pending;
    private long blocked;
    private long restarting; // signals whose handler restarts the call they interrupt (SA_RESTART)
    // the real-time interval timer (setitimer ITIMER_REAL, alarm), guarded by this
    java.util.concurrent.ScheduledFuture<?> alarm;
    long alarmDeadline; // System.nanoTime() at the next expiry; meaningful while alarm != null
    long alarmInterval;
    long alarmGeneration; // a newer setting makes a firing of an older one do nothing
    private volatile int fatalSignal;
    private volatile boolean attention; // something for the syscall layer: a signal or a kill

    Process(Kernel kernel, int pid, Process parent, int processGroup, List<String> args, List<String> env,
            Limits limits, FdTable fds) {
        this.kernel = kernel;
        this.pid = pid;
        this.parent = parent;
        this.processGroup = processGroup;
        this.args = args.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.env = env.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.limits = limits;
        this.fds = fds != null ? fds : new FdTable(limits.openFiles());
    }

    public Kernel kernel() {
        return kernel;
    }

    public int pid() {
        return pid;
    }

    /** The parent's pid; 0 for the first process. */
    public int ppid() {
        synchronized (kernel.table) {
            return parent == null ? 0 : parent.pid;
        }
    }

    public int processGroup() {
        synchronized (kernel.table) {
            return processGroup;
        }
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

    private long cpuBaseline; // the thread's CPU time when this process began on it, guarded by this
    private long cpuEnded; // CPU time of runs on threads it has left, guarded by this

    /**
     * Binds the process to the thread that runs it (its clocks and kill target). Threads are
     * pooled, so the CPU clock counts from here.
     */
    public void attach(Thread t, boolean threadReused) {
        long baseline = threadReused ? kernel.cpuTime(t) : 0;
        synchronized (this) {
            this.cpuBaseline = baseline;
            this.thread = t;
        }
        if (killReason != null || fatalSignal != 0) t.interrupt();
    }

    /**
     * Unbinds the thread before it runs another process, so no late kill reaches that one; the
     * CPU time of the run stays counted.
     */
    public void detach() {
        synchronized (this) {
            if (thread != null) cpuEnded += Math.max(0, kernel.cpuTime(thread) - cpuBaseline);
            this.thread = null;
        }
        Thread.interrupted(); // clear a kill that arrived as the process ended
    }

    public Thread thread() {
        return thread;
    }

    // ---- starting and running on another process's thread ---------------------------------

    private final AtomicReference<Runnable> pendingStart = new AtomicReference<>();
    private volatile Runnable onStopWhileSuspended; // set while suspended

    /** Gives a made process the work that runs it; whoever {@link #claimStart claims} it first runs it. */
    public void setPendingStart(Runnable start) {
        pendingStart.set(start);
    }

    /** The work that runs this process, once: null if it has been claimed (it runs, or ran). */
    public Runnable claimStart() {
        return pendingStart.getAndSet(null);
    }

    /** Whether a handler is set for any signal (such a process must stay able to run it). */
    public synchronized boolean hasHandlers() {
        for (int d : disposition) {
            if (d == Signals.HANDLE) return true;
        }
        return false;
    }

    /**
     * The process's thread leaves it for a while, to run another process (a child it waits for)
     * on the same thread: nothing of the guest's runs until {@link #resume}. A kill or a fatal
     * signal meanwhile cannot interrupt the thread, so it calls {@code onStop} instead, on the
     * sender's thread, which ends the process for the kernel at once. Returns false (nothing
     * done) when the process has a signal or a kill to act on now.
     */
    public boolean suspend(Runnable onStop) {
        synchronized (this) {
            if (attention || thread != Thread.currentThread()) return false;
            onStopWhileSuspended = onStop;
        }
        detach();
        return true;
    }

    /** Back on its thread after {@link #suspend}; its clock counts again from here. */
    public void resume() {
        onStopWhileSuspended = null;
        attach(Thread.currentThread(), true);
    }

    /** Requires no monitor. If suspended, the kernel ends the process now (it was stopped). */
    private void stoppedWhileSuspended() {
        Runnable r;
        synchronized (this) {
            r = onStopWhileSuspended;
            onStopWhileSuspended = null;
        }
        if (r != null) r.run();
    }

    /**
     * Stops the process for a reason of the kernel's (a limit): the engine sees the interrupt at
     * its next call or loop back-edge, and the next syscall returns at once.
     */
    public void kill(String reason) {
        if (killReason == null) killReason = reason;
        attention = true;
        synchronized (this) {
            if (thread != null) thread.interrupt();
        }
        stoppedWhileSuspended();
    }

    /** Why the kernel stopped the process, or null. */
    public String killReason() {
        return killReason;
    }

    /**
     * CPU time the process has used, in nanoseconds, including after it ended. (It has one
     * thread today; with threads, this is the sum of them all.)
     */
    public synchronized long cpuTimeNanos() {
        long n = cpuEnded;
        if (thread != null) n += Math.max(0, kernel.cpuTime(thread) - cpuBaseline);
        return n;
    }

    // ---- signals ---------------------------------------------------------------------------

    /** The signal that terminates the process, or 0. */
    public int fatalSignal() {
        return fatalSignal;
    }

    /**
     * Sets what {@code sig} does (Signals.DEFAULT, IGNORE or HANDLE, with HANDLE maybe ORed with
     * Signals.RESTART); returns the old disposition (without the flag).
     */
    public synchronized int setDisposition(int sig, int what) {
        int old = disposition[sig];
        boolean restart = (what & Signals.RESTART) != 0;
        what &= ~Signals.RESTART;
        disposition[sig] = what;
        if (restart && what == Signals.HANDLE) restarting |= 1L << sig;
        else restarting &= ~(1L << sig);
        if (what == Signals.IGNORE) pending &= ~(1L << sig);
        return old;
    }

    /** Replaces the blocked mask; returns the old one. SIGKILL and SIGSTOP cannot be blocked. */
    public long setBlocked(long mask) {
        long old;
        synchronized (this) {
            old = blocked;
            blocked = mask & ~((1L << Signals.SIGKILL) | (1L << Signals.SIGSTOP));
            if ((pending & ~blocked) != 0) attention = true;
        }
        return old;
    }

    public synchronized long blocked() {
        return blocked;
    }

    public synchronized long pendingMask() {
        return pending;
    }

    /** Delivers {@code sig} to this process: its default action, or pending for its handler. */
    void deliver(int sig) {
        boolean terminate = false;
        synchronized (this) {
            int d = Signals.uncatchable(sig) ? Signals.DEFAULT : disposition[sig];
            if (d == Signals.IGNORE || (d == Signals.DEFAULT && Signals.ignoredByDefault(sig))) return;
            if ((blocked & (1L << sig)) != 0 || d == Signals.HANDLE) {
                pending |= 1L << sig;
                attention |= (blocked & (1L << sig)) == 0;
                return;
            }
            if (fatalSignal == 0) {
                fatalSignal = sig;
                attention = true;
                terminate = true;
            }
        }
        if (terminate) {
            synchronized (this) {
                if (thread != null) thread.interrupt();
            }
            stoppedWhileSuspended();
        }
    }

    /**
     * Takes the next pending, unblocked signal: a positive number for one to run a handler for,
     * and as a side effect makes any whose default action terminates the process fatal. Returns
     * 0 when nothing is to be done now.
     */
    public synchronized int takeSignal() {
        attention = killReason != null || fatalSignal != 0;
        long ready = pending & ~blocked;
        while (ready != 0) {
            int sig = Long.numberOfTrailingZeros(ready);
            pending &= ~(1L << sig);
            ready &= ~(1L << sig);
            int d = disposition[sig];
            if (d == Signals.HANDLE) {
                attention |= ready != 0;
                return sig;
            }
            if (d == Signals.DEFAULT && !Signals.ignoredByDefault(sig) && fatalSignal == 0) {
                fatalSignal = sig;
                attention = true;
            }
        }
        return 0;
    }

    /** Cheap check for the syscall layer: is there a signal or kill to act on? */
    public boolean needsAttention() {
        return attention;
    }

    /**
     * Whether a call that just returned EINTR should be restarted once the waiting signals' handlers
     * have run: every pending, unblocked signal has a handler installed with Signals.RESTART, and
     * nothing ends the process.
     */
    public synchronized boolean interruptionRestarts() {
        long ready = pending & ~blocked;
        return ready != 0 && (ready & ~restarting) == 0 && fatalSignal == 0 && killReason == null;
    }

    /** Whether a handled, unblocked signal is waiting (a blocking call should return EINTR). */
    public synchronized boolean hasDeliverableSignal() {
        return (pending & ~blocked) != 0 || fatalSignal != 0 || killReason != null;
    }
}
