package dev.arca;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An instance's manifest ({@code arca.json}): the entry program and its arguments, the
 * environment, the mounts and the limits. Immutable; read by {@link #read} or {@link #parse} and
 * given to {@link InstanceConfig.Builder#manifest}.
 *
 * <pre>{@code
 * {
 *   "entry": "app.wasm", "args": ["--fast"],
 *   "env": {"MODE": "prod"}, "envFromHost": ["LANG"],
 *   "mounts": [{"type": "hostfs", "source": "data", "path": "/data", "readOnly": true},
 *              {"type": "ramfs", "path": "/tmp"},
 *              {"type": "encfs", "source": "state.vol", "path": "/state"},
 *              {"type": "image", "source": "app.img", "path": "/app"}],
 *   "limits": {"memory": "256MiB", "openFiles": 64, "cpuTime": "10s", "ramfs": "64MiB", "processes": 16, "threads": 8}
 * }
 * }</pre>
 *
 * <p>It is read strictly, since it decides what a guest may touch: an unknown or repeated key, a
 * value of another type than the one above (no number is taken for a string, nor a string for a
 * number), an environment name that is empty or holds '=', a NUL in any string, a size or limit
 * out of bounds: each is a {@link ManifestException} naming the line and column. Relative host
 * paths ({@code entry}, {@code source}) are relative to the manifest's directory. Volumes
 * ({@code encfs}) are keyed by the instance's {@link InstanceConfig.Builder#volumeKey}: a key is
 * never written in a manifest.
 */
public final class Manifest {
    /** Largest manifest read: 1 MiB. */
    public static final int MAX_BYTES = OperatorFiles.MAX_MANIFEST_BYTES;

    private final Path file;
    private final byte[] text;
    private final Path entry;
    private final List<String> args;
    private final Map<String, String> env;
    private final List<String> envFromHost;
    private final List<Mount> mounts;
    private final Limits limits;
    private final NetworkSpec network;

    Manifest(Path file, byte[] text, Path entry, List<String> args, Map<String, String> env, List<String> envFromHost,
            List<Mount> mounts, Limits limits, NetworkSpec network) {
        this.file = file;
        this.text = text;
        this.entry = entry;
        this.args = List.copyOf(args);
        this.env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        this.envFromHost = List.copyOf(envFromHost);
        this.mounts = List.copyOf(mounts);
        this.limits = limits;
        this.network = network;
    }

    /**
     * Reads and checks the manifest in host file {@code file} (a regular file of at most 1 MiB).
     * Errors: ManifestException naming the file, and the line and column of a fault in its text.
     */
    public static Manifest read(Path file) throws ManifestException {
        Objects.requireNonNull(file, "file");
        byte[] text = OperatorFiles.read(Instance.defaultHost(), file, MAX_BYTES, "manifest ", m -> new ManifestException(m, 0, 0));
        Path dir = file.toAbsolutePath().getParent();
        return new ManifestReader("manifest " + file, dir).read(text, file);
    }

    /**
     * Checks a manifest held in memory; relative host paths in it are taken from {@code
     * baseDirectory}. Errors: ManifestException with the line and column of the fault.
     */
    public static Manifest parse(byte[] json, Path baseDirectory) throws ManifestException {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        if (json.length > MAX_BYTES) throw new ManifestException("manifest: larger than 1 MiB", 0, 0);
        return new ManifestReader("manifest", baseDirectory.toAbsolutePath()).read(json.clone(), null);
    }

    /** The file it was read from, or null. */
    public Path file() {
        return file;
    }

    /** A copy of its text, byte for byte as read (what a measurement covers). */
    public byte[] bytes() {
        return text.clone();
    }

    /** The entry program's host path (resolved against the manifest's directory), or null. */
    public Path entry() {
        return entry;
    }

    /** The entry's arguments (after {@code argv[0]}). */
    public List<String> args() {
        return args;
    }

    /** The variables it sets, in order. */
    public Map<String, String> env() {
        return env;
    }

    /** Names whose values are taken from the host's environment (when set there). */
    public List<String> envFromHost() {
        return envFromHost;
    }

    /** Its mounts, host paths resolved against the manifest's directory. */
    public List<Mount> mounts() {
        return mounts;
    }

    /** Its limits, with the defaults for those it does not set. */
    public Limits limits() {
        return limits;
    }

    /** Its network section ({@link NetworkSpec#NONE} without one). */
    public NetworkSpec network() {
        return network;
    }
}
