package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replicated volume's sealed blocks on a node's disk (docs/cluster.md, "Replicated volumes:
 * on a node's disk"), in append-only segment files in the state machine's directory. A record is
 * the block's index (8 bytes), the SHA-256 of its bytes (32) and the bytes (4096); memory holds
 * only where each block's newest record is and the log index that wrote it (16 bytes a block),
 * never the blocks.
 *
 * <ul>
 * <li><b>Writes</b> append to the open segment, unsynced: the Raft log has them, and after a
 *     crash the entries after the latest snapshot are applied again.
 * <li><b>Sealing</b> (at each snapshot) syncs the open segment and writes its index file (the
 *     block number of each record, so a load reads 8 bytes a record rather than the blocks). A
 *     sealed segment never changes again, so Ratis can send it to a new or lagging node while
 *     writes go on; the snapshot names the sealed segments and their record counts.
 * <li><b>Compaction</b>: when more records are dead (rewritten since) than live, sealing also
 *     copies the live records into one new segment and retires the others; the state machine
 *     deletes retired files one snapshot later (an older snapshot may still be being sent).
 * <li><b>Loading</b> checks each named segment's and index's length against the record count and
 *     each index against the bounds; a read checks the record's index and SHA-256, so a damaged
 *     or altered file is an error on that node, never a wrong block served (and the volume's own
 *     MACs check what a client reads anyway).
 * </ul>
 *
 * <p>Not thread-safe: the state machine calls it under its own lock.
 */
final class ReplicaBlocks {
    static final int HEADER = 8 + 32;
    static final int RECORD = HEADER + Command.BLOCK_SIZE;
    private static final int COPY_RECORDS = 256;

    private final Host host;
    private final HostFd dir;
    private final String name;
    private final long maxBlocks;
    private final TreeMap<Integer, Segment> segments = new TreeMap<>(); // by number; the open one too
    private Segment open; // takes the writes; null until the first after a seal
    private int next = 1; // the next segment's number
    private long[] where = new long[0]; // block -> (segment << 32 | record) + 1; 0: none
    /**
     * Block -> the log index of the entry that last wrote it, or, for a block loaded from a
     * snapshot, the snapshot's index (it was written then or earlier): never below the true index,
     * so "written after X" ({@link #hashesSince}) may name a block that was not, never misses one.
     */
    private long[] written = new long[0];
    private long size; // the highest block present + 1
    private long present; // blocks present
    private long records; // records in all segments, live and dead

    private static final class Segment {
        final int number;
        final HostFile file;
        long records;
        long[] indexes; // the open segment's records' block numbers; null once sealed

        Segment(int number, HostFile file, long records, long[] indexes) {
            this.number = number;
            this.file = file;
            this.records = records;
            this.indexes = indexes;
        }
    }

    ReplicaBlocks(Host host, HostFd dir, String name, long maxBlocks) {
        this.host = host;
        this.dir = dir;
        this.name = name;
        this.maxBlocks = maxBlocks;
    }

    static String segmentFile(String name, int number) {
        return name + "~" + String.format("%08d", number);
    }

    static String indexFile(String name, int number) {
        return segmentFile(name, number) + ".idx";
    }

    /**
     * Loads the sealed segments a snapshot names ({@code [[number, records], ...]}, oldest first),
     * checking their lengths and indexes. Errors name the volume and the segment.
     */
    static ReplicaBlocks load(Host host, HostFd dir, String name, long maxBlocks, JsonNode list, long snapshotIndex) throws IOException {
        if (!name.matches(Command.NAME)) throw new IOException("the snapshot names a replicated volume '" + name + "', which is not a volume's name");
        ReplicaBlocks r = new ReplicaBlocks(host, dir, name, maxBlocks);
        try {
            for (JsonNode s : list) {
                if (!s.isArray() || s.size() != 2 || !s.get(0).canConvertToInt() || !s.get(1).canConvertToLong()
                        || s.get(0).asInt() < r.next || s.get(1).asLong() < 0) {
                    throw new IOException("replicated volume " + name + ": the snapshot's segment list is malformed at " + s);
                }
                int number = s.get(0).asInt();
                long count = s.get(1).asLong();
                byte[] idx = host.readFile(dir, indexFile(name, number), (int) Math.min(Integer.MAX_VALUE - 8, count * 8 + 1));
                HostFile f = host.open(dir, segmentFile(name, number), OpenMode.READ);
                Segment seg = new Segment(number, f, count, null);
                r.segments.put(number, seg);
                r.next = number + 1;
                if (idx.length != count * 8 || f.size() != count * RECORD) {
                    throw new IOException("replicated volume " + name + ": segment " + number + " is damaged (" + f.size() + " bytes and an index of "
                            + idx.length + " for " + count + " records)");
                }
                ByteBuffer b = ByteBuffer.wrap(idx).order(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < count; i++) {
                    long block = b.getLong();
                    if (block < 0 || block >= maxBlocks) {
                        throw new IOException("replicated volume " + name + ": segment " + number + " names block " + block + ", out of bounds");
                    }
                    r.place(block, number, i, snapshotIndex);
                }
                r.records += count;
            }
        } catch (ErrnoException e) {
            r.close();
            throw new IOException("replicated volume " + name + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void place(long block, int segment, long record, long index) {
        if (block >= where.length) {
            where = Arrays.copyOf(where, (int) Math.min(maxBlocks, Math.max(block + 1, Math.max(1024, 2L * where.length))));
            written = Arrays.copyOf(written, where.length);
        }
        if (where[(int) block] == 0) present++;
        where[(int) block] = ((long) segment << 32 | record) + 1;
        written[(int) block] = index;
        size = Math.max(size, block + 1);
    }

    long size() {
        return size;
    }

    long present() {
        return present;
    }

    boolean has(long block) {
        return block < where.length && where[(int) block] != 0;
    }

    /**
     * Appends the blocks, written by log entry {@code index} (the caller checked the bounds). A
     * disk failure is unchecked: the node must stop, not diverge.
     */
    void write(List<Command.Block> blocks, long index) {
        try {
            if (open == null) {
                open = new Segment(next, host.open(dir, segmentFile(name, next), OpenMode.create(0600).truncating()), 0, new long[64]);
                segments.put(next, open);
                next++;
            }
            ByteBuffer buf = ByteBuffer.allocate(blocks.size() * RECORD).order(ByteOrder.LITTLE_ENDIAN);
            for (Command.Block b : blocks) {
                buf.putLong(b.index()).put(ClusterStateMachine.sha256(b.data())).put(b.data());
            }
            writeFully(open.file, buf.flip(), open.records * RECORD);
            for (Command.Block b : blocks) {
                if (open.records == open.indexes.length) open.indexes = Arrays.copyOf(open.indexes, open.indexes.length * 2);
                open.indexes[(int) open.records] = b.index();
                place(b.index(), open.number, open.records++, index);
                records++;
            }
        } catch (ErrnoException e) {
            throw new UncheckedIOException(new IOException("replicated volume " + name + ": writing blocks: " + e.getMessage()));
        }
    }

    /** The block's bytes, or null where there is none; checked against the record's index and hash. */
    byte[] read(long block) throws ClusterException {
        return read(block, 1)[0];
    }

    /** The SHA-256 of the block's bytes, or null where there is none. */
    byte[] hash(long block) throws ClusterException {
        return hashes(block, 1)[0];
    }

    /**
     * Blocks {@code from} to {@code from + count - 1}'s bytes (null where there is none), each
     * checked against its record's index and hash. Records that lie one after another in a
     * segment (a run of blocks written together) are read with one host read.
     */
    byte[][] read(long from, int count) throws ClusterException {
        byte[][] out = new byte[count][];
        records(from, count, (i, rec) -> {
            int at = verified(from + i, rec);
            out[i] = Arrays.copyOfRange(rec.array(), at + 32, at + 32 + Command.BLOCK_SIZE);
        });
        return out;
    }

    /** Checks the block's bytes against the hash in its record (positioned at the hash); returns that position. */
    private int verified(long block, ByteBuffer rec) throws ClusterException {
        int at = rec.position();
        MessageDigest md = ClusterStateMachine.sha256();
        md.update(rec.array(), at + 32, Command.BLOCK_SIZE);
        if (!MessageDigest.isEqual(md.digest(), Arrays.copyOfRange(rec.array(), at, at + 32))) {
            throw new ClusterException("replicated volume " + name + ": this node's copy of block " + block + " is damaged (its SHA-256 does not match)");
        }
        return at;
    }

    /** The block's whole record (index, SHA-256, bytes), both checked (the block is present). */
    private ByteBuffer checked(long block) throws ClusterException {
        ByteBuffer[] one = new ByteBuffer[1];
        records(block, 1, (i, rec) -> {
            int at = verified(block, rec);
            one[0] = ByteBuffer.wrap(rec.array(), at - 8, RECORD);
        });
        return one[0];
    }

    /** The SHA-256 of blocks {@code from} to {@code from + count - 1} (null where there is none), read as {@link #read(long, int)} reads. */
    byte[][] hashes(long from, int count) throws ClusterException {
        byte[][] out = new byte[count][];
        records(from, count, (i, rec) -> out[i] = Arrays.copyOfRange(rec.array(), rec.position(), rec.position() + 32));
        return out;
    }

    /** What {@link #hashesSince} gives for a block no entry after the given index wrote. */
    static final byte[] UNCHANGED = new byte[0];

    /**
     * As {@link #hashes(long, int)}, but {@link #UNCHANGED} for each present block that no entry
     * after log index {@code since} wrote (its record is not read): what a local copy that matched
     * the state at {@code since} must compare. A {@code since} below 0 asks for every hash.
     */
    byte[][] hashesSince(long from, int count, long since) throws ClusterException {
        if (since < 0) return hashes(from, count);
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; ) {
            long block = from + i;
            if (!has(block) || written[(int) block] <= since) {
                if (has(block)) out[i] = UNCHANGED;
                i++;
                continue;
            }
            int n = 1;
            while (i + n < count && has(block + n) && written[(int) (block + n)] > since) n++;
            byte[][] run = hashes(block, n);
            System.arraycopy(run, 0, out, i, n);
            i += n;
        }
        return out;
    }

    private interface RecordSink {
        /** Record {@code i} of a run, its index checked, positioned at its hash (the bytes follow). */
        void accept(int i, ByteBuffer record) throws ClusterException;
    }

    /** Most records one host read takes (1 MiB of blocks). */
    private static final int READ_RECORDS = 256;

    /** Hands each present block of {@code from..from + count - 1} to {@code sink}, reading neighbouring records together. */
    private void records(long from, int count, RecordSink sink) throws ClusterException {
        for (int i = 0; i < count; ) {
            long block = from + i;
            if (!has(block)) {
                i++;
                continue;
            }
            long w = where[(int) block] - 1;
            int n = 1;
            while (i + n < count && n < READ_RECORDS && has(block + n) && where[(int) (block + n)] - 1 == w + n && (w + n) >>> 32 == w >>> 32) n++;
            Segment s = segments.get((int) (w >>> 32));
            ByteBuffer buf = ByteBuffer.allocate(n * RECORD).order(ByteOrder.LITTLE_ENDIAN);
            try {
                long at = (w & 0xffffffffL) * RECORD;
                while (buf.hasRemaining()) {
                    if (s.file.read(buf, at + buf.position()) <= 0) break;
                }
            } catch (ErrnoException e) {
                throw new ClusterException("replicated volume " + name + ": reading block " + block + " on this node: " + e.getMessage());
            }
            int got = buf.position();
            for (int k = 0; k < n; k++) {
                if (got < (k + 1) * RECORD || buf.getLong(k * RECORD) != block + k) {
                    throw new ClusterException("replicated volume " + name + ": this node's copy of block " + (block + k) + " is damaged (its record is short or names another block)");
                }
                sink.accept(i + k, buf.position(k * RECORD + 8));
            }
            i += n;
        }
    }

    /**
     * Seals the open segment (synced, with its index file) and compacts when more records are
     * dead than live; adds the names of the files no longer needed to {@code retired}. Returns
     * the sealed segments, {@code [[number, records], ...]}, for the snapshot.
     */
    ArrayNode seal(List<String> retired) throws IOException {
        try {
            if (open != null) {
                open.file.sync(true);
                sealIndex(open.number, Arrays.copyOf(open.indexes, (int) open.records));
                open.indexes = null;
                open = null;
            }
            long dead = records - present;
            if (dead > present && dead >= COPY_RECORDS) compact(retired);
        } catch (ErrnoException e) {
            throw new IOException("replicated volume " + name + ": sealing its segment: " + e.getMessage());
        } catch (ClusterException e) {
            throw new IOException(e.getMessage());
        }
        return segmentList();
    }

    ArrayNode segmentList() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Segment s : segments.values()) {
            if (s != open) a.addArray().add(s.number).add(s.records);
        }
        return a;
    }

    /** The names of the sealed segments' files (what a snapshot of this volume consists of). */
    void sealedFiles(List<String> out) {
        for (Segment s : segments.values()) {
            if (s == open) continue;
            out.add(segmentFile(name, s.number));
            out.add(indexFile(name, s.number));
        }
    }

    private void sealIndex(int number, long[] indexes) throws ErrnoException {
        ByteBuffer idx = ByteBuffer.allocate(indexes.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long i : indexes) idx.putLong(i);
        host.replaceFile(dir, indexFile(name, number), idx.array(), 0600);
    }

    /** Copies the live records, in block order, into one new sealed segment; the others retire. */
    private void compact(List<String> retired) throws ErrnoException, ClusterException {
        int number = next++;
        long[] indexes = new long[(int) present];
        long count = 0;
        try (HostFile f = host.open(dir, segmentFile(name, number), OpenMode.create(0600).truncating())) {
            ByteBuffer buf = ByteBuffer.allocate(COPY_RECORDS * RECORD).order(ByteOrder.LITTLE_ENDIAN);
            for (long block = 0; block < size; block++) {
                if (!has(block)) continue;
                buf.put(checked(block)); // the record as it is, once checked (not hashed again)
                indexes[(int) count++] = block;
                if (!buf.hasRemaining()) {
                    writeFully(f, buf.flip(), (count - COPY_RECORDS) * RECORD);
                    buf.clear();
                }
            }
            if (buf.position() > 0) writeFully(f, buf.flip(), (count - buf.remaining() / RECORD) * RECORD);
            f.sync(true);
        }
        sealIndex(number, indexes);
        for (Segment s : segments.values()) {
            s.file.close();
            retired.add(segmentFile(name, s.number));
            retired.add(indexFile(name, s.number));
        }
        segments.clear();
        segments.put(number, new Segment(number, host.open(dir, segmentFile(name, number), OpenMode.READ), count, null));
        for (int i = 0; i < count; i++) where[(int) indexes[i]] = ((long) number << 32 | i) + 1;
        records = count;
    }

    private static void writeFully(HostFile f, ByteBuffer buf, long at) throws ErrnoException {
        long start = at - buf.position();
        while (buf.hasRemaining()) f.write(buf, start + buf.position());
    }

    void close() {
        for (Segment s : segments.values()) s.file.close();
        segments.clear();
        open = null;
    }
}
