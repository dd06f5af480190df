package dev.arca.syscall;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.Instance;
import dev.arca.engine.MemoryLimitExceeded;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Trap;
import dev.arca.fs.FileHandle;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Limits;
import dev.arca.kernel.Process;
import dev.arca.kernel.Program;
import dev.arca.kernel.ProgramLoader;
import dev.arca.kernel.Signals;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs WASI commands as Arca processes, the engine's part of it: instantiates a process's module
 * (compiled once per distinct module by the {@link Engine}, so a spawn costs an instantiation)
 * with the syscall table as imports, and calls {@code _start} on a thread of its own. The kernel
 * makes processes (the first one here, and every spawn through this runner as its {@link
 * ProgramLoader}); when a process ends, the kernel makes it a zombie for its parent.
 */
public final class ProcessRunner implements ProgramLoader {
    /** Stack for a process's thread: deep guest recursion becomes JVM recursion. */
    static final long STACK_BYTES = 256L << 20;

    private final Kernel kernel;
    private final Engine engine;

    /** A runner for {@code kernel}'s processes; it becomes the kernel's loader for spawns. */
    public ProcessRunner(Kernel kernel, Engine engine) {
        this.kernel = kernel;
        this.engine = engine;
        kernel.setLoader(this);
    }

    /**
     * Runs the first process and waits for it; when it ends, every process still running is
     * stopped. With {@code preopenRoot} the namespace root "/" is its descriptor 3; without, it
     * has no file system at all (as wasmtime without --dir). Errors: ModuleException when it
     * cannot be instantiated.
     */
    public ExitStatus run(CompiledModule module, List<String> args, List<String> env, Limits limits, Stdio stdio,
            boolean preopenRoot) throws ModuleException {
        checkCommand(module);
        Started started;
        try {
            started = start(module, args, env, limits, stdio, preopenRoot);
        } catch (ErrnoException e) {
            throw new ModuleException("cannot set up process: " + e.getMessage());
        }
        ExitStatus status;
        while (true) {
            try {
                status = started.exit().get();
                break;
            } catch (InterruptedException e) {
                started.process().kill("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a process thread failed", e.getCause());
            }
        }
        kernel.killAll("the first process has ended");
        if (status.code() == ExitStatus.RUNTIME_ERROR && status.signal() != 0) throw new ModuleException(status.message());
        return status;
    }

    /**
     * A process started by {@link #start}: the kernel's process, and its status once it ends.
     * The future never completes exceptionally.
     */
    public record Started(Process process, CompletableFuture<ExitStatus> exit) {}

    /**
     * Starts a process that has no parent (the first process of the instance, or another one its
     * embedder starts beside it) and returns at once; the caller decides what its end means for
     * the others. With {@code preopenRoot} the namespace root "/" is its descriptor 3. A module
     * that cannot be instantiated ends it with status {@link ExitStatus#RUNTIME_ERROR} and a
     * non-zero signal (a guest's own exit code 125 has signal 0). Errors: EAGAIN at the process
     * limit, EMFILE when the descriptor limit cannot hold its standard streams.
     */
    public Started start(CompiledModule module, List<String> args, List<String> env, Limits limits, Stdio stdio,
            boolean preopenRoot) throws ErrnoException {
        Process p = kernel.createFirstProcess(args, env, limits, new FileHandle[] {stdio.in(), stdio.out(), stdio.err()},
                stdio.terminal(), preopenRoot);
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        start(p, module, exit);
        return new Started(p, exit);
    }

    /** For a spawn: compiles the module (or finds it compiled). Errors: ENOEXEC. */
    @Override
    public Program load(String name, byte[] wasm) throws ErrnoException {
        CompiledModule module;
        try {
            module = engine.load(name, wasm);
            checkCommand(module);
        } catch (ModuleException e) {
            throw Errno.ENOEXEC.fail(e.getMessage());
        }
        return new Program() {
            @Override
            public String name() {
                return module.name();
            }

            @Override
            public void start(Process process) {
                ProcessRunner.this.start(process, module, null);
            }
        };
    }

