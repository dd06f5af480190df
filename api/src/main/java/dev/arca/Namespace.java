package dev.arca;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.devfs.DevFs;
import dev.arca.fs.devfs.QuoteSource;
import dev.arca.fs.encfs.BlockStore;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.LocalFreshness;
import dev.arca.fs.encfs.Replication;
import dev.arca.fs.hostfs.HostFs;
import dev.arca.fs.ramfs.RamFs;
import dev.arca.fs.union.UnionFs;
import dev.arca.host.Host;
import dev.arca.host.HostErrors;
import dev.arca.kernel.vfs.MountTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file systems of one instance: opened from its mounts, attached in a {@link MountTable}, and
 * closed together ({@link #close}: volumes commit, host descriptors are released). Opening is all
 * or nothing: when one mount fails, those already opened are closed again.
 */
final class Namespace {
    private final Host host;
    private final DiagnosticSink diagnostics;
    private final Path stateDirectory;
    private final Freshness freshness; // null: records in stateDirectory
    private final Replication replication; // null: volumes are not replicated
    final MountTable table = new MountTable();
    /** Everything that holds something on the host, in opening order; closed in reverse. */
    private final List<FileSystem> opened = new ArrayList<>();
    private long blockCachesGiven; // bytes of the block caches the mounts gave (not the defaults'), for the heap check
    private final List<LocalFreshness> records = new ArrayList<>();
    /** Host directory mounts by real host path, for naming a program inside one by its guest path. */
    private final List<HostMount> hostMounts = new ArrayList<>();
    private boolean closed;

    private record HostMount(Path realRoot, String guestPath) {}

    private Namespace(Host host, DiagnosticSink diagnostics, Path stateDirectory, Freshness freshness, Replication replication) {
        this.host = host;
        this.diagnostics = diagnostics;
        this.stateDirectory = stateDirectory;
        this.freshness = freshness;
        this.replication = replication;
    }

    /**
     * Opens every mount of {@code config}: shallower guest paths first, an in-memory root with a
     * directory for each mount point unless a mount is at "/", and devfs at /dev unless a mount is
     * there. Errors: MountException naming the mount; ConfigException for a volume without a key.
     */
    static Namespace open(Host host, InstanceConfig config, DiagnosticSink diagnostics, QuoteSource quotes) throws ArcaException {
        Path state = config.stateDirectory() != null ? config.stateDirectory() : LocalFreshness.defaultDirectory(host);
        Namespace ns = new Namespace(host, diagnostics, state, config.freshness(), config.replication());
        try {
            ns.mountAll(config, quotes);
            return ns;
        } catch (ArcaException | RuntimeException e) {
            ns.closeQuietly();
            throw e;
        }
    }

    private void mountAll(InstanceConfig config, QuoteSource quotes) throws ArcaException {
        List<Mount> mounts = new ArrayList<>(config.mounts());
        // stable: equal depths keep their order. Not Comparator.comparingInt: its serializable
        // lambda is not linked ahead of time by the JDK's AOT cache, and spinning it cost 6 ms of
        // every run's start-up
        mounts.sort((a, b) -> Integer.compare(depth(a.guestPath()), depth(b.guestPath())));
        long ramBytes = config.limits().ramfsBytes();
        try {
            if (mounts.stream().noneMatch(m -> m.guestPath().equals("/"))) {
                RamFs root = new RamFs(host::realtimeNanos, ramBytes);
                for (Mount m : mounts) makeMountPoint(root.root(), m.guestPath());
                makeMountPoint(root.root(), "/dev");
                table.mount("/", root, false);
            }
            for (Mount m : mounts) {
                if (table.at(m.guestPath()) != null) throw new MountException("two mounts at " + m.guestPath());
                FileSystem fs = switch (m) {
                    case Mount.HostDirectory d -> hostDirectory(d);
                    case Mount.Ramfs r -> new RamFs(host::realtimeNanos, ramBytes, r.readOnly());
                    case Mount.Volume v -> volume(v.file(), key(v.key(), config, "volume " + v.file()), v.readOnly(), v.replicated(), v.commit(), v.cacheInodes(), v.blockCache());
                    case Mount.Image i -> image(i.file(), config.volumeKey(), i.expectedRootHash() == null ? null : RootHash.parse(i.expectedRootHash()));
                    case Mount.Union u -> union(u, key(u.key(), config, "union volume " + u.volume()));
                };
                boolean readOnly = switch (m) {
                    case Mount.HostDirectory d -> d.readOnly();
                    case Mount.Ramfs r -> r.readOnly();
                    case Mount.Volume v -> v.readOnly();
                    case Mount.Image i -> true;
                    case Mount.Union u -> false;
                };
                table.mount(m.guestPath(), fs, readOnly);
            }
            if (table.at("/dev") == null) table.mount("/dev", new DevFs(host, quotes), false);
        } catch (ErrnoException e) {
            throw new MountException("mount: " + OperatorFiles.detail(e));
        }
    }

    private static VolumeKey key(VolumeKey own, InstanceConfig config, String what) throws ConfigException {
        VolumeKey k = own != null ? own : config.volumeKey();
        if (k == null) throw new ConfigException(what + ": no key (give the instance a volume key, or the mount one of its own)");
        return k;
    }

    private FileSystem hostDirectory(Mount.HostDirectory d) throws MountException {
        HostFs fs;
        try {
            fs = new HostFs(host, d.hostDirectory(), d.readOnly());
        } catch (ErrnoException e) {
            String why = switch (e.errno()) {
                case ENOENT, ENOTDIR -> "not a directory on the host";
                case EACCES -> "permission denied";
                default -> OperatorFiles.detail(e);
            };
            throw new MountException("mount " + d.hostDirectory() + ": " + why);
        }
        opened.add(fs);
        try {
            hostMounts.add(new HostMount(host.realPath(d.hostDirectory()), d.guestPath()));
        } catch (ErrnoException e) {
            // removed since it was opened: the program is then not named by a guest path
        }
        return fs;
    }

    private EncFs.Options options(VolumeKey key, boolean readOnly) {
        Freshness f;
        if (key == null) {
            f = Freshness.inMemory();
        } else if (freshness != null) {
            f = freshness;
        } else {
            LocalFreshness local = new LocalFreshness(host, stateDirectory, key.internal());
            records.add(local);
            f = local;
        }
        return EncFs.Options.defaults(host::realtimeNanos).withFreshness(f).withReadOnly(readOnly)
                .withSecurityLog(line -> diagnostics.emit(DiagnosticSink.Kind.SECURITY, line));
    }

    /** For tests: the file systems opened, in the order of their mounts. */
    List<FileSystem> opened() {
        return List.copyOf(opened);
    }

    /** An encrypted volume in one host file, created on first use unless read-only. */
    private EncFs volume(Path file, VolumeKey key, boolean readOnly, boolean replicated, Mount.Commit commit, int cacheInodes, long blockCache)
            throws MountException {
        if (replicated && replication == null) {
            throw new MountException("volume " + file + " is replicated: it needs a cluster (arca run --cluster ADDR:P, or arca service deploy)");
        }
        // the caches fill as the program reads and writes: past the heap, the JVM would fail, not the program
        long heap = Runtime.getRuntime().maxMemory();
        if (blockCache > 0 && blockCachesGiven + blockCache > heap / 2) {
            throw new MountException("volume " + file + ": a block cache of " + (blockCache >> 20) + " MiB"
                    + (blockCachesGiven > 0 ? " (with the other volumes' " + (blockCachesGiven >> 20) + " MiB)" : "")
                    + " does not fit in half of this JVM's heap (" + (heap >> 20) + " MiB): give a smaller one, or a larger heap (ARCA_JAVA_OPTS=-Xmx...)");
        }
        blockCachesGiven += blockCache;
        BlockStore store = store(file, readOnly, "volume " + file + ": ");
        try {
            // a replicated volume is named by its file's name; its local copy is brought up to date first
            if (replicated) {
                String name = String.valueOf(file.getFileName());
                store = replication.attach(name, key.internal().writerToken(name), store, file.toAbsolutePath());
            }
            EncFs.Options options = options(key, readOnly);
            if (commit == Mount.Commit.FSYNC && !readOnly) options = options.withCommitAtSync(EncFs.Options.COMMIT_WITHIN_MILLIS);
            if (cacheInodes > 0) options = options.withCacheInodes(cacheInodes);
            if (blockCache > 0) options = options.withCacheBlocks((int) (blockCache / 2 / BlockStore.BLOCK_SIZE)); // as many clean as changed
            EncFs fs = EncFs.isEmpty(store) && !readOnly
                    ? EncFs.create(store, key.internal(), host::randomBytes, options)
                    : EncFs.open(store, key.internal(), host::randomBytes, options, null);
            opened.add(fs);
            return fs;
        } catch (ErrnoException e) {
            store.close();
            throw new MountException("volume " + file + ": " + OperatorFiles.detail(e));
        }
    }

    /** An image (integrity-only), or with a key an encrypted volume, opened read-only. */
    private EncFs image(Path file, VolumeKey key, byte[] expectedRoot) throws MountException {
        HostBlockStore store = store(file, true, "image " + file + ": ");
        try {
            EncFs fs = EncFs.open(store, key == null ? null : key.internal(), host::randomBytes, options(key, true), expectedRoot);
            opened.add(fs);
            return fs;
        } catch (ErrnoException e) {
            store.close();
            throw new MountException("image " + file + ": " + OperatorFiles.detail(e));
        }
    }

    /** The host file of a volume or image, locked (created when a writable volume is missing). */
    private HostBlockStore store(Path file, boolean readOnly, String what) throws MountException {
        try {
            return HostBlockStore.open(host, file.toAbsolutePath(), !readOnly, !readOnly);
        } catch (ErrnoException e) {
            throw new MountException(what + (e.errno() == dev.arca.abi.Errno.EBUSY ? OperatorFiles.detail(e) : HostErrors.describe(e)));
        }
    }

    private UnionFs union(Mount.Union u, VolumeKey key) throws ArcaException {
        if (u.image().toAbsolutePath().normalize().equals(u.volume().toAbsolutePath().normalize())) {
            throw new MountException("union at " + u.guestPath() + ": the image and the volume must be two different files");
        }
        EncFs lower = image(u.image(), null, u.expectedImageRootHash() == null ? null : RootHash.parse(u.expectedImageRootHash()));
        EncFs upper = volume(u.volume(), key, false, u.replicated(), Mount.Commit.NAMES, 0, 0);
        try {
            return new UnionFs(upper, lower);
        } catch (ErrnoException e) {
            throw new MountException("union volume " + u.volume() + ": " + OperatorFiles.detail(e));
        }
    }

    private static void makeMountPoint(Node dir, String path) throws ErrnoException {
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

    private static int depth(String path) {
        return path.equals("/") ? 0 : path.split("/").length;
    }

    /** Whether the guest has a file system at all (any mount given). */
    static boolean hasMounts(InstanceConfig config) {
        return !config.mounts().isEmpty();
    }

    /**
     * How the guest sees host file {@code file}: its guest path when it lies inside a mounted host
     * directory (the deepest such mount), else null.
     */
    String guestPathOf(Path file) {
        if (hostMounts.isEmpty()) return null;
        Path real;
        try {
            real = host.realPath(file);
        } catch (ErrnoException e) {
            return null;
        }
        String best = null;
        int bestDepth = -1;
        for (HostMount m : hostMounts) {
            if (!real.startsWith(m.realRoot()) || m.realRoot().getNameCount() <= bestDepth) continue;
            String rel = m.realRoot().relativize(real).toString();
            best = m.guestPath().equals("/") ? "/" + rel : m.guestPath() + "/" + rel;
            bestDepth = m.realRoot().getNameCount();
        }
        return best;
    }

    /**
     * Closes every file system: volumes commit what the guest left unsynced, host descriptors are
     * released. All are closed even when one fails. Idempotent. Errors: MountException for the
     * first volume whose final commit failed.
     */
    synchronized void close() throws MountException {
        if (closed) return;
        closed = true;
        String first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            FileSystem fs = opened.get(i);
            try {
                fs.close();
            } catch (ErrnoException | RuntimeException e) {
                String what = fs instanceof EncFs v ? "volume " + v.name() + ": final commit failed: " : fs.type() + ": close failed: ";
                String msg = what + (e instanceof ErrnoException ee ? OperatorFiles.detail(ee) : e.toString());
                if (first == null) first = msg;
                else diagnostics.emit(DiagnosticSink.Kind.ERROR, msg);
            }
        }
        for (LocalFreshness r : records) r.close();
        opened.clear();
        records.clear();
        if (first != null) throw new MountException(first);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (MountException e) {
            diagnostics.emit(DiagnosticSink.Kind.ERROR, e.getMessage());
        }
    }
}
