package dev.arca.cli;

import dev.arca.ArcaException;
import dev.arca.Compiler;
import dev.arca.ExitStatus;
import dev.arca.Instance;
import dev.arca.InstanceConfig;
import dev.arca.LinearMemory;
import dev.arca.Manifest;
import dev.arca.ManifestException;
import dev.arca.NetworkSpec;
import dev.arca.Mount;
import dev.arca.Program;
import dev.arca.ProgramException;
import dev.arca.VolumeKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.arca.cluster.ClusterClient;
import dev.arca.cluster.ClusterException;
import dev.arca.cluster.Endpoint;
import dev.arca.cluster.ReplicatedFreshness;
import picocli.CommandLine.Parameters;

/**
 * {@code arca run}: runs one WASI command, with flags shaped like {@code wasmtime run}'s. A thin
 * layer over the Java API: the flags and the manifest become an {@link InstanceConfig}, and the
 * instance's exit status becomes the command's.
 */
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

    @Option(names = "--commit", paramLabel = "names|fsync",
            description = "When the --volume mounts commit: 'names' (the default) at fsync, at every change of names and at the close of a descriptor that wrote, each before it returns; 'fsync' only at fsync (of a file or a directory) and within 1 s of any other change, sharing one commit: many times faster for programs that make many files, and a crash may lose what no fsync acknowledged in the last second (docs/encfs.md).")
    String commit;

    @Option(names = "--cache-inodes", paramLabel = "N",
            description = "How many inodes each --volume keeps in memory when nothing uses them (default 65536; 64 to 1073741824): past it, unchanged inodes and directories are let go and read again when used, so a walk of a volume of millions of files holds a bounded set (docs/encfs.md, \"Memory\"). \"cacheInodes\" in a manifest's encfs mount.")
    String cacheInodes;

    @Option(names = "--block-cache", paramLabel = "SIZE",
            description = "How much plaintext of blocks each --volume keeps in memory: blocks read or written, and changed ones held before they are sealed (default 32MiB, half of it for changed blocks; 512KiB to 64GiB and at most half the JVM's heap; sizes as in a manifest: 64MiB, 1GiB). \"blockCache\" in a manifest's encfs mount.")
    String blockCache;

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

    @Option(names = "--listen", paramLabel = "[ADDR:]PORT",
            description = "Let the guest listen on PORT (a range LOW-HIGH, or 0 for any) of host address ADDR (default 127.0.0.1), plain TCP and UDP. Repeatable.")
    List<String> listens = new ArrayList<>();

    @Option(names = "--connect", paramLabel = "HOST:PORT",
            description = "Let the guest connect (or send) to HOST (an address, or a name of the manifest's hosts) on PORT (or LOW-HIGH). Repeatable.")
    List<String> connects = new ArrayList<>();

    @Option(names = "--manifest", paramLabel = "FILE", description = "Read entry, env, mounts and limits from an arca.json manifest.")
    Path manifestFile;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where compiled modules are kept (default: $ARCA_CACHE_DIR, else $XDG_CACHE_HOME/arca, else ~/.cache/arca); at most 1 GiB of them, least recently used first out ($ARCA_CACHE_MAX_MB sets another bound).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Compile without reading or writing the on-disk cache.")
    boolean noCache;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "Which engine runs the program: arca (Arca's own compiler, the default) or chicory (Chicory's compiler, for comparison and diagnosis).")
    String engineName = "arca";

    @Option(names = "--interpret", description = "Run in Chicory's interpreter instead of compiling (slower; for diagnosis).")
    boolean interpret;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "How Arca's own lines on stderr are written: text (default) or JSON lines (also: $ARCA_LOG_FORMAT).")
    Console.LogFormat logFormat;

    @Option(names = "--memory-impl", hidden = true, defaultValue = "BYTE_ARRAY")
    LinearMemory memoryKind = LinearMemory.BYTE_ARRAY;

    @Option(names = "--cluster", paramLabel = "ADDR:P",
            description = "Record the encrypted volumes' committed versions in the cluster reached through this node, not in the local state directory: an older copy of a volume is then refused on any host (docs/cluster.md).")
    String cluster;

    @Option(names = "--replicate",
            description = "With --cluster: replicate every writable --volume, and the volume of every --union, in the cluster, named by its file's name. A commit (fsync, close) returns once a majority of nodes has its blocks; a lost or stale local copy is rebuilt from the cluster at mount; the newest mount of a volume fences the previous one (docs/cluster.md).")
    boolean replicate;

    @Option(names = "--cluster-name", paramLabel = "NAME", description = "The cluster's name, with --cluster (default: arca).")
    String clusterName = "arca";

    @Option(names = "--cluster-policy", paramLabel = "FILE",
            description = "What the cluster's nodes' evidence must meet, with --cluster (default: any verified evidence, sim included).")
    Path clusterPolicy;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROGRAM", description = "The .wasm program (may come from the manifest's entry).")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the guest.")
    List<String> args = new ArrayList<>();

    @Option(names = "--node", paramLabel = "DIR",
            description = "Run in the resident node whose data directory (or run socket) is DIR, started by 'arca node start': no JVM start, code the node compiled already. Must come first: 'arca run --node DIR ...'.")
    Path node;

    @Override
    public Integer call() throws UserError {
        Timing.mark("options parsed");
        if (node != null) {
            throw new UserError(Session.current().own() ? "--node must be the first flag: arca run --node DIR [FLAGS] PROGRAM [ARGS]"
                    : "--node: this is a node already");
        }
        Session session = Session.current();
        if (logFormat != null) Console.use(logFormat);
        Manifest manifest = null;
        if (manifestFile != null) {
            try {
                manifest = Manifest.read(session.resolve(manifestFile));
            } catch (ManifestException e) {
                throw new UserError(e.getMessage());
            }
        }
        if (program == null && (manifest == null || manifest.entry() == null)) throw new UserError("no PROGRAM given and no manifest entry");
        if ((keyBroker != null ? 1 : 0) + (keyFile != null ? 1 : 0) + (sealedKey ? 1 : 0) > 1) {
            throw new UserError("--key-broker, --key-file and --sealed-key: give one of them");
        }
        InstanceConfig.Builder b = InstanceConfig.builder();
        if (manifest != null) b.manifest(manifest);
        Program prog;
        try {
            // read once, now: what is measured (sealed keys, RA-TLS, /dev/attestation) is what runs
            Path path = program != null ? session.resolve(program) : manifest.entry();
            prog = Program.load(path);
        } catch (ProgramException e) {
            throw new UserError(e.getMessage());
        }
        b.program(prog);
        if (program != null) b.args(args);
        // what the instance attests as: the manifest and program bytes read above, and the peer
        // policies its network section names, each read once
        Identity identity = Identity.of(manifest, prog.bytes());
        if (manifest != null) b.mounts(replicated(identity.pinnedMounts())); // the images measured are the images mounted
        try {
            environment(b);
            List<Mount> flagMounts = replicated(mounts());
            flagMounts.forEach(b::mount);
            List<Mount> all = new ArrayList<>(manifest == null ? List.of() : manifest.mounts());
            all.addAll(flagMounts);
            VolumeKey key = key(all.stream().anyMatch(m -> m instanceof Mount.Volume || m instanceof Mount.Union), identity);
            b.volumeKey(key);
            b.cacheDirectory(noCache ? null : cacheDirectory())
                    .cacheLimit(Cli.cacheLimit())
                    .interpreted(interpret)
                    .compiler(compiler())
                    .methodSizeLimit(methodSizeLimit())
                    .linearMemory(memoryKind)
                    .diagnostics(Console.diagnostics())
                    .evidence(Providers.evidence(identity))
                    .network(NetworkConfig.build(listens, connects, manifest == null ? NetworkSpec.NONE : manifest.network(), identity));
            if (session.own()) {
                b.inheritStdio();
            } else { // a resident node's client: its streams, its variables for the freshness records
                b.stdin(session.in).stdout(session.out).stderr(session.err)
                        .terminals((session.terminals & 1) != 0, (session.terminals & 2) != 0, (session.terminals & 4) != 0)
                        .stateDirectory(session.resolve(dev.arca.fs.encfs.LocalFreshness.defaultDirectory(session::env)));
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        ExitStatus status;
        try (ReplicatedFreshness replicated = replicatedFreshness(identity)) {
            if (replicated != null) b.freshness(replicated);
            if (replicated != null) b.replication(replicated.replication()); // for the volumes marked replicated
            Timing.mark("configured");
            try (Instance instance = Instance.create(b.build())) {
                Timing.mark("instance created");
                session.instance = instance;
                status = instance.run();
                Timing.mark("process ended");
            } catch (ArcaException e) {
                throw new UserError(e.getMessage());
            }
        } catch (java.io.IOException e) {
            throw new UserError("--cluster " + cluster + ": " + e.getMessage());
        }
        if (status.reason() != null) Console.notice(status.reason());
        return status.code();
    }

    /** With --replicate, every writable volume marked replicated. */
    private List<Mount> replicated(List<Mount> mounts) {
        if (!replicate) return mounts;
        List<Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            out.add(m instanceof Mount.Volume v && !v.readOnly() ? v.replicatedCopy() : m instanceof Mount.Union u ? u.replicatedCopy() : m);
        }
        return out;
    }

    /** The cluster's record of volume versions, with --cluster: this instance is the RA-TLS client, attesting as itself. */
    private ReplicatedFreshness replicatedFreshness(Identity identity) throws UserError {
        if (cluster == null) {
            if (clusterPolicy != null) throw new UserError("--cluster-policy needs --cluster ADDR:P");
            if (replicate) throw new UserError("--replicate needs --cluster ADDR:P");
            return null;
        }
        ClusterLog.quiet();
        try {
            return new ReplicatedFreshness(ClusterClient.connect(Cli.HOST, Endpoint.parse(cluster, "--cluster"), clusterName,
                    ClusterCredentials.create(null, Session.current().resolve(clusterPolicy), null, identity, false)));
        } catch (ClusterException e) {
            throw new UserError("--cluster " + cluster + ": " + e.getMessage());
        }
    }

    private Compiler compiler() throws UserError {
        return switch (engineName) {
            case "arca" -> Compiler.ARCA;
            case "chicory" -> Compiler.CHICORY;
            default -> throw new UserError("--engine " + engineName + ": arca or chicory");
        };
    }

    /**
     * With ARCA_METHOD_LIMIT=N (bytes) Arca's compiler splits functions into methods of about N
     * bytes; a small N splits nearly every statement off, which tests use to check that
     * splitting changes nothing.
     */
    private static int methodSizeLimit() throws UserError {
        return (int) Math.max(0, Cli.envNumber("ARCA_METHOD_LIMIT", 1, 7900, "bytes"));
    }

    /** The key of the instance's volumes, from the one key option given; null when none is needed or given. */
    private VolumeKey key(boolean needed, Identity identity) throws UserError {
        Session session = Session.current();
        if (keyBroker != null) return VolumeKey.fromKeyFile(KeyBrokerCommand.fetchKey(keyBroker, session.resolve(keyBrokerPolicy), identity));
        if (sealedKey) return VolumeKey.of(SealedKey.derive(identity));
        if (keyFile != null) {
            try {
                return VolumeKey.read(session.resolve(keyFile));
            } catch (ArcaException e) {
                throw new UserError(e.getMessage());
            }
        }
        if (needed) throw new UserError("an encrypted volume needs --key-file FILE (make one with: head -c 32 /dev/urandom > FILE)");
        return null;
    }

    /** The guest's environment: only what the manifest and --env give. */
    private void environment(InstanceConfig.Builder b) throws UserError {
        for (String e : envs) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (name.isEmpty()) throw new UserError("--env " + e + ": empty name");
            try {
                if (eq >= 0) {
                    b.env(name, e.substring(eq + 1));
                } else if (Session.current().own()) {
                    b.envFromHost(name);
                } else { // the client's value, not the node's
                    String v = Session.current().env(name);
                    if (v != null && v.indexOf('\0') < 0) b.env(name, v);
                }
            } catch (IllegalArgumentException x) {
                throw new UserError("--env " + e + ": " + x.getMessage());
            }
        }
    }

    /** The mounts the flags ask for, in flag order: --dir, --ro-dir, --volume, --image, --union. */
    private List<Mount> mounts() throws UserError {
        List<Mount> out = new ArrayList<>();
        for (String d : dirs) out.add(dirSpec(d, false));
        for (String d : roDirs) out.add(dirSpec(d, true));
        Mount.Commit c = Mount.Commit.NAMES;
        if (commit != null) {
            c = Mount.Commit.parse(commit);
            if (c == null) throw new UserError("--commit " + commit + ": expected 'names' or 'fsync'");
            if (volumeSpecs.isEmpty()) throw new UserError("--commit " + commit + ": no --volume to commit");
        }
        Mount.Commit volumeCommit = c;
        int cache = 0;
        if (cacheInodes != null) {
            try {
                cache = Integer.parseInt(cacheInodes);
            } catch (NumberFormatException e) {
                cache = -1;
            }
            if (!Mount.Volume.cacheInodesAllowed(cache)) {
                throw new UserError("--cache-inodes " + cacheInodes + ": expected a whole number from " + Mount.Volume.cacheInodesBounds());
            }
            if (volumeSpecs.isEmpty()) throw new UserError("--cache-inodes " + cacheInodes + ": no --volume to cache");
        }
        int volumeCache = cache;
        long blocks = 0;
        if (blockCache != null) {
            try {
                blocks = Mount.Volume.blockCache(blockCache);
            } catch (IllegalArgumentException e) {
                throw new UserError("--block-cache " + blockCache + ": " + e.getMessage());
            }
            if (volumeSpecs.isEmpty()) throw new UserError("--block-cache " + blockCache + ": no --volume to cache");
        }
        long volumeBlocks = blocks;
        for (String v : volumeSpecs) {
            String[] s = fileSpec("--volume", v);
            out.add(mount("--volume", v, () -> new Mount.Volume(hostPath(s[0]), s[1], null, false).committing(volumeCommit).caching(volumeCache)
                    .cachingBlocks(volumeBlocks)));
        }
        for (String v : imageSpecs) {
            String[] s = fileSpec("--image", v);
            out.add(mount("--image", v, () -> Mount.image(hostPath(s[0]), s[1])));
        }
        for (String v : unionSpecs) {
            String[] s = fileSpec("--union", v);
            int plus = s[0].indexOf('+');
            if (plus <= 0 || plus == s[0].length() - 1 || s[0].indexOf('+', plus + 1) >= 0) {
                throw new UserError("--union " + v + ": expected IMAGE+VOLUME::GUEST_PATH (one '+' between the two host files)");
            }
            out.add(mount("--union", v, () -> Mount.union(hostPath(s[0].substring(0, plus)), hostPath(s[0].substring(plus + 1)), s[1])));
        }
        return out;
    }

    private static Mount dirSpec(String spec, boolean readOnly) throws UserError {
        int sep = spec.indexOf("::");
        String hostDir = sep < 0 ? spec : spec.substring(0, sep);
        String guest = sep >= 0 ? spec.substring(sep + 2) : hostDir.startsWith("/") ? hostDir : "/" + hostDir;
        if (hostDir.isEmpty()) throw new UserError("--dir " + spec + ": empty host directory");
        String flag = readOnly ? "--ro-dir" : "--dir";
        return mount(flag, spec, () -> readOnly ? Mount.hostDirectoryReadOnly(hostPath(hostDir), guest) : Mount.hostDirectory(hostPath(hostDir), guest));
    }

    /** A host path from a flag, relative to the session's working directory. */
    private static Path hostPath(String s) {
        return Session.current().resolve(Path.of(s));
    }

    /** {host file, guest path} of --volume, --image and --union, which need both halves. */
    private static String[] fileSpec(String flag, String spec) throws UserError {
        int sep = spec.indexOf("::");
        if (sep <= 0 || sep + 2 >= spec.length()) throw new UserError(flag + " " + spec + ": expected HOST_FILE::GUEST_PATH");
        return new String[] {spec.substring(0, sep), spec.substring(sep + 2)};
    }

    private interface MountMaker {
        Mount make();
    }

    /** A mount from a flag; a bad path in it is the flag's error. */
    private static Mount mount(String flag, String spec, MountMaker m) throws UserError {
        try {
            return m.make();
        } catch (IllegalArgumentException e) { // InvalidPathException too
            throw new UserError(flag + " " + spec + ": " + e.getMessage());
        }
    }

    private Path cacheDirectory() {
        return Cli.cacheDirectory(cacheDir);
    }
}
