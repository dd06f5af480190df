package dev.arca.cluster;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.BlockStore;
import dev.arca.host.Host;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The note beside a replicated volume's local copy (FILE.synced) of the cluster's state it last
 * matched: the log index X such that the copy held every block as the cluster had it at X, so a
 * mount compares only the blocks written after X ({@link ReplicatedVolumes}) instead of hashing
 * the whole copy. The local copy is written only with committed blocks (after the cluster
 * committed them, {@link ReplicatedBlockStore}), so whatever a crash leaves in it is some
 * committed state of each block, and every block that changed after X is compared.
 *
 * <p>Two indexes: the newest the copy matched, good while the machine has not restarted (a process
 * that dies leaves its writes in the host's page cache), and the newest it matched when it was last
 * synced to the disk, for after a power loss (the boot id tells which). The note also holds the
 * SHA-256 of the copy's two superblock slots and of the cluster's and the volume's names: a copy
 * replaced by another file (an older backup, another volume's, a copy written by a mount that was
 * not replicated) no longer matches it, and the whole copy is compared as before. A note that is
 * torn, damaged or from another cluster is ignored the same way.
 *
 * <p>No security rests on the note: the host can change the local copy at any time anyway, and the
 * volume's MACs, Merkle tree and the cluster's committed version check every block it reads. A
 * forged note can only make a mount keep a block the cluster no longer has, which the volume then
 * refuses as tampering (EIO), as it would any block the host altered. Deleting the note makes the
 * next mount compare every block.
 */
final class CopyMark implements AutoCloseable {
    private static final byte[] MAGIC = "ARCASYN1".getBytes(StandardCharsets.US_ASCII);
    private static final int LENGTH = 8 + 8 + 8 + 16 + 32 + 32 + 32;
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** What a note says. {@code synced} ≤ {@code latest}. */
    record Note(long synced, long latest, byte[] boot, byte[] superblocks) {}

    private final HostFile file;
    private final byte[] key; // SHA-256 of the cluster's group and the volume's name
    private final byte[] boot; // this boot's id (16 bytes), or null when the host does not tell
    private long synced = -1;
    private long latest = -1;
    private byte[] superblocks = new byte[32];
    private boolean valid; // false: the copy changed in a way the note cannot describe; written as invalid

    private CopyMark(HostFile file, byte[] key, byte[] boot) {
        this.file = file;
        this.key = key;
        this.boot = boot;
    }

    /** The note beside {@code copy} ({@code copy}.synced), opened or created; null when the host will not (the mount then compares every block). */
    static CopyMark open(Host host, Path copy, String cluster, String volume) {
        return open(host, copy, cluster, volume, bootId(host));
    }

    /** As {@link #open(Host, Path, String, String)}, in a boot with id {@code boot} (null: unknown). */
    static CopyMark open(Host host, Path copy, String cluster, String volume, byte[] boot) {
        try {
            HostFile f = host.openFile(copy.resolveSibling(copy.getFileName() + ".synced"), OpenMode.create(0600));
            return new CopyMark(f, key(cluster, volume), boot);
        } catch (ErrnoException | RuntimeException e) {
            return null;
        }
    }

    static byte[] key(String cluster, String volume) {
        MessageDigest md = ClusterStateMachine.sha256();
        md.update(cluster.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(volume.getBytes(StandardCharsets.UTF_8));
        return md.digest();
    }

    private static byte[] bootId(Host host) {
        try {
            String s = new String(host.readFile(BOOT_ID, 64), StandardCharsets.US_ASCII).trim().replace("-", "");
            return s.length() == 32 ? java.util.HexFormat.of().parseHex(s) : null;
        } catch (ErrnoException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The log index after which a mount must compare the blocks of {@code local}, or -1 (compare
     * every block): the note must be whole, for this cluster's volume, and name the copy's
     * superblocks as they are, and the index must lie before {@code epoch} (the open that begins
     * this mount; a note from another history of the cluster is ignored).
     */
    long since(BlockStore local, long epoch) {
        Note n = read();
        if (n == null) return -1;
        byte[] now = superblocks(local);
        if (now == null || !MessageDigest.isEqual(now, n.superblocks())) return -1;
        long x = boot != null && MessageDigest.isEqual(boot, n.boot()) ? n.latest() : n.synced();
        return x >= 0 && x < epoch ? x : -1;
    }

    /** The note as written, or null when it is absent, torn, damaged, invalid or another volume's. */
    Note read() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        try {
            while (b.hasRemaining()) {
                if (file.read(b, b.position()) <= 0) return null;
            }
        } catch (ErrnoException e) {
            return null;
        }
        byte[] a = b.array();
        MessageDigest md = ClusterStateMachine.sha256();
        md.update(a, 0, LENGTH - 32);
        if (!MessageDigest.isEqual(md.digest(), Arrays.copyOfRange(a, LENGTH - 32, LENGTH))) return null;
        if (!Arrays.equals(Arrays.copyOf(a, 8), MAGIC)) return null;
        b.position(8);
        long s = b.getLong();
        long l = b.getLong();
        byte[] bootId = new byte[16];
        byte[] sb = new byte[32];
        byte[] k = new byte[32];
        b.get(bootId).get(sb).get(k);
        if (!MessageDigest.isEqual(k, key) || s < 0 || l < s) return null;
        return new Note(s, l, bootId, sb);
    }

    /**
     * The copy matched the cluster's state at log index {@code index} and its superblock slots
     * are {@code local}'s now; with {@code durable}, the copy was synced after that. Written with
     * one host write, unsynced (a note lost with the page cache leaves the older one, or none).
     */
    void matched(long index, BlockStore local, boolean durable) {
        matched(index, local, durable, true);
    }

    /** As {@link #matched(long, BlockStore, boolean)}; without {@code superblocksWritten}, the slots are those of the last call (not read again). */
    void matched(long index, BlockStore local, boolean durable, boolean superblocksWritten) {
        if (superblocksWritten || !valid) {
            byte[] sb = superblocks(local);
            if (sb == null) {
                invalidate();
                return;
            }
            superblocks = sb;
        }
        latest = Math.max(latest, index);
        if (durable) synced = latest;
        valid = true;
        write();
    }

    /** The copy was synced: the newest index it matched holds after a power loss too. */
    void synced() {
        if (!valid || synced == latest) return;
        synced = latest;
        write();
    }

    /** The copy no longer matches any state the note could name (a write to it failed): the next mount compares every block. */
    void invalidate() {
        valid = false;
        write();
    }

    boolean valid() {
        return valid;
    }

    /** Whether the copy matched a state newer than the one it was last synced at. */
    boolean unsynced() {
        return synced < latest;
    }

    private void write() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(valid ? MAGIC : new byte[8]).putLong(Math.max(0, synced)).putLong(Math.max(0, latest));
        b.put(boot != null ? boot : new byte[16]).put(superblocks).put(key);
        MessageDigest md = ClusterStateMachine.sha256();
        md.update(b.array(), 0, LENGTH - 32);
        b.put(md.digest()).flip();
        try {
            while (b.hasRemaining()) file.write(b, b.position());
        } catch (ErrnoException e) {
            // the note is a hint: one that did not reach the file leaves the older one, or a torn one (ignored)
        }
    }

    /** SHA-256 of the copy's two superblock slots, or null when either is missing or unreadable. */
    static byte[] superblocks(BlockStore local) {
        byte[] two = new byte[2 * BlockStore.BLOCK_SIZE];
        try {
            if (local.readRun(0, 2, two, 0) < 2) return null;
        } catch (ErrnoException e) {
            return null;
        }
        return ClusterStateMachine.sha256(two);
    }

    @Override
    public void close() {
        file.close();
    }
}
