package dev.arca.kernel;

import dev.arca.kernel.fd.FdTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A guest process: identity, place in the process tree, arguments, environment, descriptor table,
 * signal state, and how it ended. The engine instance that runs it belongs to the syscall layer.
 *
 * <p>A process has one or more {@link GuestThread threads}; the first has the process's pid as
 * its id. Signals sent to the process go to any thread that does not block them, a kill or a
 * fatal signal stops every thread, and the process ends when its first thread ends (the syscall
 * layer then stops the others and waits for them, as exit_group does).
 *
 * <p>Locking: tree fields ({@code parent}, {@code children}, {@code state}, {@code waitStatus})
 * are guarded by the kernel's process-table monitor; signal fields, threads and the threads'
 * own signal fields by this object's monitor.
 */
public final class Process {
    public enum State { RUNNING, ZOMBIE, REAPED }

    private final Kernel kernel;
    private final int pid;
    private final List<byte[]> args;
    private final List<byte[]> env;
    private final FdTable fds;
    private final Limits limits;
    private final GuestThread main;
    private final Map<Integer, GuestThread> others = new LinkedHashMap<>(); // threads but the first, guarded by this
    private long endedThreadsCpu; // CPU time of threads that have ended, guarded by this
    private volatile String killReason;
    private volatile boolean exiting; // a thread has ended the process: the others are being stopped

    // process tree, guarded by the kernel's table monitor
    Process parent;
    final List<Process> children = new ArrayList<>();
    State state = State.RUNNING;
    int waitStatus;
    int processGroup;

    // signals, guarded by this
    private final int[] disposition = new int[Signals.MAX + 1];
    private long pending; // sent to the process: any thread that does not block it takes it
    private long restarting; // signals whose handler restarts the call they interrupt (SA_RESTART)
    // the real-time interval timer (setitimer ITIMER_REAL, alarm), guarded by this
    java.util.concurrent.ScheduledFuture<?> alarm;
    long alarmDeadline; // System.nanoTime() at the next expiry; meaningful while alarm != null
    long alarmInterval;
    long alarmGeneration; // a newer setting makes a firing of an older one do nothing
    // the CPU-time interval timers (setitimer ITIMER_VIRTUAL, ITIMER_PROF), guarded by this:
    // index 0 and 1; the process's CPU time at the next expiry (0: disarmed), and the period
    final long[] cpuTimerAt = new long[2];
    final long[] cpuTimerInterval = new long[2];
    java.util.concurrent.ScheduledFuture<?> cpuTimerPoll; // while either is armed
    private volatile int fatalSignal;
    private volatile boolean attention; // something for every thread's syscall layer: a fatal signal, a kill, an exit

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
        this.main = new GuestThread(this, pid);
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

    /** The first thread: the one that runs {@code _start}; its id is the pid. */
    public GuestThread mainThread() {
        return main;
    }

    /** Binds the first thread to the Java thread that runs it (see {@link GuestThread#attach}). */
    public void attach(Thread t, boolean threadReused) {
        main.attach(t, threadReused, false);
    }

    /** As {@link #attach(Thread, boolean)}, for a child its parent runs on its own thread (see {@link GuestThread#attach(Thread, boolean, boolean)}). */
    public void attachHandedOver(Thread t) {
        main.attach(t, true, true);
    }

    /** Unbinds the first thread from its Java thread (see {@link GuestThread#detach}). */
    public void detach() {
        main.detach(false);
    }

    /** As {@link #detach()}, for a child run on its parent's thread that hands the thread back to it ({@link #resume}). */
    public void detachHandingBack() {
        main.detach(true);
    }

    /** The Java thread running the first thread, or null. */
    public Thread thread() {
        return main.thread;
    }

    // ---- threads -------------------------------------------------------------------------

    /**
     * A new thread of this process (thread-spawn), with the signal mask of the thread that makes
     * it, as pthread_create gives. Its id comes from the kernel's pid space, so no two threads
     * of the instance share one. Errors: EAGAIN at the limit of threads per process, or when the
     * process is ending.
     */
    public GuestThread newThread() throws dev.arca.abi.ErrnoException {
        int tid = kernel.allocateId();
        GuestThread creator = self();
        synchronized (this) {
            if (stopping()) throw dev.arca.abi.Errno.EAGAIN.fail("the process is ending");
            if (others.size() + 1 >= limits.threads()) {
                throw dev.arca.abi.Errno.EAGAIN.fail("thread limit of " + limits.threads() + " reached");
            }
            GuestThread t = new GuestThread(this, tid);
            t.blocked = creator.blocked;
            others.put(tid, t);
            return t;
        }
    }

    /** A thread of this process by id (the first thread's is the pid), or null. */
    public synchronized GuestThread thread(int tid) {
        return tid == pid ? main : others.get(tid);
    }