    private static final ThreadLocal<Boolean> USED = ThreadLocal.withInitial(() -> false);
    /**
     * Set by {@link #runHandedOver} for the run it starts: the process that suspended itself to
     * run its child on this thread read the thread's CPU clock as it left, and the child counts
     * from that reading (Process#attachHandedOver).
     */
    private static final ThreadLocal<Boolean> HANDED_OVER = ThreadLocal.withInitial(() -> false);

    /** Runs {@code work} (a child's start, claimed) here, right after its parent suspended itself on this thread. */
    static void runHandedOver(Runnable work) {
        HANDED_OVER.set(true);
        try {
            ProcessThreads.runNested(work);
        } finally {
            HANDED_OVER.set(false);
        }
    }

    /**
     * How long a child made by a spawn may wait for its parent to either wait for it (then it
     * runs on the parent's thread) or make another call (then it starts on its own thread)
     * before it starts on its own thread anyway (a parent that computes after a spawn).
     */
    static final long START_DELAY_NANOS = 5_000_000;

    /**
     * Makes the work that instantiates and runs {@code p}; {@code result} gets its status once the
     * kernel has recorded its end (null: a child, whose parent learns it through wait). The first
     * process, and one started from outside any process (the Java API), start on a pooled thread
     * at once. A child made by a spawn is left for its parent's next call: a wait for it runs it
     * on the parent's thread ({@link SyscallContext#runChildHere}), any other call starts it on a
     * pooled thread, and so does a timer after {@link #START_DELAY_NANOS}.
     */
    private void start(Process p, CompiledModule module, CompletableFuture<ExitStatus> result) {
        SyscallContext ctx = new SyscallContext(p);
        ctx.onStopWhileSuspended(() -> ended(p, ctx, stopped(p), result));
        p.setPendingStart(() -> run(p, ctx, module, result));
        if (result != null || Kernel.current() == null) {
            startOnOwnThread(p);
        } else {
            ProcessThreads.startLater(p, START_DELAY_NANOS);
        }
    }

    /** Starts {@code p} on a pooled thread, unless it has started already. */
    static void startOnOwnThread(Process p) {
        Runnable work = p.claimStart();
        if (work != null) ProcessThreads.execute(work);
    }

    /** Runs {@code p} on the current thread, to its end. */
    private void run(Process p, SyscallContext ctx, CompiledModule module, CompletableFuture<ExitStatus> result) {
        boolean handedOver = HANDED_OVER.get();
        if (handedOver) {
            HANDED_OVER.set(false);
            p.attachHandedOver(Thread.currentThread());
        } else {
            p.attach(Thread.currentThread(), USED.get());
        }
        USED.set(true);
        SyscallContext.bindToThread(ctx);
        ExitStatus s;
        try {
            checkCommand(module);
            Instance instance = module.instantiate(SyscallTable.IMPORTS, p.limits().memoryPages());
            ctx.bind(instance);
            ctx.threads().started(module, instance);
            s = execute(p, instance.function("_start"));
            if (s == null) s = ExitStatus.exited(0);
            // exit_group: the first status decided (this one, or another thread's exit or trap)
            s = ctx.threads().end(s);
            p.awaitThreads();
        } catch (ModuleException e) {
            s = new ExitStatus(ExitStatus.RUNTIME_ERROR, e.getMessage(), Signals.SIGABRT);
        } catch (GuestInterrupted e) {
            s = stopped(p); // killed while a start function ran
        } catch (OutOfMemoryError e) {
            // instantiating allocates the initial memory: without this the process would never end
            s = ExitStatus.signaled(Signals.SIGKILL, "killed: the JVM ran out of heap for this process");
        }
        if (result == null && s.message() != null && p.fatalSignal() == 0 && kernel.stopReason() == null) {
            // a trap or a limit: say so, as the first process's would be; a child that a
            // signal ended is its parent's to report (through wait), as on Linux, and one
            // stopped with the whole instance is reported once, by the first process
            String name = new String(p.args().get(0), java.nio.charset.StandardCharsets.UTF_8);
            kernel.diagnostics().emit(DiagnosticSink.Kind.NOTICE, "pid " + p.pid() + " (" + name + "): " + s.message());
        }
        if (handedOver) p.detachHandingBack(); // to the parent, which resumes on this thread
        else p.detach();
        SyscallContext.bindToThread(null);
        // idle before the parent can learn of the end: a parent that waits and spawns again
        // finds this thread, rather than making one while this one is still finishing
        ProcessThreads.idleSoon();
        ended(p, ctx, s, result);
    }

