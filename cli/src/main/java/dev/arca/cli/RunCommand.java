package dev.arca.cli;

import dev.arca.abi.ErrnoException;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ModuleException;
import dev.arca.fs.devfs.DevFs;
import dev.arca.fs.hostfs.HostFs;
import dev.arca.fs.ramfs.RamFs;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Limits;
import dev.arca.kernel.fd.StreamHandles;
import dev.arca.kernel.vfs.Mount;
import dev.arca.kernel.vfs.MountTable;
import dev.arca.kernel.vfs.Vfs;
import dev.arca.syscall.ExitStatus;
import dev.arca.syscall.ProcessRunner;
import dev.arca.syscall.Stdio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arca run}: runs one WASI command, with flags shaped like {@code wasmtime run}'s. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a wasm32-wasi program as an Arca process. Everything after PROGRAM goes to the guest unchanged.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "HOST[::GUEST]",
            description = "Mount host directory HOST at guest path GUEST (default: HOST if absolute, else /HOST; '.' is /). Repeatable.")
    List<String> dirs = new ArrayList<>();

    @Option(names = "--ro-dir", paramLabel = "HOST[::GUEST]", description = "As --dir, read-only.")
    List<String> roDirs = new ArrayList<>();

    @Option(names = "--volume", paramLabel = "FILE::GUEST",
            description = "Mount the encrypted volume in host file FILE at GUEST, creating it on first use (needs --key-file or --key-broker). Repeatable.")
    List<String> volumeSpecs = new ArrayList<>();

    @Option(names = "--image", paramLabel = "IMAGE::GUEST", description = "Mount an image made by 'arca image build', read-only. Repeatable.")
    List<String> imageSpecs = new ArrayList<>();

    @Option(names = "--union", paramLabel = "IMAGE+VOLUME::GUEST",
            description = "Mount encrypted VOLUME (writable, created on first use; needs --key-file) over read-only IMAGE at GUEST: changes copy up into the volume. Repeatable.")
    List<String> unionSpecs = new ArrayList<>();

    @Option(names = "--key-file", paramLabel = "FILE", description = "The key of the encrypted volumes: 32 random bytes or 64 hex digits.")
    Path keyFile;

    @Option(names = "--sealed-key", description = "Sim mode: derive the volumes' key from this installation's sealing secret and the instance's measurement (program, manifest, runtime), instead of --key-file. Insecure, for development.")
    boolean sealedKey;

    @Option(names = "--key-broker", paramLabel = "HOST:PORT",
            description = "Get the volume key from 'arca keybroker serve' over RA-TLS before the program starts (instead of --key-file; 127.0.0.1 only).")
    String keyBroker;

    @Option(names = "--key-broker-policy", paramLabel = "FILE", description = "What the key broker's evidence must meet (default: any verified evidence, sim included).")
    Path keyBrokerPolicy;

    @Option(names = "--env", paramLabel = "NAME[=VALUE]",
            description = "Set a guest environment variable; NAME alone passes the host's value. Repeatable.")
    List<String> envs = new ArrayList<>();

    @Option(names = "--manifest", paramLabel = "FILE", description = "Read entry, env, mounts and limits from an arca.json manifest.")
    Path manifestFile;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where compiled modules are kept (default: $ARCA_CACHE_DIR, else $XDG_CACHE_HOME/arca, else ~/.cache/arca).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Compile without reading or writing the on-disk cache.")
    boolean noCache;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "Which engine runs the program: arca (Arca's own compiler, the default) or chicory (Chicory's compiler, for comparison and diagnosis).")
    String engineName = "arca";

    @Option(names = "--interpret", description = "Run in Chicory's interpreter instead of compiling (slower; for diagnosis).")
    boolean interpret;

    @Option(names = "--memory-impl", hidden = true, defaultValue = "BYTE_ARRAY")
    Engine.MemoryKind memoryKind = Engine.MemoryKind.BYTE_ARRAY;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROGRAM", description = "The .wasm program (may come from the manifest's entry).")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the guest.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws UserError {
        Timing.mark("options parsed");
        Manifest manifest = manifestFile == null ? null : Manifest.read(manifestFile);
        Path base = manifestFile == null ? Path.of("") : manifestFile.toAbsolutePath().getParent();

        Path prog = program;
        List<String> guestArgs = args;
        if (prog == null) {
            if (manifest == null || manifest.entry() == null) throw new UserError("no PROGRAM given and no manifest entry");
            prog = base.resolve(manifest.entry());
            guestArgs = manifest.args();
        }

        Limits limits = limits(manifest);
        if ((keyBroker != null ? 1 : 0) + (keyFile != null ? 1 : 0) + (sealedKey ? 1 : 0) > 1) {
            throw new UserError("--key-broker, --key-file and --sealed-key: give one of them");
        }
        dev.arca.fs.encfs.VolumeKey brokerKey = keyBroker != null ? KeyBrokerCommand.fetchKey(keyBroker, keyBrokerPolicy, manifestFile)
                : sealedKey ? SealedKey.derive(manifestFile, readProgram(prog)) : null;
        Host host = new LinuxHost();
        Volumes volumes = new Volumes(host);
        MountTable mounts = new MountTable();
        List<String[]> mountSpecs = mountSpecs(manifest, base);
        Path progHost = prog.toAbsolutePath().normalize();
        String argv0 = prog.getFileName() == null ? prog.toString() : prog.getFileName().toString();
        try {
            boolean rootGiven = mountSpecs.stream().anyMatch(m -> m[2].equals("/"));
            // mount "/" first, then shallower paths before deeper ones
            mountSpecs.sort((x, y) -> Integer.compare(depth(x[2]), depth(y[2])));
            if (!rootGiven) {
                // an in-memory root, with a directory for each mount point as on Linux
                RamFs root = new RamFs(host::realtimeNanos, limits.ramBytes());
                for (String[] m : mountSpecs) makeMountPoint(root.root(), m[2]);
                makeMountPoint(root.root(), "/dev");
                mounts.mount("/", root, false);
            }
            for (String[] m : mountSpecs) {
                Mount mounted = switch (m[0]) {
                    case "hostfs" -> mountHost(mounts, host, m);
                    case "ramfs" -> mounts.mount(m[2], new RamFs(host::realtimeNanos, limits.ramBytes(), false), m[3] != null);
                    case "encfs" -> mounts.mount(m[2], brokerKey != null ? volumes.volume(Path.of(m[1]), brokerKey, false)
                            : volumes.volume(Path.of(m[1]), keyFile, false), false);
                    case "image" -> mounts.mount(m[2], volumes.image(Path.of(m[1]), keyFile, null), true);
                    case "union" -> mounts.mount(m[2], volumes.union(m, keyFile), false);
                    default -> throw new UserError("unknown mount type '" + m[0] + "' (hostfs or ramfs)");
                };
                if (mounted.fileSystem() instanceof HostFs h && progHost.startsWith(h.hostRoot())) {
                    String rel = h.hostRoot().relativize(progHost).toString();
                    argv0 = mounted.path().equals("/") ? "/" + rel : mounted.path() + "/" + rel;
                }
            }
            if (mounts.at("/dev") == null) mounts.mount("/dev", new DevFs(host, Providers.quoteSource(manifestFile)), false);
        } catch (ErrnoException e) {
            volumes.close();
            throw new UserError("mount: " + e.getMessage());
        } catch (UserError e) {
            volumes.close();
            throw e;
        }

        byte[] wasm;
        try {
            wasm = Files.readAllBytes(prog);
        } catch (NoSuchFileException e) {
            throw new UserError(prog + ": no such file");
        } catch (IOException e) {
            throw new UserError(prog + ": cannot read: " + e.getMessage());
        }

        Engine.Kind kind = switch (engineName) {
            case "arca" -> interpret ? Engine.Kind.CHICORY_INTERPRETER : Engine.Kind.ARCA;
            case "chicory" -> interpret ? Engine.Kind.CHICORY_INTERPRETER : Engine.Kind.CHICORY;
            default -> throw new UserError("--engine " + engineName + ": arca or chicory");
        };
        Engine engine = new Engine(host, noCache ? null : cacheDirectory(), kind, memoryKind, compilerOptions());
        Kernel kernel = new Kernel(host, new Vfs(mounts), processLimit(manifest));
        List<String> argv = new ArrayList<>();
        argv.add(argv0);
        argv.addAll(guestArgs);
        Stdio stdio = new Stdio(StreamHandles.input(host.stdin()), StreamHandles.output(host.stdout()),
                StreamHandles.output(host.stderr()),
                new boolean[] {host.isTerminal(0), host.isTerminal(1), host.isTerminal(2)});
        ExitStatus status;
        try {
            Timing.mark("setup");
            CompiledModule module = engine.load(prog.toString(), wasm);
            Timing.mark("module loaded");
            status = new ProcessRunner(kernel, engine).run(module, argv, environment(manifest), limits, stdio, !mountSpecs.isEmpty());
        } catch (ModuleException e) {
            volumes.close();
            throw new UserError(e.getMessage());
        }
        volumes.close(); // commits what the guest left unsynced
        Timing.mark("process ended");
        if (status.message() != null) System.err.println("arca: " + status.message());
        return status.code();
    }

    /**
     * Arca's compiler's options: the default, or with ARCA_METHOD_LIMIT=N (bytes) functions split
     * into methods of about N bytes; a small N splits nearly every statement off, which tests use
     * to check that splitting changes nothing.
     */
    private static dev.arca.compiler.CompilerOptions compilerOptions() throws UserError {
        String limit = System.getenv("ARCA_METHOD_LIMIT");
        var d = dev.arca.compiler.CompilerOptions.DEFAULT;
        if (limit == null || limit.isEmpty()) return d;
        try {
            int n = Integer.parseInt(limit);
            if (n < 1 || n > 7900) throw new NumberFormatException();
            return new dev.arca.compiler.CompilerOptions(n, d.maxFunctionBodyBytes(), d.maxLocals());
        } catch (NumberFormatException e) {
            throw new UserError("ARCA_METHOD_LIMIT=" + limit + ": a number of bytes from 1 to 7900");
        }
    }

    private static void makeMountPoint(dev.arca.fs.Node dir, String path) throws ErrnoException {
        for (String name : path.split("/")) {
            if (name.isEmpty()) continue;
            try {
                dir = dir.lookup(name);
            } catch (ErrnoException e) {
                dir.createDirectory(name);
                dir = dir.lookup(name);
            }
        }
    }

    private static byte[] readProgram(Path prog) throws UserError {
        try {
            return Files.readAllBytes(prog);
        } catch (NoSuchFileException e) {
            throw new UserError(prog + ": no such file");
        } catch (IOException e) {
            throw new UserError(prog + ": cannot read: " + e.getMessage());
        }
    }

    private static int depth(String path) {
        return path.equals("/") ? 0 : path.split("/").length;
    }

    /** {type, host source, guest path, readOnly-or-null} for every mount asked for. */
    private List<String[]> mountSpecs(Manifest manifest, Path base) throws UserError {
        List<String[]> out = new ArrayList<>();
        if (manifest != null) {
            for (Manifest.MountSpec m : manifest.mounts()) {
                String src = m.source() == null ? null : base.resolve(m.source()).toString();
                if (m.type().equals("hostfs") && src == null) throw new UserError("manifest: hostfs mount at " + m.path() + " needs a source");
                out.add(new String[] {m.type(), src, guestPath(m.path()), m.isReadOnly() ? "ro" : null});
            }
        }
        for (String d : dirs) out.add(dirSpec(d, false));
        for (String d : roDirs) out.add(dirSpec(d, true));
        for (String v : volumeSpecs) out.add(fileSpec("encfs", "--volume", v));
        for (String v : imageSpecs) out.add(fileSpec("image", "--image", v));
        for (String v : unionSpecs) out.add(Volumes.unionSpec(fileSpec("union", "--union", v), v));
        return out;
    }

    private static String[] dirSpec(String spec, boolean readOnly) throws UserError {
        int sep = spec.indexOf("::");
        String hostDir = sep < 0 ? spec : spec.substring(0, sep);
        String guest;
        if (sep >= 0) {
            guest = spec.substring(sep + 2);
        } else if (hostDir.startsWith("/")) {
            guest = hostDir;
        } else {
            guest = "/" + hostDir;
        }
        if (hostDir.isEmpty()) throw new UserError("--dir " + spec + ": empty host directory");
        return new String[] {"hostfs", hostDir, guestPath(guest), readOnly ? "ro" : null};
    }

    /** {type, host file, guest path, null} for --volume and --image, which need both halves. */
    private static String[] fileSpec(String type, String flag, String spec) throws UserError {
        int sep = spec.indexOf("::");
        if (sep <= 0 || sep + 2 >= spec.length()) throw new UserError(flag + " " + spec + ": expected HOST_FILE::GUEST_PATH");
        return new String[] {type, spec.substring(0, sep), guestPath(spec.substring(sep + 2)), null};
    }

    private static String guestPath(String p) throws UserError {
        try {
            return MountTable.normalise(p.startsWith("/") ? p : "/" + p);
        } catch (ErrnoException e) {
            throw new UserError("bad guest path '" + p + "'");
        }
    }

    private static Mount mountHost(MountTable mounts, Host host, String[] m) throws UserError, ErrnoException {
        Path dir = Path.of(m[1]);
        if (!Files.isDirectory(dir)) throw new UserError("mount " + m[1] + ": not a directory on the host");
        try {
            dir = dir.toRealPath();
        } catch (IOException e) {
            throw new UserError("mount " + m[1] + ": " + e.getMessage());
        }
        return mounts.mount(m[2], new HostFs(host, dir, m[3] != null), m[3] != null);
    }

    private Limits limits(Manifest manifest) throws UserError {
        Limits d = Limits.DEFAULT;
        if (manifest == null || manifest.limits() == null) return d;
        Manifest.LimitSpec l = manifest.limits();
        try {
            return new Limits(
                    l.memory() == null ? d.memoryBytes() : Sizes.bytes("limits.memory", l.memory()),
                    l.openFiles() == null ? d.openFiles() : l.openFiles(),
                    l.cpuTime() == null ? d.cpuMillis() : Sizes.millis("limits.cpuTime", l.cpuTime()),
                    l.ramfs() == null ? d.ramBytes() : Sizes.bytes("limits.ramfs", l.ramfs()));
        } catch (IllegalArgumentException e) {
            throw new UserError("manifest: " + e.getMessage());
        }
    }

    private static int processLimit(Manifest manifest) throws UserError {
        Integer n = manifest == null || manifest.limits() == null ? null : manifest.limits().processes();
        if (n == null) return 64;
        if (n < 1 || n > 4096) throw new UserError("manifest: process limit must be 1 to 4096");
        return n;
    }

    /** The guest's environment: only what the manifest and --env give. */
    private List<String> environment(Manifest manifest) throws UserError {
        Map<String, String> env = new LinkedHashMap<>();
        if (manifest != null) {
            for (String name : manifest.envFromHost()) {
                String v = System.getenv(name);
                if (v != null) env.put(name, v);
            }
            env.putAll(manifest.env());
        }
        for (String e : envs) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (name.isEmpty()) throw new UserError("--env " + e + ": empty name");
            if (eq < 0) {
                String v = System.getenv(name);
                if (v != null) env.put(name, v);
            } else {
                env.put(name, e.substring(eq + 1));
            }
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private Path cacheDirectory() {
        if (cacheDir != null) return cacheDir;
        String env = System.getenv("ARCA_CACHE_DIR");
        if (env != null && !env.isEmpty()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "arca");
        return Path.of(System.getProperty("user.home"), ".cache", "arca");
    }
}
