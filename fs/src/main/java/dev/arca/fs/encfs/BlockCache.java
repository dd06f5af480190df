package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;

/**
 * Plaintext of data blocks in memory: clean blocks already verified, and the count of changed
 * blocks the {@link BlockTree}s hold until they are sealed.
 *
 * <p>Contract: a clean block is cached only after it was read and verified, or sealed, so a hit
 * needs no check and always equals what the store's block opens to; at most {@code cleanLimit}
 * are kept, the least recently used dropped first. A tree reports each block it makes dirty
 * ({@link #dirtied}) and each it seals or drops; once more than {@code dirtyLimit} are held,
 * {@link #relieve} seals them all to new places (write-behind: the committed tree is not touched,
 * so this needs no commit and breaks no crash guarantee). Index blocks are not cached: every
 * reference is held by its tree. Not thread-safe: the volume calls it under its lock.
 *
 * <p>Arrays are recycled: a block dropped from the cache gives its array to the next block read
 * or written ({@link #buffer}), so streaming a large file allocates nothing per block (the
 * garbage collector copying the cache's blocks was a large part of the cost). Hence the rule
 * for every caller: an array {@link #read} or {@link BlockTree#read} returns is valid only until
 * the next call into the cache or any tree of the volume; use it at once, or copy it.
 */
final class BlockCache {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    /** Spare arrays kept for reuse. */
    private static final int SPARE_LIMIT = 1024;

    private record Key(BlockTree tree, long index) {}

    private final SealedStore sealed;
    private final int cleanLimit;
    private final int dirtyLimit;
    private final LinkedHashMap<Key, byte[]> clean = new LinkedHashMap<>(256, 0.75f, true);
    private final LinkedHashSet<BlockTree> dirtyTrees = new LinkedHashSet<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private int dirtyBlocks;

    /** @param cleanLimit clean blocks kept; @param dirtyLimit dirty blocks held before they are sealed */
    BlockCache(SealedStore sealed, int cleanLimit, int dirtyLimit) {
        this.sealed = sealed;
        this.cleanLimit = cleanLimit;
        this.dirtyLimit = dirtyLimit;
    }

    /** An array of one block, recycled when one is spare; its content is undefined. */
    byte[] buffer() {
        byte[] b = spare.poll();
        return b != null ? b : new byte[BLOCK];
    }

    /** {@code b} (a block's array no one refers to any more) may be reused. */
    void recycle(byte[] b) {
        if (b != null && b.length == BLOCK && b != BlockTree.ZERO && spare.size() < SPARE_LIMIT) spare.push(b);
    }

    /** The cached plaintext of data block {@code index} of {@code t}, or null. */
    byte[] peek(BlockTree t, long index) {
        return clean.get(new Key(t, index));
    }

    /** The plaintext of data block {@code index} of {@code t}, which {@code r} names; shared, never changed. */
    byte[] read(BlockTree t, long index, Ref r) throws ErrnoException {
        byte[] hit = peek(t, index);
        if (hit != null) return hit;
        load(t, index, new Ref[] {r}, 1);
        return peek(t, index);
    }

    /**
     * Reads, checks and caches data blocks {@code first} to {@code first + n - 1} of {@code t},
     * which {@code refs} name (none null, none cached or dirty): the block {@code first} is the one
     * needed, the others are read ahead. Errors: EIO when the block {@code first} is tampered with
     * (one security line); a tampered block read ahead is only left out, and reported when it is
     * needed.
     */
    void load(BlockTree t, long first, Ref[] refs, int n) throws ErrnoException {
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

    /** Seals every dirty block once more than the limit is held. */
    void relieve() throws ErrnoException {
        if (dirtyBlocks > dirtyLimit) sealAll();
    }

    /** Seals every dirty block of every tree (before a commit writes the index blocks above them). */
    void sealAll() throws ErrnoException {
        for (BlockTree t : new ArrayList<>(dirtyTrees)) {
            t.flushData();
            dirtyTrees.remove(t);
        }
    }
}
