package dev.arca.syscall;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.MemoryLimitExceeded;
import dev.arca.engine.ModuleException;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Limits;
import dev.arca.kernel.Process;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.vfs.Location;
import dev.arca.syscall.wasi.Files;
import java.util.List;

/**
 * Runs a WASI command as an Arca process: makes the process, gives it its standard streams and
 * the namespace root as its preopened directory, instantiates the module with the syscall table
 * as its imports, and calls {@code _start} on a thread of its own.
 */
public final class ProcessRunner {
    /** Stack for a process's thread: deep guest recursion becomes JVM recursion. */
    static final long STACK_BYTES = 256L << 20;

    private ProcessRunner() {}

    /**
     * Starts and waits for a process. With {@code preopenRoot} the namespace root "/" is its
     * descriptor 3; without, it has no file system at all (as wasmtime without --dir). Errors:
     * ModuleException when it cannot be instantiated.
     */
    public static ExitStatus run(Kernel kernel, CompiledModule module, List<String> args, List<String> env,
            Limits limits, Stdio stdio, boolean preopenRoot) throws ModuleException {
        Process p = kernel.createProcess(args, env, limits);
        try {
            installStdio(p, stdio);
            if (preopenRoot) installRoot(kernel, p);
        } catch (ErrnoException e) {
            p.exit();
            throw new ModuleException("cannot set up process: " + e.getMessage());
        }
        SyscallContext ctx = new SyscallContext(p);
        Instance instance;
        try {
            instance = module.instantiate(ImportValues.builder().addFunction(SyscallTable.bind(ctx)).build(), limits.memoryPages());
        } catch (ModuleException e) {
            p.exit();
            throw e;
        }
        ctx.bind(instance);
        ExportFunction start;
        try {
            start = instance.export("_start");
        } catch (ChicoryException e) {
            p.exit();
            throw new ModuleException(module.name() + ": no _start export: not a WASI command");
        }
        ExitStatus[] result = new ExitStatus[1];
        Thread t = Thread.ofPlatform().name("arca-pid-" + p.pid()).stackSize(STACK_BYTES).unstarted(() -> {
            result[0] = execute(p, module, instance, start);
        });
        p.attach(t);
        t.start();
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                p.kill("interrupted");
            }
        }
        p.exit();
        return result[0];
    }

    private static ExitStatus execute(Process p, CompiledModule module, Instance instance, ExportFunction start) {
        try {
            start.apply();
            return new ExitStatus(0, null);
        } catch (ProcessExit e) {
            if (e.signal() != 0) return new ExitStatus(e.exitCode(), "terminated by signal " + e.signal());
            return new ExitStatus(e.exitCode() & 0xFF, null);
        } catch (ChicoryInterruptedException e) {
            return killed(p);
        } catch (MemoryLimitExceeded e) {
            return new ExitStatus(ExitStatus.KILLED, "killed: " + e.getMessage());
        } catch (StackOverflowError e) {
            return trap(p, instance, module, "call stack exhausted", e);
        } catch (OutOfMemoryError e) {
            return new ExitStatus(ExitStatus.KILLED, "killed: the JVM ran out of heap for this process");
        } catch (RuntimeException e) {
            if (p.killReason() != null) return killed(p);
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return trap(p, instance, module, what, e);
        }
    }

    private static ExitStatus killed(Process p) {
        String why = p.killReason() == null ? "interrupted" : p.killReason();
        return new ExitStatus(ExitStatus.KILLED, "killed: " + why);
    }

    private static ExitStatus trap(Process p, Instance instance, CompiledModule module, String what, Throwable e) {
        if (p.killReason() != null) return killed(p);
        String fn = guestFunction(module, e);
        String msg = "trap: " + firstLine(what) + (fn == null ? "" : " in " + fn);
        int pages = instance.memory().pages();
        if (p.limits().memoryBytes() < Limits.MAX_MEMORY && pages >= p.limits().memoryPages()) {
            msg += " (memory is at its limit of " + (p.limits().memoryBytes() >> 20) + " MiB)";
        }
        return new ExitStatus(ExitStatus.TRAP, msg);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The guest function that was running: the innermost compiled frame "func_N", by name. */
    static String guestFunction(CompiledModule module, Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            String m = f.getMethodName();
            if (m.startsWith("func_")) {
                try {
                    int idx = Integer.parseInt(m.substring(5));
                    var names = module.module().nameSection();
                    String name = names == null ? null : names.nameOfFunction(idx);
                    return name != null ? name : "function #" + idx;
                } catch (NumberFormatException ignored) {
                    // not one of the compiler's methods
                }
            }
        }
        return null;
    }

    private static void installStdio(Process p, Stdio stdio) throws ErrnoException {
        var handles = new dev.arca.fs.FileHandle[] {stdio.in(), stdio.out(), stdio.err()};
        for (int i = 0; i < 3; i++) {
            boolean tty = stdio.terminal()[i];
            byte type = tty ? Wasi.FILETYPE_CHARACTER_DEVICE : Wasi.FILETYPE_UNKNOWN;
            long rights = Wasi.RIGHTS_TTY;
            var f = new FileDescription(null, handles[i], type, i == 0, i != 0, 0);
            p.fds().add(new Descriptor(f, rights, 0, null));
        }
    }

    private static void installRoot(Kernel kernel, Process p) throws ErrnoException {
        Location root = kernel.vfs().root();
        var f = new FileDescription(root, null, Wasi.FILETYPE_DIRECTORY, true, false, 0);
        p.fds().add(new Descriptor(f, Files.rightsFor(Wasi.FILETYPE_DIRECTORY), Wasi.RIGHTS_ALL, "/"));
    }
}
