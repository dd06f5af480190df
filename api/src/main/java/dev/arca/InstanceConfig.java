package dev.arca;

import java.io.InputStream;
import java.io.OutputStream;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.Replication;
import java.nio.file.Path;
import dev.arca.kernel.net.Lease;
import dev.arca.kernel.net.NetworkPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an {@link Instance} is made from: its entry program (with arguments, environment and
 * standard streams), its mounts, its limits, the key of its encrypted volumes, where compiled
 * modules and volume freshness records are kept, and where its diagnostics go. Immutable; made with
 * {@link #builder()}, optionally starting from a {@link Manifest}.
 *
 * <pre>{@code
 * InstanceConfig config = InstanceConfig.builder()
 *         .program(Program.file(Path.of("app.wasm"))).args("--fast")
 *         .env("MODE", "prod")
 *         .mount(Mount.hostDirectoryReadOnly(Path.of("data"), "/data"))
 *         .mount(Mount.ramfs("/tmp"))
 *         .limits(Limits.builder().memory(256 << 20).cpuTime(Duration.ofSeconds(10)).build())
 *         .stdout(System.out)
 *         .build();
 * }</pre>
 *
 * <p>Without a mount the guest has no file system at all (as {@code wasmtime} without {@code
 * --dir}); with one, the namespace root {@code /} is its descriptor 3, kept in memory unless a
 * mount is at {@code /}, and {@code /dev} holds the usual devices.
 */
public final class InstanceConfig {
    private final ProcessSpec entry;
    private final List<Mount> mounts;
    private final Limits limits;
    private final VolumeKey volumeKey;
    private final Path cacheDirectory;
    private final long cacheLimit;
    private final Path stateDirectory;
    private final Freshness freshness;
    private final Replication replication;
    private final boolean interpreted;
    private final Compiler compiler;
    private final int methodSizeLimit;
    private final LinearMemory linearMemory;
    private final Diagnostics diagnostics;
    private final EvidenceSource evidence;
    private final Duration closeTimeout;
    private final NetworkPolicy network;
    private final Lease lease;

    private InstanceConfig(Builder b) {
        this.entry = b.entry.build();
        this.mounts = List.copyOf(b.mounts);
        this.limits = b.limits;
        this.volumeKey = b.volumeKey;
        this.cacheDirectory = b.cacheDirectory;
        this.cacheLimit = b.cacheLimit;
        this.stateDirectory = b.stateDirectory;
        this.freshness = b.freshness;
        this.replication = b.replication;
        this.interpreted = b.interpreted;
        this.compiler = b.compiler;
        this.methodSizeLimit = b.methodSizeLimit;
        this.linearMemory = b.linearMemory;
        this.diagnostics = b.diagnostics;
        this.evidence = b.evidence;
        this.closeTimeout = b.closeTimeout;
        this.network = b.network;
        this.lease = b.lease;
    }

    /** A builder with the defaults: no mounts, {@link Limits#DEFAULT}, no standard streams, no disk cache. */
    public static Builder builder() {
        return new Builder();
    }

    /** The first process: program, arguments, environment, standard streams. */
    public ProcessSpec entry() {
        return entry;
    }

    /** The mounts, in the order given (the instance attaches shallower paths first). */
    public List<Mount> mounts() {
        return mounts;
    }

    /** The instance's limits. */
    public Limits limits() {
        return limits;
    }

    /** The key of volumes that have none of their own, or null. */
    public VolumeKey volumeKey() {
        return volumeKey;
    }

    /** Where compiled modules are kept between runs, or null to compile in memory only. */
    public Path cacheDirectory() {
        return cacheDirectory;
    }

    /**
     * The bound on the bytes the compiled-module cache keeps, all compiler versions together
     * (least recently used entries go first); 1 GiB unless set.
     */
    public long cacheLimit() {
        return cacheLimit;
    }

    /**
     * Where the freshness records of encrypted volumes are kept (rollback detection), or null for
     * the default: {@code $ARCA_STATE_DIR}, else {@code $XDG_STATE_HOME/arca/volumes}, else
     * {@code ~/.local/state/arca/volumes}.
     */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /**
     * Where the committed versions of encrypted volumes are recorded instead of the state
     * directory, or null for the state directory: for example a cluster's replicated record
     * ({@code arca run --cluster}), which a host cannot roll back with the volume. The instance
     * uses it and does not close it.
     */
    public Freshness freshness() {
        return freshness;
    }

    /**
     * Where the writable encrypted volumes are replicated, or null for none: for example a
     * cluster's replicated volumes ({@code arca run --cluster --replicate}), each named by its
     * file's name. A volume's commit then returns once its blocks are replicated, and a lost or
     * stale local copy is brought back from the replicas at mount. The instance uses it and does
     * not close it.
     */
    public Replication replication() {
        return replication;
    }

    /** Whether modules run in Chicory's interpreter instead of being compiled (for diagnosis). */
    public boolean interpreted() {
        return interpreted;
    }

    /** Which engine compiles guests (default {@link Compiler#ARCA}). */
    public Compiler compiler() {
        return compiler;
    }

    /**
     * The bytecode size, in bytes, above which Arca's compiler splits a function into several
     * methods; 0 for the compiler's default (just under HotSpot's {@code HugeMethodLimit}).
     */
    public int methodSizeLimit() {
        return methodSizeLimit;
    }

    /** How guests' linear memory is held. */
    public LinearMemory linearMemory() {
        return linearMemory;
    }

    /** Where diagnostics go, or null for text lines on the JVM's standard error. */
    public Diagnostics diagnostics() {
        return diagnostics;
    }

    /**
     * What the instance may do on the network (docs/sockets.md): the kernel's policy, whose socket
     * limit is {@link Limits#sockets}. Default: nothing reachable.
     */
    public NetworkPolicy network() {
        return network;
    }

    /**
     * What must hold for the instance to send to the host (docs/cluster.md, "Services"): a cluster
     * service's copy holds a lease that the cluster renews; {@link Lease#ALWAYS} otherwise.
     */
    public Lease lease() {
        return lease;
    }

    /** The source of {@code /dev/attestation}'s evidence, or null for no {@code /dev/attestation}. */
    public EvidenceSource evidence() {
        return evidence;
    }

    /** How long {@link Instance#close} waits for stopped processes to end (default 10 s). */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Builds an {@link InstanceConfig}; setters check their values at once (IllegalArgumentException). */
    public static final class Builder {
        private final ProcessSpec.Builder entry = ProcessSpec.builder(null);
        private final List<Mount> mounts = new ArrayList<>();
        private Limits limits = Limits.DEFAULT;
        private VolumeKey volumeKey;
        private Path cacheDirectory;
        private long cacheLimit = dev.arca.engine.Engine.DEFAULT_CACHE_LIMIT;
        private Path stateDirectory;
        private Freshness freshness;
        private Replication replication;
        private boolean interpreted;
        private Compiler compiler = Compiler.ARCA;
        private int methodSizeLimit;
        private LinearMemory linearMemory = LinearMemory.BYTE_ARRAY;
        private Diagnostics diagnostics;
        private EvidenceSource evidence;
        private NetworkPolicy network = NetworkPolicy.none();
        private Lease lease = Lease.ALWAYS;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder() {}

        /**
         * Takes what {@code manifest} says: its entry program (if any) and arguments, its
         * environment (variables from the host first, then its own), its mounts (added to those
         * given so far) and its limits. Later calls add to it or replace parts of it.
         */
        public Builder manifest(Manifest manifest) {
            Objects.requireNonNull(manifest, "manifest");
            if (manifest.entry() != null) entry.program(Program.file(manifest.entry()));
            entry.args(manifest.args());
            for (String name : manifest.envFromHost()) entry.envFromHost(name);
            for (Map.Entry<String, String> e : manifest.env().entrySet()) entry.env(e.getKey(), e.getValue());
            mounts.addAll(manifest.mounts());
            limits = manifest.limits();
            return this;
        }

        /** Replaces the mounts given so far (by a manifest, say) with {@code mounts}, in order. */
        public Builder mounts(List<Mount> mounts) {
            List<Mount> copy = List.copyOf(mounts);
            this.mounts.clear();
            this.mounts.addAll(copy);
            return this;
        }

        /** The program the first process runs. */
        public Builder program(Program program) {
            entry.program(program);
            return this;
        }

        /** Replaces its arguments (after {@code argv[0]}). */
        public Builder args(List<String> args) {
            entry.args(args);
            return this;
        }

        /** Replaces its arguments (after {@code argv[0]}). */
        public Builder args(String... args) {
            entry.args(args);
            return this;
        }

        /** See {@link ProcessSpec.Builder#env}. */
        public Builder env(String name, String value) {
            entry.env(name, value);
            return this;
        }

        /** See {@link ProcessSpec.Builder#envFromHost}. */
        public Builder envFromHost(String name) {
            entry.envFromHost(name);
            return this;
        }

        /** The first process's standard input (see {@link ProcessSpec}). */
        public Builder stdin(InputStream in) {
            entry.stdin(in);
            return this;
        }

        /** The first process's standard output (see {@link ProcessSpec}). */
        public Builder stdout(OutputStream out) {
            entry.stdout(out);
            return this;
        }

        /** The first process's standard error (see {@link ProcessSpec}). */
        public Builder stderr(OutputStream err) {
            entry.stderr(err);
            return this;
        }

        /** The JVM's own standard streams for the first process. */
        public Builder inheritStdio() {
            entry.inheritStdio();
            return this;
        }

        /** See {@link ProcessSpec.Builder#terminals}. */
        public Builder terminals(boolean in, boolean out, boolean err) {
            entry.terminals(in, out, err);
            return this;
        }

        /** Adds a mount. Two mounts at one path are refused when the instance is created. */
        public Builder mount(Mount mount) {
            mounts.add(Objects.requireNonNull(mount, "mount"));
            return this;
        }

        /** Replaces the limits (default {@link Limits#DEFAULT}). */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The key of every volume, image and union that has none of its own. */
        public Builder volumeKey(VolumeKey key) {
            this.volumeKey = key;
            return this;
        }

        /**
         * Keeps compiled modules in {@code dir} (created if missing, mode 0700), so the next instance
         * that runs the same module loads it instead of compiling. Null (the default): memory only.
         * An unusable directory is a {@link ConfigException} when the instance is created.
         */
        public Builder cacheDirectory(Path dir) {
            this.cacheDirectory = dir;
            return this;
        }

        /** See {@link InstanceConfig#cacheLimit()}. Errors: IllegalArgumentException unless positive. */
        public Builder cacheLimit(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("the compiled-module cache's bound must be positive: " + bytes);
            this.cacheLimit = bytes;
            return this;
        }

        /** See {@link InstanceConfig#stateDirectory()}. */
        public Builder stateDirectory(Path dir) {
            this.stateDirectory = dir;
            return this;
        }

        /** See {@link InstanceConfig#freshness()}. */
        public Builder freshness(Freshness freshness) {
            this.freshness = freshness;
            return this;
        }

        /** See {@link InstanceConfig#replication()}. */
        public Builder replication(Replication replication) {
            this.replication = replication;
            return this;
        }

        /** Runs modules in Chicory's interpreter instead of compiling them (slower; for diagnosis). */
        public Builder interpreted(boolean interpreted) {
            this.interpreted = interpreted;
            return this;
        }

        /** Which engine compiles guests (default {@link Compiler#ARCA}). */
        public Builder compiler(Compiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        /**
         * Splits functions into methods of about {@code bytes} of bytecode (1 to 7900; 0: the
         * default). A small limit splits nearly every statement off: tests use it to check that
         * splitting changes nothing. Errors: IllegalArgumentException outside that range.
         */
        public Builder methodSizeLimit(int bytes) {
            if (bytes < 0 || bytes > 7900) throw new IllegalArgumentException("method size limit " + bytes + ": from 1 to 7900 bytes, or 0 for the default");
            this.methodSizeLimit = bytes;
            return this;
        }

        /** How guests' linear memory is held (default {@link LinearMemory#BYTE_ARRAY}). */
        public Builder linearMemory(LinearMemory kind) {
            this.linearMemory = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** Where the instance's diagnostics go (default: text lines on the JVM's standard error). */
        public Builder diagnostics(Diagnostics diagnostics) {
            this.diagnostics = diagnostics;
            return this;
        }

        /**
         * What the instance may do on the network. A manifest's {@code network} section is a
         * {@link NetworkSpec} (see {@link Manifest#network}); a policy with transparent RA-TLS holds
         * the TLS contexts that present the instance's attested certificate, which the caller makes
         * (the {@code arca} command does).
         */
        public Builder network(NetworkPolicy policy) {
            this.network = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Makes every send, connect and datagram to the host wait on {@code lease}: while it has
         * lapsed they wait for it, until {@code Network.LEASE_WAIT_MILLIS} after the lapse, then
         * fail (ECONNRESET, ECONNREFUSED, ENETUNREACH). See {@link Lease}.
         */
        public Builder lease(Lease lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** Gives the guest a {@code /dev/attestation} over this source. */
        public Builder evidence(EvidenceSource evidence) {
            this.evidence = evidence;
            return this;
        }

        /**
         * How long {@link Instance#close} waits for the processes it stopped to end, before it
         * closes the file systems under any that did not (one blocked in a read of a Java stream
         * that ignores interrupts). Default 10 s.
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) throw new IllegalArgumentException("close timeout must not be negative");
            this.closeTimeout = timeout;
            return this;
        }

        /** Errors: IllegalStateException when no program was given (here or by a manifest's entry). */
        public InstanceConfig build() {
            return new InstanceConfig(this);
        }
    }
}
