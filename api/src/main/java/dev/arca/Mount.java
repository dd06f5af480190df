package dev.arca;

import dev.arca.abi.ErrnoException;
import dev.arca.kernel.vfs.MountTable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file system of an instance's namespace, attached at an absolute guest path. Immutable values,
 * made by the static methods here. Guest paths are normalised ({@code "data"} is {@code "/data"},
 * {@code "/a/../b"} is {@code "/b"}); a mount at {@code "/"} replaces the in-memory root the
 * instance has otherwise. Host paths are opened when the instance is created.
 */
public sealed interface Mount permits Mount.HostDirectory, Mount.Ramfs, Mount.Volume, Mount.Image, Mount.Union {

    /** Where the guest sees it: an absolute, normalised path. */
    String guestPath();

    /**
     * A host directory. Every access is resolved by the host kernel beneath it, following no
     * symbolic link, so no path, link or concurrent rename leads a guest out of it.
     */
    record HostDirectory(Path hostDirectory, String guestPath, boolean readOnly) implements Mount {
        /** Normalises the guest path. Errors: IllegalArgumentException for a bad one; NullPointerException for a missing path. */
        public HostDirectory {
            Objects.requireNonNull(hostDirectory, "hostDirectory");
            guestPath = normalise(guestPath);
        }
    }

    /** An in-memory file system, empty at start; it holds at most {@link Limits#ramfsBytes}. */
    record Ramfs(String guestPath, boolean readOnly) implements Mount {
        /** Normalises the guest path. Errors: IllegalArgumentException for a bad one; NullPointerException for a missing path. */
        public Ramfs {
            guestPath = normalise(guestPath);
        }
    }

    /**
     * When a volume's changes become durable (and survive a crash).
     * <ul>
     * <li>{@code NAMES} (the default): before {@code fsync}, every change of names (create, mkdir,
     *     link, unlink, rmdir, rename, symlink) and the close of a descriptor that wrote return, like
     *     a {@code dirsync} mount. Each of those is a commit: several syncs of the host's disk.
     * <li>{@code FSYNC}: before {@code fsync} or {@code fdatasync} (of a file or a directory: either
     *     commits the whole volume) returns, as POSIX promises; every other change within {@link
     *     dev.arca.fs.encfs.EncFs.Options#COMMIT_WITHIN_MILLIS} ms, by a commit it shares with the
     *     changes around it. For programs that make many files (an unpacked archive, a build): a
     *     crash may lose what nothing acknowledged in the last second, never what an {@code fsync}
     *     acknowledged, and the volume is always one of its committed states.
     * </ul>
     * Either way the unmount commits.
     */
    enum Commit {
        NAMES, FSYNC;

        /** The manifest's and the command line's spelling: "names" or "fsync". */
        public String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The value spelt {@code s}, or null. */
        public static Commit parse(String s) {
            for (Commit c : values()) if (c.spelling().equals(s)) return c;
            return null;
        }
    }

