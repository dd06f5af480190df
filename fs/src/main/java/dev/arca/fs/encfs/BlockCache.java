package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Errno;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plaintext of data blocks in memory: clean blocks already verified, and the count of changed
 * blocks the {@link BlockTree}s hold until they are sealed.
 *
 * <p>Contract: a clean block is cached only after it was read and verified, or sealed, so a hit
 * needs no check and always equals what the store's block opens to; at most {@code cleanLimit}
 * are kept, the least recently used dropped first. A tree reports each block it makes dirty
 * ({@link #dirtied}) and each it seals or drops; dirty blocks are sealed to new places before a
 * commit needs them, by the writer thread (below) or, past {@code dirtyLimit}, by {@link #relieve}
 * (write-behind: the committed tree is not touched, so this needs no commit and breaks no crash
 * guarantee). Index blocks are not cached: every
 * reference is held by its tree. Not thread-safe: the volume calls it under its lock (only the
 * work it hands to the writer thread runs without it).
 *
 * <p>Arrays are recycled: a block dropped from the cache gives its array to the next block read
 * or written ({@link #buffer}), so streaming a large file allocates nothing per block (the
 * garbage collector copying the cache's blocks was a large part of the cost). Hence the rule
 * for every caller: an array {@link #read} or {@link BlockTree#read} returns is valid only until
 * the next call into the cache or any tree of the volume; use it at once, or copy it.
 *
 * <p>Write-behind on a thread of its own (encrypted volumes on a store that allows it): once a
 * batch's worth of blocks is dirty, {@link #relieve} allocates their places and hands them to the
 * volume's writer thread, which seals and writes them without the volume's lock while the guest
 * goes on; the blocks stay dirty (readable, writable) until the batch is settled under the lock,
 * when each block that still holds the same plaintext takes its new reference and a block
 * written again meanwhile gives its new place back. A batch that failed leaves its blocks dirty
 * and its error for the next write or commit. A commit first waits for every batch ({@link
 * #drain}), so nothing it makes durable depends on a write still in flight, and no block any
 * commit refers to is ever written (the places are newly allocated): the crash guarantees are
 * those of the synchronous path. Arrays in flight are never recycled.
 */
final class BlockCache {
    static final int BLOCK = BlockStore.BLOCK_SIZE;

    private record Key(BlockTree tree, long index) {}

    private final SealedStore sealed;
    private final int cleanLimit;
    private final int dirtyLimit;
    /**
     * Spare arrays kept for reuse: as many as the dirty limit, since sealing the dirty blocks
     * (a batch settled, or the guest's thread relieving the cache) drops that many clean blocks
     * at once, and the writes that follow take them again. A smaller pool (it was 1,024) let most
     * of them go to the garbage collector: 148 MB of new arrays for a 256 MiB write, whose young
     * collections, copying the cache's live blocks each time, took 344 ms of a 1.4 s write.
     */
    private final int spareLimit;
    private final LinkedHashMap<Key, byte[]> clean = new LinkedHashMap<>(256, 0.75f, true);
    private final LinkedHashSet<BlockTree> dirtyTrees = new LinkedHashSet<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private int dirtyBlocks;

    /** A dirty block handed to the writer thread, and the place it was given. */
    private record Pending(BlockTree tree, long index, byte[] plain, byte[] context, long block) {}

    private record Batch(List<Pending> items, Future<byte[][]> auth) {}

    /** Blocks per write-behind batch: 4 MiB at most, so the guest runs ahead while a batch is written. */
    private final int batchBlocks;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private final IdentityHashMap<byte[], Boolean> inFlight = new IdentityHashMap<>();
    private ExecutorService writer; // made at the first batch
    private byte[] writerStage; // used by the writer thread only

    /** @param cleanLimit clean blocks kept; @param dirtyLimit dirty blocks held before they are sealed */
    BlockCache(SealedStore sealed, int cleanLimit, int dirtyLimit) {
        this.sealed = sealed;
        this.cleanLimit = cleanLimit;
        this.dirtyLimit = dirtyLimit;
        this.spareLimit = Math.max(1, dirtyLimit);
        this.batchBlocks = Math.max(1, Math.min(1024, dirtyLimit / 4));
    }

    /** An array of one block, recycled when one is spare; its content is undefined. */
    byte[] buffer() {
        byte[] b = spare.poll();
        return b != null ? b : new byte[BLOCK];
    }

    /** {@code b} (a block's array no one refers to any more) may be reused. */
    void recycle(byte[] b) {
        if (b != null && b.length == BLOCK && b != BlockTree.ZERO && spare.size() < spareLimit && !inFlight.containsKey(b)) spare.push(b);
    }

    /** The cached plaintext of data block {@code index} of {@code t}, or null. */
    byte[] peek(BlockTree t, long index) {
        return clean.get(new Key(t, index));
    }

    /** The plaintext of data block {@code index} of {@code t}, which {@code r} names; shared, never changed. */
    byte[] read(BlockTree t, long index, Ref r) throws ErrnoException {
        byte[] hit = peek(t, index);
        if (hit != null) return hit;
        return load(t, index, new Ref[] {r}, 1);
    }

    /** The longest run {@link #load} may cache at once: half the cache, so a run never pushes out its own first block. */
    int runLimit() {
        return Math.max(1, cleanLimit / 2);
    }

    /**
     * Reads, checks and caches data blocks {@code first} to {@code first + n - 1} of {@code t},
     * which {@code refs} name (none null, none cached or dirty): the block {@code first} is the one
     * needed, the others are read ahead. Errors: EIO when the block {@code first} is tampered with
     * (one security line); a tampered block read ahead is only left out, and reported when it is
     * needed. Returns the plaintext of block {@code first} (as {@link #read}).
     */
    byte[] load(BlockTree t, long first, Ref[] refs, int n) throws ErrnoException {
        byte[][] plains = new byte[n][];
        byte[][] contexts = new byte[n][];
        for (int i = 0; i < n; i++) {
            plains[i] = buffer();
            contexts[i] = t.context(0, first + i);
        }
        byte[] status = sealed.readAll(refs, contexts, n, plains);
        for (int i = 0; i < n; i++) {
            if (status[i] == SealedStore.OK) {
                keep(new Key(t, first + i), plains[i]);
            } else {
                recycle(plains[i]);
            }
        }
        if (status[0] != SealedStore.OK) throw sealed.tampered(refs[0], status[0], t.ino, 0, first);
        return plains[0];
    }

    private void keep(Key k, byte[] plain) {
        recycle(clean.put(k, plain));
        if (clean.size() > cleanLimit) {
            var it = clean.entrySet().iterator();
            byte[] old = it.next().getValue();
            it.remove();
            recycle(old);
        }
    }

    /** {@code t} holds a new dirty block {@code index} (not sealed yet). */
    void dirtied(BlockTree t, long index) {
        dirtyTrees.add(t);
        dirtyBlocks++;
        recycle(clean.remove(new Key(t, index)));
    }

    /** {@code t} sealed its dirty block {@code index}, whose plaintext is {@code plain}. */
    void sealed(BlockTree t, long index, byte[] plain) {
        dirtyBlocks--;
        keep(new Key(t, index), plain);
    }

    /** {@code t} dropped its dirty block {@code index} unsealed (cut off, or the object freed). */
    void dropped(BlockTree t, long index) {
        dirtyBlocks--;
    }

    /** Forgets the clean blocks {@code from} to {@code to} (excluded) of {@code t}. */
    void forget(BlockTree t, long from, long to) {
        if (to - from > clean.size()) {
            var it = clean.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getKey().tree == t && e.getKey().index >= from && e.getKey().index < to) {
                    recycle(e.getValue());
                    it.remove();
                }
            }
        } else {
            for (long i = from; i < to; i++) recycle(clean.remove(new Key(t, i)));
        }
    }

    /**
     * After a write: settles the batches the writer has finished and hands a new batch to it once
     * enough blocks are dirty. Once more than the limit is dirty, this thread seals and writes the
     * dirty blocks the writer does not hold, beside it, rather than wait for it (or, with no
     * writer, every dirty block). Errors: those of a batch that failed, ENOSPC, EIO.
     */
    void relieve() throws ErrnoException {
        while (!batches.isEmpty() && batches.peekFirst().auth().isDone()) settle(batches.pollFirst());
        if (sealed.writesBehind() && batches.size() < 2 && dirtyBlocks - inFlight.size() >= batchBlocks) startBatch();
        if (dirtyBlocks <= dirtyLimit) return;
        if (batches.isEmpty()) {
            sealAll();
            return;
        }
        for (BlockTree t : new ArrayList<>(dirtyTrees)) t.flushData(inFlight.keySet());
        while (dirtyBlocks > dirtyLimit && !batches.isEmpty()) settle(batches.pollFirst());
    }

    /** Hands up to a batch of dirty blocks (not in flight already) to the writer thread. */
    private void startBatch() throws ErrnoException {
        List<Pending> items = new ArrayList<>();
        List<BlockTree> trees = new ArrayList<>();
        List<Long> indexes = new ArrayList<>();
        List<byte[]> plains = new ArrayList<>();
        for (BlockTree t : dirtyTrees) {
            t.takeDirty(batchBlocks - plains.size(), inFlight.keySet(), indexes, plains);
            while (trees.size() < plains.size()) trees.add(t);
            if (plains.size() >= batchBlocks) break;
        }
        int n = plains.size();
        if (n == 0) return;
        long[] blocks;
        try {
            blocks = sealed.allocate(n);
        } catch (ErrnoException e) {
            return; // volume full: the synchronous path reports it, block by block as before
        }
        byte[][] p = new byte[n][], c = new byte[n][];
        for (int i = 0; i < n; i++) {
            BlockTree t = trees.get(i);
            long index = indexes.get(i);
            p[i] = plains.get(i);
            c[i] = t.context(0, index);
            items.add(new Pending(t, index, p[i], c[i], blocks[i]));
            inFlight.put(p[i], Boolean.TRUE);
        }
        if (writer == null) {
            writer = Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, "arca-encfs-writer");
                th.setDaemon(true);
                return th;
            });
        }
        batches.addLast(new Batch(items, writer.submit(() -> {
            if (writerStage == null) writerStage = new byte[SealedStore.WRITE_CHUNK * BLOCK];
            byte[][] auth = new byte[n][];
            sealed.writeRun(p, c, blocks, n, auth, writerStage); // and the store may sync behind (BlockStore#syncBehind)
            return auth;
        })));
    }

    /** Waits for {@code b} and gives its blocks their new references (see the class comment). */
    private void settle(Batch b) throws ErrnoException {
        byte[][] auth;
        try {
            auth = waitFor(b.auth());
        } catch (ErrnoException | RuntimeException e) {
            for (Pending p : b.items()) {
                inFlight.remove(p.plain());
                sealed.unallocate(new long[] {p.block()});
            }
            throw e;
        }
        for (int i = 0; i < b.items().size(); i++) {
            Pending p = b.items().get(i);
            inFlight.remove(p.plain());
            p.tree().settle(p.index(), p.plain(), new Ref(p.block(), auth[i]));
        }
    }

    private static <T> T waitFor(Future<T> f) throws ErrnoException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the batch must be settled: it holds allocated blocks
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrnoException err) throw err;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw Errno.EIO.fail("write-behind: " + e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Waits for every batch in flight and settles it (before a commit). Errors: those of a failed batch (each batch is settled). */
    void drain() throws ErrnoException {
        ErrnoException failed = null;
        while (!batches.isEmpty()) {
            try {
                settle(batches.pollFirst());
            } catch (ErrnoException e) {
                if (failed == null) failed = e;
            }
        }
        if (failed != null) throw failed;
    }

    /** Seals every dirty block of every tree (before a commit writes the index blocks above them). */
    void sealAll() throws ErrnoException {
        drain();
        for (BlockTree t : new ArrayList<>(dirtyTrees)) {
            t.flushData();
            dirtyTrees.remove(t);
        }
    }

    /** Waits for the batches in flight, settling them when possible, and stops the writer thread (at unmount). */
    void close() {
        try {
            drain();
        } catch (ErrnoException | RuntimeException e) {
            // the volume is being released: what failed stays unreferenced
        }
        if (writer != null) writer.shutdown();
    }
}
