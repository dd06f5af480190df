package dev.arca;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ModuleException;
import dev.arca.fs.FileHandle;
import dev.arca.fs.devfs.QuoteSource;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.net.Network;
import dev.arca.kernel.net.NetworkPolicy;
import dev.arca.kernel.fd.StreamHandles;
import dev.arca.kernel.vfs.Vfs;
import dev.arca.syscall.ProcessRunner;
import dev.arca.syscall.Stdio;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Arca instance: a kernel with its own namespace (the mounts of its {@link InstanceConfig}),
 * process table and limits, in which guest programs run as isolated processes. Nothing a guest
 * does reaches beyond its mounts, and nothing it does can crash the JVM.
 *
 * <pre>{@code
 * InstanceConfig config = InstanceConfig.builder()
 *         .program(Program.file(Path.of("hello.wasm")))
 *         .mount(Mount.hostDirectory(Path.of("data"), "/data"))
 *         .stdout(System.out)
 *         .build();
 * try (Instance instance = Instance.create(config)) {
 *     ExitStatus status = instance.run();
 *     System.out.println("exit " + status.code() + (status.reason() == null ? "" : ": " + status.reason()));
 * }
 * }</pre>
 *
 * <p><b>Life.</b> {@link #create} opens the mounts and compiles the entry program. {@link #start}
 * (or {@link #run}, which also waits) starts it as the first process; while it runs, {@link #spawn}
 * starts more processes beside it, which share its file systems and limits. When the first process
 * ends, every process still running is stopped (as a container ends with its first process).
 * {@link #close} stops every process, waits for them, commits the volumes and releases every host
 * descriptor; after it, the instance refuses everything with an IllegalStateException.
 *
 * <p>Thread-safe. Each process runs on a thread of its own; none of these methods waits for a
 * guest except {@link #run} and {@link #close}.
 */
public final class Instance implements AutoCloseable {
    private static final Host HOST = new LinuxHost();

    private enum State { CREATED, RUNNING, ENDED, CLOSED }

    private final InstanceConfig config;
    private final Host host;
    private final DiagnosticSink diagnostics;
    private final Engine engine;
    private final Namespace namespace;
    private final Kernel kernel;
    private final ProcessRunner runner;
    private final CompiledModule entryModule;
    private final List<String> entryArgv;
    private final List<String> entryEnv;

    private final Object mu = new Object();
    private State state = State.CREATED; // guarded by mu
    private GuestProcess first; // guarded by mu

    private Instance(InstanceConfig config, Host host, DiagnosticSink diagnostics, Engine engine, Namespace namespace,
            CompiledModule entryModule, List<String> entryArgv, List<String> entryEnv) {
        this.config = config;
        this.host = host;
        this.diagnostics = diagnostics;
        this.engine = engine;
        this.namespace = namespace;
        this.kernel = new Kernel(host, new Vfs(namespace.table), config.limits().processes(), diagnostics);
        NetworkPolicy policy = config.network().withSockets(config.limits().sockets());
        if (!policy.listen().isEmpty() || !policy.connect().isEmpty() || !policy.hosts().isEmpty() || policy.dns()) {
            // the effective policy, so that what is open is never a surprise
            for (String line : policy.describe()) diagnostics.emit(DiagnosticSink.Kind.NOTICE, "network: " + line);
        }
        Network network = new Network(host, policy, diagnostics);
        network.setLease(config.lease());
        kernel.setNetwork(network);
        this.runner = new ProcessRunner(kernel, engine);
        this.entryModule = entryModule;
        this.entryArgv = entryArgv;
        this.entryEnv = entryEnv;
    }

    /** The host door the API reads operator files through (the JVM's own host). */
    static Host defaultHost() {
        return HOST;
    }

    /**
     * For a process that makes instances again and again (a node running services): from now on,
     * the instances in this JVM share the modules Arca's compiler loaded (their classes hold no
     * state: memories, globals and tables are each instance's), so a program started again runs
     * code the JVM has compiled already. Off by default.
     */
    public static void shareCompiledModules() {
        Engine.shareLoadedModules();
    }

    /**
     * For a resident process, before its first real program: runs a small generated program that
     * imports every syscall, writes a line and exits, so that the kernel's, the syscall table's and
     * the engine's first-use costs (class initialization, host-call adapters, method handle forms)
     * are paid now rather than by that program. Returns how it ended (exit code 0 unless Arca
     * itself is broken); errors as {@link #create} and {@link #run} give them.
     */
    public static ExitStatus warmUp() throws ArcaException {
        return WarmUp.run();
    }

    /**
     * Makes an instance: checks the cache directory, reads and compiles the entry program, and
     * opens every mount (creating volumes met for the first time). Nothing runs yet. The program is
     * compiled before any mount is opened, so an invalid program creates no volume. Errors:
     * ProgramException, MountException, ConfigException, each with one line.
     */
    public static Instance create(InstanceConfig config) throws ArcaException {
        Objects.requireNonNull(config, "config");
        Host host = HOST;
        long t0 = System.nanoTime();
        DiagnosticSink diagnostics = config.diagnostics() != null ? Sinks.of(config.diagnostics(), host)
                : Sinks.of(Diagnostics.text(host.stderr()), host);
        if (config.cacheDirectory() != null) checkCacheDirectory(host, config.cacheDirectory());
        Engine engine = new Engine(host, config.cacheDirectory(), config.cacheLimit(), engineKind(config), memoryKind(config.linearMemory()),
                compilerOptions(config), diagnostics);
        ProcessSpec entry = config.entry();
        CompiledModule module = load(engine, host, entry.program());
        timing(diagnostics, t0, "entry program loaded");
        List<String> env = environment(host, entry);
        Namespace namespace = Namespace.open(host, config, diagnostics, quoteSource(config.evidence()));
        timing(diagnostics, t0, "mounts opened");
        List<String> argv = new ArrayList<>();
        argv.add(argv0(namespace, entry.program()));
        argv.addAll(entry.args());
        return new Instance(config, host, diagnostics, engine, namespace, module, List.copyOf(argv), env);
    }

    /**
     * Starts the entry program as the first process and waits for it to end. If this thread is
     * interrupted meanwhile, the process is stopped ({@code "killed: interrupted"}) and the
     * interrupt is kept. Errors: ProgramException when the module cannot be instantiated (an
     * import Arca does not offer, no {@code _start}, initial memory above the limit); LimitException;
     * IllegalStateException when the first process was started already or the instance is closed.
     */
    public ExitStatus run() throws ArcaException {
        GuestProcess p = start();
        boolean interrupted = false;
        ExitStatus status;
        while (true) {
            try {
                status = p.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                p.process().kill("interrupted");
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (p.failedToStart()) throw new ProgramException(status.reason());
        return status;
    }

    /**
     * Starts the entry program as the first process (pid 1) and returns at once. When it ends,
     * every other process of the instance is stopped. Errors: LimitException when the descriptor
     * limit cannot hold its standard streams; IllegalStateException when it was started already or
     * the instance is closed.
     */
    public GuestProcess start() throws ArcaException {
        synchronized (mu) {
            checkOpen();
            if (state != State.CREATED) throw new IllegalStateException("the instance's first process was started already");
            GuestProcess p = launch(entryModule, entryArgv, entryEnv, config.entry().stdio());
            first = p;
            state = State.RUNNING;
            p.exit().whenComplete((s, t) -> firstEnded());
            return p;
        }
    }

    /** The first process, once {@link #start} or {@link #run} started it. */
    public java.util.Optional<GuestProcess> firstProcess() {
        synchronized (mu) {
            return java.util.Optional.ofNullable(first);
        }
    }

    private void firstEnded() {
        synchronized (mu) {
            if (state == State.RUNNING) state = State.ENDED;
        }
        kernel.killAll("the first process has ended");
    }

    /**
     * Starts another process of the running instance, beside the first (it has no parent; a guest
     * cannot signal it). It shares the instance's file systems, process limit and other limits,
     * and has the environment and streams {@code spec} gives. Errors: ProgramException (the
     * program cannot be read or is not a valid module), LimitException (the process limit),
     * IllegalStateException when the first process has not started or has ended, or the instance
     * is closed.
     */
    public GuestProcess spawn(ProcessSpec spec) throws ArcaException {
        Objects.requireNonNull(spec, "spec");
        synchronized (mu) {
            checkOpen();
        }
        CompiledModule module = load(engine, host, spec.program());
        List<String> env = environment(host, spec);
        List<String> argv = new ArrayList<>();
        argv.add(argv0(namespace, spec.program()));
        argv.addAll(spec.args());
        synchronized (mu) {
            checkOpen();
            if (state != State.RUNNING) {
                throw new IllegalStateException(state == State.CREATED ? "the instance is not running (start its first process first)"
                        : "the instance is not running (its first process has ended)");
            }
            return launch(module, argv, env, spec.stdio());
        }
    }

    private GuestProcess launch(CompiledModule module, List<String> argv, List<String> env, StdioSpec stdio) throws ArcaException {
        try {
            return new GuestProcess(runner.start(module, argv, env, config.limits().kernel(), stdio(stdio), Namespace.hasMounts(config)));
        } catch (ErrnoException e) {
            throw new LimitException(e.errno() == Errno.EAGAIN
                    ? "process limit of " + config.limits().processes() + " reached"
                    : "cannot start a process: " + OperatorFiles.detail(e));
        }
    }

    /**
     * Stops every process still running, waits for them to end (at most {@link
     * InstanceConfig#closeTimeout}: a process blocked in a read of a Java stream that ignores
     * interrupts cannot be stopped), commits every volume and releases every
     * host descriptor the instance holds. Idempotent: closing again does nothing. Errors:
     * MountException when a volume's final commit failed (the other file systems are closed all
     * the same).
     */
    @Override
    public void close() throws ArcaException {
        synchronized (mu) {
            if (state == State.CLOSED) return;
            state = State.CLOSED;
        }
        kernel.killAll("the instance was closed");
        boolean idle;
        try {
            java.time.Duration wait = config.closeTimeout();
            idle = kernel.awaitNoProcesses(Math.max(1, Math.min(wait.toSeconds(), 86_400) * 1000 + wait.toMillisPart()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) diagnostics.emit(DiagnosticSink.Kind.WARNING, "closing the instance's file systems under processes that did not stop");
        kernel.shutdown();
        namespace.close();
    }

    /** Whether {@link #close} has been called. */
    public boolean isClosed() {
        synchronized (mu) {
            return state == State.CLOSED;
        }
    }

    /** For tests: the instance's file systems. */
    Namespace namespace() {
        return namespace;
    }

    /** The configuration it was made from. */
    public InstanceConfig config() {
        return config;
    }

    private void checkOpen() {
        if (state == State.CLOSED) throw new IllegalStateException("the instance is closed");
    }

    // ---- making ---------------------------------------------------------------------------

    private static CompiledModule load(Engine engine, Host host, Program program) throws ProgramException {
        byte[] wasm = program.bytes(host);
        try {
            return engine.load(program.name(), wasm);
        } catch (ModuleException e) {
            throw new ProgramException(e.getMessage());
        }
    }

    /** The guest's environment: only what it was given; names given for the host's values looked up now. */
    private static List<String> environment(Host host, ProcessSpec spec) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            String v = e.getValue() != null ? e.getValue() : host.environment(e.getKey());
            // a host value with a NUL cannot reach a guest whole: leave it out rather than cut it
            if (v != null && v.indexOf('\0') < 0) out.add(e.getKey() + "=" + v);
        }
        return List.copyOf(out);
    }

    /** argv[0]: the program's guest path when it lies inside a mounted host directory, else its file name. */
    private static String argv0(Namespace ns, Program program) {
        Path file = program.file();
        if (file == null) return program.name();
        String guest = ns.guestPathOf(file);
        if (guest != null) return guest;
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    private Stdio stdio(StdioSpec s) {
        InputStream in = s.inheritIn() ? host.stdin() : s.in() != null ? s.in() : InputStream.nullInputStream();
        OutputStream out = s.inheritOut() ? host.stdout() : s.out() != null ? s.out() : OutputStream.nullOutputStream();
        OutputStream err = s.inheritErr() ? host.stderr() : s.err() != null ? s.err() : OutputStream.nullOutputStream();
        FileHandle[] h = {StreamHandles.input(in), StreamHandles.output(out), StreamHandles.output(err)};
        boolean[] tty = {s.terminal(0, host::isTerminal), s.terminal(1, host::isTerminal), s.terminal(2, host::isTerminal)};
        return new Stdio(h[0], h[1], h[2], tty);
    }

    private static Engine.Kind engineKind(InstanceConfig config) {
        if (config.interpreted()) return Engine.Kind.CHICORY_INTERPRETER;
        return switch (config.compiler()) {
            case ARCA -> Engine.Kind.ARCA;
            case CHICORY -> Engine.Kind.CHICORY;
        };
    }

    private static dev.arca.compiler.CompilerOptions compilerOptions(InstanceConfig config) {
        var d = dev.arca.compiler.CompilerOptions.DEFAULT;
        if (config.methodSizeLimit() == 0) return d;
        return new dev.arca.compiler.CompilerOptions(config.methodSizeLimit(), d.maxFunctionBodyBytes(), d.maxLocals());
    }

    private static Engine.MemoryKind memoryKind(LinearMemory m) {
        return switch (m) {
            case BYTE_ARRAY -> Engine.MemoryKind.BYTE_ARRAY;
            case BYTE_BUFFER -> Engine.MemoryKind.BYTE_BUFFER;
        };
    }

    private static QuoteSource quoteSource(EvidenceSource e) {
        if (e == null) return null;
        return new QuoteSource() {
            @Override
            public String type() {
                return e.type();
            }

            @Override
            public byte[] quote(byte[] reportData) throws java.io.IOException {
                return e.quote(reportData.clone());
            }
        };
    }

    /**
     * A cache directory that cannot be a directory is the operator's mistake, said as such here:
     * left to the compiler, it would surface as a fault of the module being compiled. (One that
     * exists but refuses writes is the cache's to report: it warns once and compiles without it.)
     */
    private static void checkCacheDirectory(Host host, Path dir) throws ConfigException {
        try {
            // an existing directory is checked with a stat (no native call bound on a warm start)
            if (host.statFile(dir).kind() == dev.arca.host.HostStat.Kind.DIRECTORY) return;
        } catch (ErrnoException e) {
            // missing, or not a directory: made or refused below
        }
        try {
            host.openOrCreateDirectory(dir).close();
        } catch (ErrnoException e) {
            throw new ConfigException("cache directory " + dir + ": " + cacheReason(e));
        }
    }

    private static String cacheReason(ErrnoException e) {
        return switch (e.errno()) {
            case ENOTDIR, EEXIST -> "not a directory";
            case EACCES, EPERM -> "permission denied";
            case EROFS -> "read-only file system";
            case ENOSPC -> "no space left";
            default -> OperatorFiles.detail(e);
        };
    }

    private static void timing(DiagnosticSink d, long t0, String phase) {
        if (d.wants(DiagnosticSink.Kind.TIMING)) d.emit(DiagnosticSink.Kind.TIMING, DiagnosticSink.millis(System.nanoTime() - t0) + " after create: " + phase);
    }
}