    /**
     * An encrypted volume in one host file (AES-256-GCM blocks under a Merkle tree), created on
     * first use unless read-only. {@code key} null: the instance's {@link InstanceConfig.Builder#volumeKey}.
     * What commits, and when: {@code commit} ({@link Commit}). {@code cacheInodes}: the inodes
     * the volume keeps in memory when nothing uses them (0: {@link
     * dev.arca.fs.encfs.EncFs#CACHE_INODES}; else {@link #MIN_CACHE_INODES} to {@link
     * #MAX_CACHE_INODES}). {@code blockCache}: bytes of plaintext blocks the volume keeps in
     * memory, half for blocks read or written and half for changed blocks held before they are
     * sealed (0: 32 MiB; else {@link #MIN_BLOCK_CACHE} to {@link #MAX_BLOCK_CACHE}, in whole 4 KiB
     * blocks, and at most half the JVM's heap, checked at mount). {@code replicated}:
     * the volume is replicated in the instance's cluster ({@link InstanceConfig#replication()}),
     * named by its file's name; an instance without a cluster refuses to mount it.
     */
    record Volume(Path file, String guestPath, VolumeKey key, boolean readOnly, boolean replicated, Commit commit, int cacheInodes,
            long blockCache) implements Mount {
        /** The smallest cache of inodes a volume may be given (fewer would read inodes again at nearly every call). */
        public static final int MIN_CACHE_INODES = 64;
        public static final int MAX_CACHE_INODES = 1 << 30;

        /** Whether {@code n} is a cache a volume may be given: {@link #MIN_CACHE_INODES} to {@link #MAX_CACHE_INODES} (0, the default, is not given). */
        public static boolean cacheInodesAllowed(long n) {
            return n >= MIN_CACHE_INODES && n <= MAX_CACHE_INODES;
        }

        /** The allowed caches, for messages: "64 to 1073741824". */
        public static String cacheInodesBounds() {
            return MIN_CACHE_INODES + " to " + MAX_CACHE_INODES;
        }

        /** The smallest block cache a volume may be given: 64 blocks read and 64 changed. */
        public static final long MIN_BLOCK_CACHE = 512L << 10;
        public static final long MAX_BLOCK_CACHE = 64L << 30;

        /** Whether {@code bytes} is a block cache a volume may be given (0, the default, is not given). */
        public static boolean blockCacheAllowed(long bytes) {
            return bytes >= MIN_BLOCK_CACHE && bytes <= MAX_BLOCK_CACHE;
        }

        /** The allowed block caches, for messages. */
        public static String blockCacheBounds() {
            return "512KiB to 64GiB";
        }

        /**
         * A block cache as a manifest or the command line writes it ("64MiB", "1GiB", "262144").
         * Errors: IllegalArgumentException saying what is wrong (not a size, out of bounds).
         */
        public static long blockCache(String size) {
            long bytes = Sizes.bytes(size);
            if (!blockCacheAllowed(bytes)) throw new IllegalArgumentException("\"" + size + "\" is out of bounds (" + blockCacheBounds() + ")");
            return bytes;
        }

        /**
         * Normalises the guest path. Errors: IllegalArgumentException for a bad one (or a
         * replicated read-only volume, or a cache out of bounds); NullPointerException for a missing path.
         */
        public Volume {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(commit, "commit");
            if (cacheInodes != 0 && !cacheInodesAllowed(cacheInodes)) {
                throw new IllegalArgumentException("a cache of " + cacheInodes + " inodes (" + cacheInodesBounds() + ")");
            }
            if (blockCache != 0 && !blockCacheAllowed(blockCache)) {
                throw new IllegalArgumentException("a block cache of " + blockCache + " bytes (" + blockCacheBounds() + ")");
            }
            guestPath = normalise(guestPath);
            if (replicated && readOnly) throw new IllegalArgumentException("a replicated volume is writable (replicating a read-only one would change nothing)");
        }

        public Volume(Path file, String guestPath, VolumeKey key, boolean readOnly, boolean replicated, Commit commit, int cacheInodes) {
            this(file, guestPath, key, readOnly, replicated, commit, cacheInodes, 0);
        }

        public Volume(Path file, String guestPath, VolumeKey key, boolean readOnly, boolean replicated, Commit commit) {
            this(file, guestPath, key, readOnly, replicated, commit, 0);
        }

        public Volume(Path file, String guestPath, VolumeKey key, boolean readOnly, boolean replicated) {
            this(file, guestPath, key, readOnly, replicated, Commit.NAMES);
        }

        public Volume(Path file, String guestPath, VolumeKey key, boolean readOnly) {
            this(file, guestPath, key, readOnly, false);
        }

        /** This volume, replicated. */
        public Volume replicatedCopy() {
            return new Volume(file, guestPath, key, readOnly, true, commit, cacheInodes, blockCache);
        }

        /** This volume, committing as {@code c} says. */
        public Volume committing(Commit c) {
            return new Volume(file, guestPath, key, readOnly, replicated, c, cacheInodes, blockCache);
        }

        /** This volume, keeping {@code inodes} inodes in memory when nothing uses them (0: the default). */
        public Volume caching(int inodes) {
            return new Volume(file, guestPath, key, readOnly, replicated, commit, inodes, blockCache);
        }

        /** This volume, keeping {@code bytes} of blocks in memory (0: the default). */
        public Volume cachingBlocks(long bytes) {
            return new Volume(file, guestPath, key, readOnly, replicated, commit, cacheInodes, bytes);
        }
    }