    /** How many threads the process has now, the first included. */
    public synchronized int threadCount() {
        return others.size() + 1;
    }

    /** {@code t}, not the first thread, has ended: its CPU time stays counted, and it is gone. */
    public void threadEnded(GuestThread t) {
        if (t == main) throw new IllegalArgumentException("the first thread ends with the process");
        t.detach();
        synchronized (this) {
            if (others.remove(t.tid()) != null) endedThreadsCpu += t.cpuTimeLocked();
            notifyAll();
        }
    }

    /**
     * exit_group: the process is ending (its first thread returned, or a thread exited or
     * trapped): every thread but the caller is stopped at its next poll, call or wait, and no
     * new one starts. Returns at once; the first thread then {@link #awaitThreads waits} for them.
     */
    public void beginExit() {
        GuestThread caller = Kernel.currentThread(); // null from outside the process: every thread
        synchronized (this) {
            exiting = true;
            attention = true;
            if (main != caller) main.interrupt();
            for (GuestThread t : others.values()) {
                if (t != caller) t.interrupt();
            }
        }
    }

    /**
     * From the first thread, after {@link #beginExit}: waits until every other thread has ended
     * (each is interrupted again while it has not, in case it cleared the first interrupt).
     */
    public void awaitThreads() {
        boolean interrupted = false;
        synchronized (this) {
            while (!others.isEmpty()) {
                for (GuestThread t : others.values()) t.interrupt();
                try {
                    wait(Kernel.SIGNAL_POLL_MILLIS);
                } catch (InterruptedException e) {
                    interrupted = true; // a kill meanwhile: the threads are stopping anyway
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Whether a thread has ended the process and the others are being stopped. */
    public boolean exiting() {
        return exiting;
    }

    /** Whether the process is being stopped: killed, a fatal signal, or an exit in progress. */
    public boolean stopping() {
        return killReason != null || fatalSignal != 0 || exiting;
    }

    /**
     * The thread of this process the calling Java thread runs; the first thread when the caller
     * runs none of this process's (the kernel acting on it from outside).
     */
    GuestThread self() {
        GuestThread t = Kernel.currentThread();
        return t != null && t.process() == this ? t : main;
    }

    /** Requires this. Interrupts every thread: a kill or a fatal signal. */
    private void interruptAll() {
        main.interrupt();
        for (GuestThread t : others.values()) t.interrupt();
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

    /** Whether the process waits to be started (its start not claimed yet). */
    public boolean startPending() {
        return pendingStart.get() != null;
    }

    /**
     * A spawned child's signals as execve(2) leaves them, before it starts: each signal {@code
     * parent} ignores stays ignored unless {@code toDefault} names it, every other disposition is
     * the default (a handler's code is not in the new program), and the first thread blocks
     * {@code mask} (the spawning thread's, or posix_spawn's {@code POSIX_SPAWN_SETSIGMASK});
     * nothing is pending.
     */
    void startSignals(Process parent, long mask, long toDefault) {
        int[] theirs;
        synchronized (parent) {
            theirs = parent.disposition.clone();
        }
        synchronized (this) {
            for (int sig = 1; sig <= Signals.MAX; sig++) {
                boolean keep = theirs[sig] == Signals.IGNORE && (toDefault & (1L << sig)) == 0 && !Signals.uncatchable(sig);
                disposition[sig] = keep ? Signals.IGNORE : Signals.DEFAULT;
            }
            restarting = 0;
            main.blocked = mask & ~((1L << Signals.SIGKILL) | (1L << Signals.SIGSTOP));
        }
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
            if (attention || main.attention || main.thread != Thread.currentThread() || !others.isEmpty()) return false;
            onStopWhileSuspended = onStop;
        }
        main.detach(true); // to the child, which attachHandedOver
        return true;
    }

    /** Back on its thread after {@link #suspend}; its clock counts again from here. */
    public void resume() {
        onStopWhileSuspended = null;
        main.attach(Thread.currentThread(), true, true); // from the child's detach
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
            interruptAll();
        }
        stoppedWhileSuspended();
    }

    /** Why the kernel stopped the process, or null. */
    public String killReason() {
        return killReason;
    }

    /** CPU time the process has used, in nanoseconds: every thread's, ended ones included. */
    public synchronized long cpuTimeNanos() {
        long n = endedThreadsCpu + main.cpuTimeLocked();
        for (GuestThread t : others.values()) n += t.cpuTimeLocked();
        return n;
    }

    // ---- signals ---------------------------------------------------------------------------

    /** The signal that terminates the process, or 0. */
    public int fatalSignal() {
        return fatalSignal;
    }

    /** What {@code sig} does now: Signals.DEFAULT, IGNORE or HANDLE (without the RESTART flag). */
    public synchronized int disposition(int sig) {
        return disposition[sig];
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

    /**
     * Replaces the calling thread's blocked mask; returns the old one. SIGKILL and SIGSTOP cannot
     * be blocked.
     */
    public long setBlocked(long mask) {
        GuestThread t = self();
        long old;
        synchronized (this) {
            old = t.blocked;
            t.blocked = mask & ~((1L << Signals.SIGKILL) | (1L << Signals.SIGSTOP));
            if (((pending | t.pending) & ~t.blocked) != 0) t.attention = true;
        }
        return old;
    }

    /** The calling thread's blocked mask. */
    public long blocked() {
        GuestThread t = self();
        synchronized (this) {
            return t.blocked;
        }
    }

    /** The signals pending for the calling thread: its own and the process's. */
    public long pendingMask() {
        GuestThread t = self();
        synchronized (this) {
            return pending | t.pending;
        }
    }

    /**
     * Delivers {@code sig} to this process: its default action, or pending for a handler in a
     * thread that does not block it (or until one unblocks it).
     */
    void deliver(int sig) {
        deliver(sig, null);
    }

    /** pthread_kill: delivers {@code sig} to thread {@code t} of this process alone. */
    public void deliverTo(GuestThread t, int sig) {
        if (t.process() != this) throw new IllegalArgumentException("not a thread of pid " + pid);
        deliver(sig, t);
    }

    private void deliver(int sig, GuestThread to) {
        long bit = 1L << sig;
        boolean terminate = false;
        synchronized (this) {
            int d = Signals.uncatchable(sig) ? Signals.DEFAULT : disposition[sig];
            if (d == Signals.IGNORE || (d == Signals.DEFAULT && Signals.ignoredByDefault(sig))) return;
            boolean blockedEverywhere;
            if (to != null) {
                blockedEverywhere = (to.blocked & bit) != 0;
            } else {
                blockedEverywhere = (main.blocked & bit) != 0;
                for (GuestThread t : others.values()) blockedEverywhere &= (t.blocked & bit) != 0;
            }
            if (blockedEverywhere || d == Signals.HANDLE) {
                if (to != null) {
                    to.pending |= bit;
                    to.attention |= (to.blocked & bit) == 0;
                } else {
                    pending |= bit;
                    main.attention |= (main.blocked & bit) == 0;
                    for (GuestThread t : others.values()) t.attention |= (t.blocked & bit) == 0;
                }
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
                interruptAll();
            }
            stoppedWhileSuspended();
        }
    }

    /**
     * Takes the calling thread's next pending, unblocked signal (its own first, then the
     * process's): a positive number for one to run a handler for, and as a side effect makes any
     * whose default action terminates the process fatal. Returns 0 when nothing is to be done now.
     */
    public int takeSignal() {
        GuestThread t = self();
        synchronized (this) {
            t.attention = false;
            long ready = (t.pending | pending) & ~t.blocked;
            while (ready != 0) {
                int sig = Long.numberOfTrailingZeros(ready);
                long bit = 1L << sig;
                if ((t.pending & bit) != 0) t.pending &= ~bit;
                else pending &= ~bit;
                ready = (t.pending | pending) & ~t.blocked;
                int d = disposition[sig];
                if (d == Signals.HANDLE) {
                    t.attention = ready != 0;
                    return sig;
                }
                if (d == Signals.DEFAULT && !Signals.ignoredByDefault(sig) && fatalSignal == 0) {
                    fatalSignal = sig;
                    attention = true;
                }
            }
            if (fatalSignal != 0) interruptAll();
            return 0;
        }
    }

    /** Cheap check for the syscall layer: is there a signal, a kill or an exit for the calling thread to act on? */
    public boolean needsAttention() {
        return needsAttention(self());
    }

    /** As {@link #needsAttention()}, for thread {@code t} of this process (no thread-local lookup: every syscall asks). */
    public boolean needsAttention(GuestThread t) {
        return attention || t.attention;
    }

    /**
     * Whether a call that just returned EINTR should be restarted once the waiting signals' handlers
     * have run: every pending signal the calling thread may take has a handler installed with
     * Signals.RESTART, and nothing ends the process.
     */
    public boolean interruptionRestarts() {
        GuestThread t = self();
        synchronized (this) {
            long ready = (pending | t.pending) & ~t.blocked;
            return ready != 0 && (ready & ~restarting) == 0 && !stopping();
        }
    }

    /** Whether the calling thread has a signal to take, or the process is being stopped (a blocking call should return EINTR). */
    public boolean hasDeliverableSignal() {
        GuestThread t = self();
        synchronized (this) {
            return ((pending | t.pending) & ~t.blocked) != 0 || stopping();
        }
    }
}