    /**
     * The end of {@code p} for the kernel (its parent may reap it now) and for whoever waits on
     * {@code result}; the children it made that have not started start now. Called once when it
     * returns, and maybe once before, when it is stopped while its thread runs a child of it.
     */
    private void ended(Process p, SyscallContext ctx, ExitStatus s, CompletableFuture<ExitStatus> result) {
        ctx.startUnstartedChildren();
        kernel.exited(p, s.waitStatus());
        if (result != null) result.complete(s);
    }

    /** A WASI command exports {@code _start}, taking and returning nothing. Errors: ModuleException (an invalid module). */
    static void checkCommand(CompiledModule module) throws ModuleException {
        FunctionSignature start = module.exportedFunction("_start");
        if (start == null) throw new ModuleException(module.name() + ": no _start export: not a WASI command");
        if (!start.params().isEmpty() || !start.results().isEmpty()) {
            throw new ModuleException(module.name() + ": invalid module: _start must take and return nothing, but it is "
                    + start + ": not a WASI command");
        }
    }

    /**
     * Runs {@code entry} of one of {@code p}'s threads on this thread: null when it returns, or
     * the status the process ends with when it exits, traps or is stopped.
     */
    static ExitStatus execute(Process p, ExportedFunction entry, Object... args) {
        try {
            entry.call(args);
            return null;
        } catch (ProcessExit e) {
            if (e.signal() != 0) return ExitStatus.signaled(e.signal(), "terminated by signal " + e.signal());
            return ExitStatus.exited(e.exitCode());
        } catch (GuestInterrupted | ProcessKilled e) {
            return stopped(p);
        } catch (MemoryLimitExceeded e) {
            return ExitStatus.signaled(Signals.SIGKILL, "killed: " + e.getMessage());
        } catch (Trap e) {
            return trap(p, e.getMessage(), e.function());
        } catch (StackOverflowError e) {
            return trap(p, "call stack exhausted", null);
        } catch (OutOfMemoryError e) {
            return ExitStatus.signaled(Signals.SIGKILL, "killed: the JVM ran out of heap for this process");
        } catch (RuntimeException e) {
            if (p.killReason() != null || p.fatalSignal() != 0) return stopped(p);
            // a defect in Arca or in a host function: reported as a trap, the JVM goes on
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return trap(p, "internal error: " + what, null);
        }
    }

    /** A process stopped by a signal from another process, or by the kernel at a limit. */
    static ExitStatus stopped(Process p) {
        if (p.fatalSignal() != 0) return ExitStatus.signaled(p.fatalSignal(), "terminated by signal " + p.fatalSignal());
        String why = p.killReason() == null ? "interrupted" : p.killReason();
        return ExitStatus.signaled(Signals.SIGKILL, "killed: " + why);
    }

    private static ExitStatus trap(Process p, String what, String fn) {
        if (p.killReason() != null || p.fatalSignal() != 0) return stopped(p);
        return ExitStatus.signaled(Signals.SIGABRT, "trap: " + firstLine(what) + (fn == null ? "" : " in " + fn));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
