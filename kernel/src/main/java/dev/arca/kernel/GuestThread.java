package dev.arca.kernel;

/**
 * A thread of a guest process (wasi-threads' {@code thread-spawn}, pthreads): its own id, signal
 * mask, signals sent to it alone ({@code pthread_kill}) and CPU clock. Everything else (memory,
 * descriptors, dispositions, limits) is the process's. The first thread of a process has the
 * process's pid as its id, as on Linux.
 *
 * <p>Locking: the signal fields and the CPU accounting are guarded by the process's monitor.
 */
public final class GuestThread {
    private final Process process;
    private final int tid;
    volatile Thread thread;
    /** Something for the syscall layer on this thread: a signal it may take. */
    volatile boolean attention;
    long blocked;
    long pending; // sent to this thread only
    private long cpuBaseline; // the Java thread's CPU time when this thread began on it
    private long cpuEnded; // CPU time of runs on Java threads it has left

    GuestThread(Process process, int tid) {
        this.process = process;
        this.tid = tid;
    }

    public Process process() {
        return process;
    }

    /** The thread's id: gettid(); the first thread's is the process's pid. */
    public int tid() {
        return tid;
    }

    /** The Java thread running it now, or null. */
    public Thread thread() {
        return thread;
    }

    /**
     * Binds this guest thread to the Java thread that runs it (its CPU clock and what a kill
     * interrupts). Java threads are pooled, so the clock counts from here.
     */
    public void attach(Thread t, boolean threadReused) {
        attach(t, threadReused, false);
    }

    /**
     * As {@link #attach(Thread, boolean)}; with {@code handedOver}, the current thread comes
     * straight from a {@link #detach} on it (a process that suspended itself to run its child
     * here, or that child ending): the clock counts from that detach's reading, so a hand-over
     * reads the thread's CPU clock once, not twice (each reading is a system call: four of them
     * were 7% of a spawn+exit+wait's time), and the time between is charged to this thread.
     */
    public void attach(Thread t, boolean threadReused, boolean handedOver) {
        long[] last = LAST_READING.get();
        long handed = last[0];
        last[0] = -1; // a reading is handed to the next attach on this thread or to none
        long baseline = handedOver && handed >= 0 && t == Thread.currentThread() ? handed
                : threadReused ? process.kernel().cpuTime(t) : 0;
        synchronized (process) {
            cpuBaseline = baseline;
            thread = t;
        }
        if (process.stopping()) t.interrupt();
    }

    /** The reading of this Java thread's CPU clock that a detach handing it over took, or -1. */
    private static final ThreadLocal<long[]> LAST_READING = ThreadLocal.withInitial(() -> new long[] {-1});

    /** Unbinds the Java thread before it runs anything else, so no late kill reaches that; the run's CPU time stays counted. */
    public void detach() {
        detach(false);
    }

    /**
     * As {@link #detach()}; with {@code handingOver}, the current thread goes straight to another
     * guest thread, whose {@link #attach(Thread, boolean, boolean) attach} takes this reading.
     */
    public void detach(boolean handingOver) {
        long reading = -1;
        synchronized (process) {
            Thread t = thread;
            if (t != null) {
                long now = process.kernel().cpuTime(t);
                cpuEnded += Math.max(0, now - cpuBaseline);
                if (handingOver && t == Thread.currentThread()) reading = now;
            }
            thread = null;
        }
        LAST_READING.get()[0] = reading;
        Thread.interrupted(); // clear a kill that arrived as the thread ended
    }

    /** CPU time this thread has used, in nanoseconds. */
    public long cpuTimeNanos() {
        synchronized (process) {
            return cpuTimeLocked();
        }
    }

    /** Requires the process's monitor. */
    long cpuTimeLocked() {
        long n = cpuEnded;
        Thread t = thread;
        if (t != null) n += Math.max(0, process.kernel().cpuTime(t) - cpuBaseline);
        return n;
    }

    /** Requires the process's monitor. */
    void interrupt() {
        Thread t = thread;
        if (t != null) t.interrupt();
    }
}
