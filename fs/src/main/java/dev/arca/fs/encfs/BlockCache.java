package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
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
 */
final class BlockCache {
    static final int BLOCK = BlockStore.BLOCK_SIZE;

    private record Key(BlockTree tree, long index) {}

    private final SealedStore sealed;
    private final int cleanLimit;
    private final int dirtyLimit;
    private final LinkedHashMap<Key, byte[]> clean = new LinkedHashMap<>(256, 0.75f, true);
    private final LinkedHashSet<BlockTree> dirtyTrees = new LinkedHashSet<>();
    private int dirtyBlocks;

    /** @param cleanLimit clean blocks kept; @param dirtyLimit dirty blocks held before they are sealed */
    BlockCache(SealedStore sealed, int cleanLimit, int dirtyLimit) {
        this.sealed = sealed;
        this.cleanLimit = cleanLimit;
        this.dirtyLimit = dirtyLimit;
    }

    /** The plaintext of data block {@code index} of {@code t}, which {@code r} names; shared, never changed. */
    byte[] read(BlockTree t, long index, Ref r) throws ErrnoException {
        Key k = new Key(t, index);
        byte[] hit = clean.get(k);
        if (hit != null) return hit;
        byte[] plain = new byte[BLOCK];
        sealed.read(r, t.context(0, index), plain, t.ino, 0, index);
        keep(k, plain);
        return plain;
    }

    private void keep(Key k, byte[] plain) {
        clean.put(k, plain);
        if (clean.size() > cleanLimit) {
            var it = clean.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** {@code t} holds a new dirty block {@code index} (not sealed yet). */
    void dirtied(BlockTree t, long index) {
        dirtyTrees.add(t);
        dirtyBlocks++;
        clean.remove(new Key(t, index));
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
            clean.keySet().removeIf(k -> k.tree == t && k.index >= from && k.index < to);
        } else {
            for (long i = from; i < to; i++) clean.remove(new Key(t, i));
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
