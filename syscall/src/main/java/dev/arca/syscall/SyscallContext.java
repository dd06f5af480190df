package dev.arca.syscall;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.Instance;
import dev.arca.engine.ValueType;
import dev.arca.kernel.GuestThread;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Process;
import dev.arca.kernel.Signals;
import dev.arca.kernel.fd.Descriptor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a handler works with: the calling process, the thread of it that calls, and its checked
 * memory. One per thread of a process (each thread is an instance of the module of its own, over
 * the process's shared memory).
 */
public final class SyscallContext {
    /** The guest export that runs signal handlers (the SDK's libarca defines it). */
    public static final String SIGNAL_ENTRY = "__arca_signal";

    private final Process process;
    private final GuestThread thread;
    private final GuestThreads threads;
    private final boolean traced;
    private GuestMemory memory;
    private ExportedFunction signalEntry;
    private int handlerDepth;

    /** The context of a process's first thread. */
    SyscallContext(Process process) {
        this(process.mainThread(), new GuestThreads(process));
    }

    /** The context of {@code thread}, one of the process's {@code threads}. */
    SyscallContext(GuestThread thread, GuestThreads threads) {
        this.process = thread.process();
        this.thread = thread;
        this.threads = threads;
        this.traced = process.kernel().diagnostics().wants(DiagnosticSink.Kind.TRACE);
    }

    /** The calling thread. */
    public GuestThread thread() {
        return thread;
    }

    /** Every thread of the calling process, as the syscall layer runs them. */
    public GuestThreads threads() {
        return threads;
    }

    /** Whether each call is traced (asked once per process: the check sits on every call). */
    boolean traced() {
        return traced;
    }

    void bind(Instance instance) {
        this.memory = new GuestMemory(instance.memory());
        ExportedFunction entry = instance.function(SIGNAL_ENTRY);
        // a program without handlers (or with an entry of another type): default actions only
        boolean fits = entry != null && entry.signature().equals(FunctionSignature.of(java.util.List.of(ValueType.I32), java.util.List.of()));
        this.signalEntry = fits ? entry : null;
    }

    public Process process() {
        return process;
    }

    private static final ThreadLocal<SyscallContext> CURRENT = new ThreadLocal<>();

    /** The context of the process the current thread runs (its syscalls find it here). */
    static SyscallContext current() {
        SyscallContext c = CURRENT.get();
        if (c == null) throw new IllegalStateException("a syscall on a thread that runs no process");
        return c;
    }

    /** The current thread runs this process from now on (null: none). */
    static void bindToThread(SyscallContext c) {
        CURRENT.set(c);
        Kernel.bindCurrent(c == null ? null : c.thread);
    }

    // ---- children not started yet ----------------------------------------------------------

    /** Children this process made that may not have started yet (see ProcessRunner#start). */
    private final Queue<Process> unstarted = new ConcurrentLinkedQueue<>();
    private Runnable onStop;

    void onStopWhileSuspended(Runnable r) {
        onStop = r;
    }

    /** After a spawn: {@code child} starts at this process's next call, or when it waits for it. */
    public void spawned(Process child) {
        unstarted.add(child);
    }

    /** At every call but a wait: the children made since the last call start on their own threads. */
    void startUnstartedChildren() {
        Process c;
        while ((c = unstarted.poll()) != null) ProcessRunner.startOnOwnThread(c);
    }

    /**
     * waitpid(pid) that would block, before it does: every child not started yet starts on its
     * own thread, but child {@code pid}, if it has not started, runs here, on this thread, to its
     * end; the wait then finds it ended. No thread hands it over and back. The process waits for
     * that child and can do nothing else until it ends, so the only difference this makes is to
     * signals: not done when the process has handlers (they must run while it waits); a kill or
     * fatal signal meanwhile ends it for the kernel at once (its parent can reap it) though its
     * thread is still busy with the child.
     */
    public void runChildHere(int pid) {
        Process child = null;
        for (Process c; (c = unstarted.poll()) != null; ) {
            if (c.pid() == pid && child == null) child = c;
            else ProcessRunner.startOnOwnThread(c);
        }
        if (child == null) return;
        Runnable work = child.claimStart();
        if (work == null) return; // the timer started it
        if (process.hasHandlers() || !process.suspend(onStop)) {
            ProcessThreads.execute(work);
            return;
        }
        try {
            ProcessRunner.runHandedOver(work);
        } finally {
            bindToThread(this);
            process.resume();
        }
    }

    public Kernel kernel() {
        return process.kernel();
    }

    public GuestMemory memory() {
        return memory;
    }

    private long maskToRestore;
    private boolean restoreMask;

    /**
     * For ppoll and pselect: the signal mask is {@code mask} until this call returns, and the old
     * one is restored after the signals the wait let in have been handled, as Linux does.
     */
    public void replaceMaskUntilReturn(long mask) {
        long old = process.setBlocked(mask & ~1L);
        if (!restoreMask) {
            maskToRestore = old;
            restoreMask = true;
        }
    }

    /** At the end of every call: signals first (under a ppoll's mask), then the mask it replaced. */
    void afterCall() {
        try {
            deliverSignals();
        } finally {
            if (restoreMask) {
                restoreMask = false;
                process.setBlocked(maskToRestore);
            }
        }
    }

    /**
     * After a call returned EINTR: when every signal that interrupted it has a handler installed
     * with SA_RESTART, runs those handlers and returns true (the caller makes the call again);
     * otherwise returns false and the guest sees EINTR. Inside a handler nothing more is
     * delivered, so nothing is restarted there.
     */
    boolean runHandlersBeforeRestart() {
        if (handlerDepth > 0 || signalEntry == null || !process.interruptionRestarts()) return false;
        deliverSignals();
        return true;
    }

    /** Whether the guest can run signal handlers. */
    public boolean canHandleSignals() {
        return signalEntry != null;
    }

    /** Descriptor {@code fd} (a raw i32 argument), which must carry {@code rights}. */
    public Descriptor fd(long fd, long rights) throws ErrnoException {
        return process.fds().get((int) fd, rights);
    }

    /**
     * At a syscall boundary: ends the process if a signal or the kernel says so, and runs the
     * guest's handlers for pending signals (through its exported entry, on this thread).
     */
    void deliverSignals() {
        if (!process.needsAttention(thread)) return;
        while (true) {
            if (process.fatalSignal() != 0) throw ProcessExit.signal(process.fatalSignal());
            if (process.killReason() != null || process.exiting()) throw new ProcessKilled();
            if (handlerDepth > 0) return; // no nesting: the rest waits until this handler returns
            int sig = process.takeSignal();
            if (sig == 0) {
                if (process.fatalSignal() != 0) continue;
                return;
            }
            if (signalEntry == null) {
                if (!Signals.ignoredByDefault(sig)) throw ProcessExit.signal(sig);
                continue;
            }
            handlerDepth++;
            try {
                signalEntry.call(sig);
            } finally {
                handlerDepth--;
            }
        }
    }
}
