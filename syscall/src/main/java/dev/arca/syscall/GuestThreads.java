package dev.arca.syscall;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.Instance;
import dev.arca.engine.ModuleException;
import dev.arca.engine.ValueType;
import dev.arca.kernel.GuestThread;
import dev.arca.kernel.Process;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads of one process as the syscall layer runs them (wasi-threads): the module and the
 * first thread's instance, whose shared memory every other thread's instance imports, and the
 * status the process ends with. Each thread runs on a pooled Java thread of its own with the
 * process threads' deep stack.
 *
 * <p>How a process with threads ends (exit_group): the first of these decides its status: the
 * first thread's {@code _start} returns (exit 0), any thread calls {@code proc_exit}, or any
 * thread traps or is stopped at a limit. The others are then stopped (interrupted at their next
 * poll, call or wait) and the first thread waits for them before the kernel sees the process end,
 * so no thread of a reaped process still runs.
 */
public final class GuestThreads {
    /** The export a new thread starts in: {@code wasi_thread_start(tid, start_arg)}. */
    public static final String ENTRY = "wasi_thread_start";
    private static final FunctionSignature ENTRY_TYPE = FunctionSignature.of(List.of(ValueType.I32, ValueType.I32), List.of());

    private final Process process;
    private volatile CompiledModule module;
    private volatile Instance first;
    private final AtomicReference<ExitStatus> status = new AtomicReference<>();

    GuestThreads(Process process) {
        this.process = process;
    }

    /** The first thread's instance: later threads are instances of the same module over its memory. */
    void started(CompiledModule module, Instance first) {
        this.module = module;
        this.first = first;
    }

    /**
     * thread-spawn: a new thread that runs {@code wasi_thread_start(tid, startArg)}; returns its
     * id. The new instance is made here, on the caller's thread, so that a module that cannot
     * have threads fails the call rather than the thread. Errors: EAGAIN at the thread limit or
     * when the process is ending, ENOTSUP when the module's memory is not shared or it has no
     * {@code wasi_thread_start(i32, i32)}, ENOMEM when the JVM has no room for the thread.
     */
    int spawn(int startArg) throws ErrnoException {
        CompiledModule m = module;
        Instance sibling = first;
        if (m == null || sibling == null) throw Errno.EAGAIN.fail("the process has not started");
        FunctionSignature entryType = m.exportedFunction(ENTRY);
        if (entryType == null || !entryType.equals(ENTRY_TYPE)) {
            throw Errno.ENOTSUP.fail(m.name() + " exports no " + ENTRY + "(i32, i32): not built for threads");
        }
        if (sibling.memory() == null || !sibling.memory().shared()) {
            throw Errno.ENOTSUP.fail(m.name() + "'s memory is not shared: not built for threads");
        }
        GuestThread t = process.newThread();
        SyscallContext ctx = new SyscallContext(t, this);
        Instance instance;
        try {
            instance = m.instantiateThread(SyscallTable.IMPORTS, process.limits().memoryPages(), sibling);
            ctx.bind(instance);
        } catch (ModuleException e) {
            process.threadEnded(t);
            throw Errno.ENOTSUP.fail("cannot make a thread's instance: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            process.threadEnded(t);
            throw Errno.ENOMEM.fail("the JVM ran out of heap for a thread");
        }
        ExportedFunction entry = instance.function(ENTRY);
        try {
            ProcessThreads.execute(() -> run(t, ctx, entry, startArg));
        } catch (OutOfMemoryError e) { // no native thread could be made
            process.threadEnded(t);
            throw Errno.EAGAIN.fail("no thread could be made: " + e.getMessage());
        }
        return t.tid();
    }

    /** A thread but the first, on its own Java thread, to its end. */
    private void run(GuestThread t, SyscallContext ctx, ExportedFunction entry, int startArg) {
        t.attach(Thread.currentThread(), true);
        SyscallContext.bindToThread(ctx);
        try {
            ExitStatus s = ProcessRunner.execute(process, entry, t.tid(), startArg); // boxed: i32 as Integer
            // returning from wasi_thread_start ends only this thread; anything else ends the
            // process, unless it is already ending (then this thread was stopped with it)
            if (s != null && !process.stopping()) end(s);
        } finally {
            SyscallContext.bindToThread(null);
            process.threadEnded(t);
        }
    }

    /**
     * The process ends with {@code s} unless a thread decided its status first; stops every other
     * thread. Returns the status it ends with.
     */
    ExitStatus end(ExitStatus s) {
        ExitStatus decided = status.compareAndExchange(null, s);
        process.beginExit();
        return decided == null ? s : decided;
    }
}
