package dev.arca.syscall;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.Imports;
import dev.arca.engine.Instance;
import dev.arca.engine.MemoryLimitExceeded;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Trap;
import dev.arca.fs.FileHandle;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Limits;
import dev.arca.kernel.Process;
import dev.arca.kernel.Signals;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.vfs.Location;
import dev.arca.syscall.wasi.Files;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs WASI commands as Arca processes: makes the process, instantiates its module (compiled
 * once per distinct module by the {@link Engine}, so a spawn costs an instantiation) with the
 * syscall table as imports, and calls {@code _start} on a thread of its own. When the process
 * ends, the kernel makes it a zombie for its parent.
 */
public final class ProcessRunner {
    /** Stack for a process's thread: deep guest recursion becomes JVM recursion. */
    static final long STACK_BYTES = 256L << 20;
    /** Largest module a guest may spawn (a guard against exhausting the heap). */
    static final int MAX_MODULE_BYTES = 256 << 20;

    private final Kernel kernel;
    private final Engine engine;

    public ProcessRunner(Kernel kernel, Engine engine) {
        this.kernel = kernel;
        this.engine = engine;
    }

    Kernel kernel() {
        return kernel;
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
        Process p = kernel.createProcess(args, env, limits);
        try {
            installStdio(p, stdio);
            if (preopenRoot) installRoot(p);
        } catch (ErrnoException e) {
            kernel.exited(p, 0);
            throw new ModuleException("cannot set up process: " + e.getMessage());
        }
        ExitStatus[] result = new ExitStatus[1];
        CountDownLatch done = start(p, module, result);
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                p.kill("interrupted");
            }
        }
        kernel.killAll("the first process has ended");
        if (result[0] == null) throw new ModuleException("process " + p.pid() + " did not start");
        return result[0];
    }

    /** What a spawn does to the child's descriptors before it starts. */
    public sealed interface FileAction {
        record Close(int fd) implements FileAction {}

        record Dup2(int fd, int newFd) implements FileAction {}

        record Open(int fd, String path, int oflags, int fdflags, boolean read, boolean write) implements FileAction {}
    }

    /**
     * posix_spawn: starts {@code guestPath} (absolute, in the guest namespace) as a child of
     * {@code parent}, with the parent's descriptors (less close-on-spawn ones) after {@code
     * actions}. Errors: ENOENT, EACCES, ENOEXEC (not a valid module), EAGAIN (process limit),
     * EBADF/EINVAL for bad actions.
     */
    public Process spawn(Process parent, String guestPath, List<String> args, List<String> env,
            List<FileAction> actions, int processGroup) throws ErrnoException {
        byte[] wasm = readModule(guestPath);
        CompiledModule module;
        try {
            module = engine.load(guestPath, wasm);
            checkCommand(module);
        } catch (ModuleException e) {
            throw Errno.ENOEXEC.fail(e.getMessage());
        }
        FdTable fds = parent.fds().inherit(parent.limits().openFiles());
        try {
            for (FileAction a : actions) apply(fds, a);
        } catch (ErrnoException e) {
            fds.closeAll();
            throw e;
        }
        Process child = kernel.createProcess(parent, processGroup, args, env, parent.limits(), fds);
        start(child, module, null);
        return child;
    }

    private byte[] readModule(String guestPath) throws ErrnoException {
        var opened = kernel.vfs().open(kernel.vfs().root(), relative(guestPath), true, false, false, false, false, true, false);
        FileHandle h = opened.handle();
        try {
            if (h == null) throw Errno.EACCES.fail(guestPath + " is a directory");
            long size = h.size();
            if (size > MAX_MODULE_BYTES) throw Errno.ENOEXEC.fail(guestPath + " is too large");
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = 0;
            while (true) {
                buf.clear();
                int n = h.read(buf, pos);
                if (n <= 0) break;
                out.write(buf.array(), 0, n);
                pos += n;
                if (pos > MAX_MODULE_BYTES) throw Errno.ENOEXEC.fail(guestPath + " is too large");
            }
            return out.toByteArray();
        } finally {
            opened.close();
        }
    }

    private static String relative(String absolute) throws ErrnoException {
        if (!absolute.startsWith("/")) throw Errno.EINVAL.fail("spawn needs an absolute path");
        String r = absolute.replaceFirst("^/+", "");
        return r.isEmpty() ? "." : r;
    }

    private void apply(FdTable fds, FileAction a) throws ErrnoException {
        switch (a) {
            case FileAction.Close c -> fds.close(c.fd());
            case FileAction.Dup2 d -> {
                Descriptor src = fds.get(d.fd());
                if (d.fd() != d.newFd()) fds.duplicateTo(src, d.newFd());
                else fds.replace(d.fd(), src.withCloseOnSpawn(false));
            }
            case FileAction.Open o -> {
                Descriptor opened = Files.openDescriptor(kernel, kernel.vfs().root(), relative(o.path()), true,
                        o.oflags(), o.read(), o.write(), o.fdflags(), Wasi.RIGHTS_ALL, Wasi.RIGHTS_ALL);
                try {
                    fds.duplicateTo(opened, o.fd());
                } finally {
                    opened.file().release();
                }
            }
        }
    }

    /**
     * Threads that run processes, each with a stack large enough for deep guest recursion. They
     * are kept for a while and reused, so a spawn does not pay for creating a thread.
     */
    private static final ExecutorService THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> Thread.ofPlatform().daemon().name("arca-process-", 0).stackSize(STACK_BYTES).unstarted(r));

    private static final ThreadLocal<Boolean> USED = ThreadLocal.withInitial(() -> false);

    /** Instantiates and starts {@code p} on a pooled thread; {@code result} gets its status. */
    private CountDownLatch start(Process p, CompiledModule module, ExitStatus[] result) {
        SyscallContext ctx = new SyscallContext(p, this);
        CountDownLatch done = new CountDownLatch(1);
        THREADS.execute(() -> {
            p.attach(Thread.currentThread(), USED.get());
            USED.set(true);
            Kernel.bindCurrent(p);
            ExitStatus s;
            try {
                checkCommand(module);
                Instance instance = module.instantiate(Imports.of(SyscallTable.bind(ctx)), p.limits().memoryPages());
                ctx.bind(instance);
                s = execute(p, instance.function("_start"));
            } catch (ModuleException e) {
                s = new ExitStatus(ExitStatus.RUNTIME_ERROR, e.getMessage(), Signals.SIGABRT);
            }
            if (result != null) {
                result[0] = s;
            } else if (s.message() != null && p.fatalSignal() == 0) {
                // a trap or a limit: say so, as the first process's would be; a child that a
                // signal ended is its parent's to report (through wait), as on Linux
                String name = new String(p.args().get(0), java.nio.charset.StandardCharsets.UTF_8);
                System.err.println("arca: pid " + p.pid() + " (" + name + "): " + s.message());
            }
            p.detach();
            Kernel.bindCurrent(null);
            kernel.exited(p, s.waitStatus());
            done.countDown();
        });
        return done;
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

    private static ExitStatus execute(Process p, ExportedFunction start) {
        try {
            start.call();
            return ExitStatus.exited(0);
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
    private static ExitStatus stopped(Process p) {
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

    private static void installStdio(Process p, Stdio stdio) throws ErrnoException {
        var handles = new FileHandle[] {stdio.in(), stdio.out(), stdio.err()};
        for (int i = 0; i < 3; i++) {
            boolean tty = stdio.terminal()[i];
            byte type = tty ? Wasi.FILETYPE_CHARACTER_DEVICE : Wasi.FILETYPE_UNKNOWN;
            var f = new FileDescription(null, handles[i], type, i == 0, i != 0, 0);
            p.fds().add(new Descriptor(f, Wasi.RIGHTS_TTY, 0, null));
        }
    }

    private void installRoot(Process p) throws ErrnoException {
        Location root = kernel.vfs().root();
        var f = new FileDescription(root, null, Wasi.FILETYPE_DIRECTORY, true, false, 0);
        p.fds().add(new Descriptor(f, Files.rightsFor(Wasi.FILETYPE_DIRECTORY), Wasi.RIGHTS_ALL, "/"));
    }
}
