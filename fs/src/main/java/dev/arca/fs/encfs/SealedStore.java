package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The untrusted {@link BlockStore} seen through the {@link Sealer}: the only way blocks other than
 * the superblock reach or leave the host.
 *
 * <p>Contract: {@link #write} seals a block to a place newly taken from the {@link Allocator} and
 * returns the {@link Ref} its parent keeps; {@link #read} opens the block a reference names and
 * checks it, or reports tampering (one security line, EIO). A block's context (additional data)
 * is the volume id and the block's logical place, so a valid block moved to another place fails
 * its check.
 *
 * <p>Runs ({@link #writeAll}, {@link #readAll}): many blocks at once, with one host write or read
 * per run of neighbouring blocks, and the sealing or opening of a long run split over the common
 * fork/join pool (every core). Only the cipher work goes to other threads; the allocator, the store
 * and the log are used by the calling thread, which holds the volume's lock throughout.
 */
final class SealedStore {
    static final int BLOCK = BlockStore.BLOCK_SIZE;

    private final BlockStore store;
    private final Sealer sealer;
    private final Allocator allocator;
    private final SecurityLog log;
    private final byte[] volumeId;
    private final boolean refuseWrites;
    /** Sealed bytes of the run being written or read (guarded by the volume's lock). */
    private byte[] stage = new byte[0];

    /** Runs shorter than this are sealed or opened on the calling thread alone. */
    static final int PARALLEL_MIN = 16;
    /** Blocks sealed before they are written out in one go. */
    static final int WRITE_CHUNK = 256;

    /** What {@link #readAll} found for a block. */
    static final byte OK = 0, MISSING = 1, FORGED = 2;

    /** @param refuseWrites a read-only encrypted volume: any write is a bug, refused with EROFS */
    SealedStore(BlockStore store, Sealer sealer, Allocator allocator, SecurityLog log, byte[] volumeId, boolean refuseWrites) {
        this.store = store;
        this.sealer = sealer;
        this.allocator = allocator;
        this.log = log;
        this.volumeId = volumeId;
        this.refuseWrites = refuseWrites;
    }

    /** Whether runs may be sealed and written by a write-behind thread: an encrypted volume (an image's layout must not depend on timing) on a store that takes writes from any thread. */
    boolean writesBehind() {
        return sealer.encrypted() && !refuseWrites && store.concurrent();
    }

    SecurityLog log() {
        return log;
    }

    /** The additional data that binds a sealed block to its place. */
    byte[] context(long ino, int level, long index) {
        return ByteBuffer.allocate(16 + 8 + 1 + 8).put(volumeId).putLong(ino).put((byte) level).putLong(index).array();
    }

    /** Seals {@code plain} to a new place. Errors: ENOSPC, EIO, EROFS. */
    Ref write(byte[] plain, byte[] context) throws ErrnoException {
        if (refuseWrites) throw Errno.EROFS.fail();
        long b = allocator.allocate();
        byte[] stored = new byte[BLOCK];
        byte[] auth = sealer.seal(plain, context, stored);
        try {
            store.write(b, stored);
        } catch (ErrnoException e) {
            allocator.unallocate(b);
            throw e;
        }
        return new Ref(b, auth);
    }

    /** Opens the block {@code r} names into {@code plain}; ino, level and index name it in a report. */
    void read(Ref r, byte[] context, byte[] plain, long ino, int level, long index) throws ErrnoException {
        byte[] stored = new byte[BLOCK];
        if (!store.read(r.block(), stored)) throw log.tampered(r.block(), ino, level, index, "missing (volume truncated)");
        if (!sealer.open(stored, r.auth(), context, plain)) throw log.tampered(r.block(), ino, level, index, "failed authentication");
    }

    /**
     * Seals {@code plains[i]} under {@code contexts[i]} (for i below {@code n}) to new places, in
     * order, and puts their references in {@code refs}. All or nothing: on an error (ENOSPC, EIO,
     * EROFS) no block stays allocated and {@code refs} is not to be used. Blocks allocated one
     * after another are written with one host write.
     */
    void writeAll(byte[][] plains, byte[][] contexts, int n, Ref[] refs) throws ErrnoException {
        if (refuseWrites) throw Errno.EROFS.fail();
        long[] blocks = new long[n];
        int got = 0;
        try {
            for (; got < n; got++) blocks[got] = allocator.allocate();
            byte[][] auth = new byte[n][];
            writeRun(plains, contexts, blocks, n, auth, stage(Math.min(n, WRITE_CHUNK)));
            for (int i = 0; i < n; i++) refs[i] = new Ref(blocks[i], auth[i]);
        } catch (ErrnoException | RuntimeException e) {
            for (int i = 0; i < got; i++) allocator.unallocate(blocks[i]);
            throw e;
        }
    }

    /** Blocks taken from the allocator for a run that {@link #writeRun} writes later, maybe on another thread. */
    long[] allocate(int n) throws ErrnoException {
        if (refuseWrites) throw Errno.EROFS.fail();
        long[] blocks = new long[n];
        int got = 0;
        try {
            for (; got < n; got++) blocks[got] = allocator.allocate();
            return blocks;
        } catch (ErrnoException e) {
            for (int i = 0; i < got; i++) allocator.unallocate(blocks[i]);
            throw e;
        }
    }

    /** Takes back blocks {@link #allocate} gave whose run was not written. */
    void unallocate(long[] blocks) {
        for (long b : blocks) allocator.unallocate(b);
    }

    /**
     * Seals {@code plains[i]} under {@code contexts[i]} into {@code blocks[i]} (already allocated),
     * putting the auth bytes in {@code auth[i]}, through {@code stage} ({@link #WRITE_CHUNK}
     * blocks or fewer), then lets the store sync what it holds beside the guest ({@link
     * BlockStore#syncBehind}). Uses only the sealer and the store, so a write-behind thread may call
     * it without the volume's lock (the store must allow writes from any thread).
     */
    void writeRun(byte[][] plains, byte[][] contexts, long[] blocks, int n, byte[][] auth, byte[] stage) throws ErrnoException {
        int chunk = stage.length / BLOCK;
        for (int s = 0; s < n; s += chunk) {
            int from = s, m = Math.min(chunk, n - s);
            forEach(m, j -> auth[from + j] = sealer.seal(plains[from + j], 0, contexts[from + j], stage, j * BLOCK));
            for (int r = 0; r < m; ) {
                int e = r + 1;
                while (e < m && blocks[s + e] == blocks[s + e - 1] + 1) e++;
                store.writeRun(blocks[s + r], e - r, stage, r * BLOCK);
                r = e;
            }
        }
        store.syncBehind();
    }

    /**
     * Opens the blocks {@code refs[i]} (none null) names into {@code plains[i]}, for i below
     * {@code n}, reading neighbouring blocks with one host read. Returns each block's {@link #OK},
     * {@link #MISSING} or {@link #FORGED}; reports nothing (the caller reports the blocks it
     * needed, with {@link #tampered}). A block that is not OK leaves zeros or nothing in its array.
     */
    byte[] readAll(Ref[] refs, byte[][] contexts, int n, byte[][] plains) throws ErrnoException {
        byte[] st = stage(n);
        byte[] status = new byte[n];
        readStored(refs, n, st, status);
        forEach(n, i -> {
            if (status[i] == OK && !open(refs[i], contexts[i], st, i, plains[i])) status[i] = FORGED;
        });
        return status;
    }

    /** Reads the sealed blocks {@code refs} name into {@code st} (one host read per run of neighbours), marking those {@link #MISSING}. */
    private void readStored(Ref[] refs, int n, byte[] st, byte[] status) throws ErrnoException {
        for (int r = 0; r < n; ) {
            int e = r + 1;
            while (e < n && refs[e].block() == refs[e - 1].block() + 1) e++;
            int have = store.readRun(refs[r].block(), e - r, st, r * BLOCK);
            for (int i = r + have; i < e; i++) status[i] = MISSING;
            r = e;
        }
    }

    /** Opens sealed block {@code i} of {@code st}, which {@code r} names, into {@code plain}; false when not authentic. Any thread. */
    private boolean open(Ref r, byte[] context, byte[] st, int i, byte[] plain) {
        return sealer.open(st, i * BLOCK, r.auth(), context, plain, 0);
    }

    /** The report (one security line, EIO) for a block {@link #readAll} found not OK. */
    ErrnoException tampered(Ref r, byte status, long ino, int level, long index) {
        return log.tampered(r.block(), ino, level, index, status == MISSING ? "missing (volume truncated)" : "failed authentication");
    }

    private byte[] stage(int blocks) {
        if (stage.length < blocks * BLOCK) stage = new byte[blocks * BLOCK];
        return stage;
    }

    /** Runs {@code body} for 0 to n - 1: on the calling thread and, for long runs, the common pool. */
    private static void forEach(int n, IntConsumer body) {
        int parts = Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, n / (PARALLEL_MIN / 2));
        if (parts < 2) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
            others[p - 1] = ForkJoinPool.commonPool().submit(() -> {
                for (int i = from; i < to; i++) body.accept(i);
            });
        }
        RuntimeException failed = null;
        try {
            for (int i = 0, to = n / parts; i < to; i++) body.accept(i);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (ForkJoinTask<?> t : others) {
            try {
                t.join();
            } catch (RuntimeException e) {
                if (failed == null) failed = e;
            }
        }
        if (failed != null) throw failed;
    }

    /** Marks a block the committed tree refers to as used (at mount), checking its range. */
    void claim(Ref r, long ino, int level, long index) throws ErrnoException {
        if (r.block() < 2 || r.block() >= Integer.MAX_VALUE) throw log.tampered(r.block(), ino, level, index, "reference out of range");
        if (!allocator.claim(r.block())) throw log.damaged("inode " + ino + " refers to block " + r.block() + ", which the space map has free");
    }

    /** The working tree no longer refers to {@code r} (null: a hole, nothing to free). */
    void release(Ref r) {
        if (r != null) allocator.release(r.block());
    }
}