    /**
     * An image made by {@code arca image build}: read-only, every block checked against its root
     * hash. With {@code expectedRootHash} (64 hex digits, optionally after "sha256:") any other
     * image is refused. An encrypted volume given here is opened read-only with the instance's key.
     */
    record Image(Path file, String guestPath, String expectedRootHash) implements Mount {
        /** Normalises the guest path. Errors: IllegalArgumentException for a bad one; NullPointerException for a missing path. */
        public Image {
            Objects.requireNonNull(file, "file");
            guestPath = normalise(guestPath);
            if (expectedRootHash != null) RootHash.parse(expectedRootHash);
        }
    }

    /**
     * A writable encrypted volume over a read-only image, seen as one tree: changes are copied up
     * into the volume (whiteouts for removals). {@code key} null: the instance's key. With
     * {@code expectedImageRootHash} (as {@link Image}'s) any other image is refused. {@code
     * replicated}: the volume is replicated as a {@link Volume}'s (the image stays a host file).
     */
    record Union(Path image, Path volume, String guestPath, VolumeKey key, String expectedImageRootHash, boolean replicated) implements Mount {
        /** Normalises the guest path. Errors: IllegalArgumentException for a bad one; NullPointerException for a missing path. */
        public Union {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(volume, "volume");
            guestPath = normalise(guestPath);
            if (expectedImageRootHash != null) RootHash.parse(expectedImageRootHash);
        }

        /** Any image. */
        public Union(Path image, Path volume, String guestPath, VolumeKey key) {
            this(image, volume, guestPath, key, null, false);
        }

        /** Not replicated. */
        public Union(Path image, Path volume, String guestPath, VolumeKey key, String expectedImageRootHash) {
            this(image, volume, guestPath, key, expectedImageRootHash, false);
        }

        /** The same union, its volume replicated. */
        public Union replicatedCopy() {
            return new Union(image, volume, guestPath, key, expectedImageRootHash, true);
        }
    }

    /** Host directory {@code hostDirectory} at {@code guestPath}, writable. */
    static Mount hostDirectory(Path hostDirectory, String guestPath) {
        return new HostDirectory(hostDirectory, guestPath, false);
    }

    /** Host directory {@code hostDirectory} at {@code guestPath}, read-only ({@code EROFS}). */
    static Mount hostDirectoryReadOnly(Path hostDirectory, String guestPath) {
        return new HostDirectory(hostDirectory, guestPath, true);
    }

    /** An empty, writable in-memory file system at {@code guestPath}. */
    static Mount ramfs(String guestPath) {
        return new Ramfs(guestPath, false);
    }

    /** The encrypted volume in {@code file} at {@code guestPath}, keyed by the instance's volume key. */
    static Mount volume(Path file, String guestPath) {
        return new Volume(file, guestPath, null, false);
    }

    /** The encrypted volume in {@code file} at {@code guestPath}, keyed by {@code key}. */
    static Mount volume(Path file, String guestPath, VolumeKey key) {
        return new Volume(file, guestPath, Objects.requireNonNull(key, "key"), false);
    }

    /** The image in {@code file} at {@code guestPath}. */
    static Mount image(Path file, String guestPath) {
        return new Image(file, guestPath, null);
    }

    /** Volume {@code volume} over image {@code image} at {@code guestPath}, keyed by the instance's key. */
    static Mount union(Path image, Path volume, String guestPath) {
        return new Union(image, volume, guestPath, null);
    }

    /**
     * An absolute, normalised guest path. Errors: IllegalArgumentException for null, an empty
     * path or a NUL.
     */
    private static String normalise(String guestPath) {
        Objects.requireNonNull(guestPath, "guestPath");
        if (guestPath.isEmpty() || guestPath.indexOf('\0') >= 0) throw new IllegalArgumentException("bad guest path '" + guestPath.replace("\0", "\\0") + "'");
        try {
            return MountTable.normalise(guestPath.startsWith("/") ? guestPath : "/" + guestPath);
        } catch (ErrnoException e) {
            throw new IllegalArgumentException("bad guest path '" + guestPath + "'");
        }
    }
}
