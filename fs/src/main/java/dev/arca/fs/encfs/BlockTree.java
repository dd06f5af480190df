package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of one object (a file, a directory, a symbolic link, or the inode table) as a
 * Merkle tree: level 0 is the data blocks, each level above holds index blocks of up to {@link
 * #FANOUT} {@link Ref}s to the level below, and one reference at the top (in the inode record or
 * the superblock) covers it all. A null reference is a hole (zeros), so sparse files and index
 * blocks that cover only holes take no space.
 *
 * <p>Every reference is kept in memory while the volume is mounted (48 bytes per 4 KiB block);
 * data blocks are read on demand, checked ({@link SealedStore}) and cached ({@link BlockCache}).
 * Changes are copy-on-write: a changed block is sealed to a newly allocated place and the old one
 * is freed only once a commit no longer refers to it ({@link Allocator}), so the committed tree on
 * the host is never overwritten. All methods require the volume's lock.
 */
final class BlockTree {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    static final int FANOUT = BLOCK / Ref.SIZE; // 85
    static final byte[] ZERO = new byte[BLOCK];

    private final SealedStore sealed;
    private final BlockCache cache;
    final long ino;
    private long blocks; // logical data blocks
    private Ref[][] lv; // lv[0]: data refs; lv[k]: index refs of level k; lv[height].length == 1
    private BitSet[] dirtyIndex;
    /** Changed data blocks not yet sealed: logical index to plaintext. */
    private final TreeMap<Long, byte[]> dirty = new TreeMap<>();

    private BlockTree(SealedStore sealed, BlockCache cache, long ino) {
        this.sealed = sealed;
        this.cache = cache;
        this.ino = ino;
    }

    static BlockTree empty(SealedStore sealed, BlockCache cache, long ino) {
        BlockTree t = new BlockTree(sealed, cache, ino);
        t.shape(0);
        return t;
    }

    static int height(long n) {
        if (n <= 1) return 0;
        int h = 1;
        long cap = FANOUT;
        while (cap < n) {
            cap *= FANOUT;
            h++;
        }
        return h;
    }

    private void shape(long n) {
        blocks = n;
        int h = height(n);
        lv = new Ref[h + 1][];
        dirtyIndex = new BitSet[h + 1];
        long size = n;
        for (int k = 0; k <= h; k++) {
            lv[k] = new Ref[Math.toIntExact(size)];
            dirtyIndex[k] = new BitSet();
            size = (size + FANOUT - 1) / FANOUT;
        }
    }

    int height() {
        return lv.length - 1;
    }

    long blocks() {
        return blocks;
    }

    Ref root() {
        return blocks == 0 ? null : lv[height()][0];
    }

    boolean hasDirtyData() {
        return !dirty.isEmpty();
    }

    byte[] context(int level, long index) {
        return sealed.context(ino, level, index);
    }

    /** Rebuilds the tree's references from its root, checking every index block, and claims the blocks. */
    static BlockTree load(SealedStore sealed, BlockCache cache, long ino, Ref root, int height, long n) throws ErrnoException {
        BlockTree t = new BlockTree(sealed, cache, ino);
        t.shape(n);
        SecurityLog log = sealed.log();
        if (t.height() != height) throw log.damaged("inode " + ino + ": tree height " + height + " does not fit " + n + " blocks");
        if (n == 0) {
            if (root != null) throw log.damaged("inode " + ino + ": empty object with a root");
            return t;
        }
        t.lv[height][0] = root;
        byte[] plain = new byte[BLOCK];
        for (int k = height; k >= 1; k--) {
            for (int i = 0; i < t.lv[k].length; i++) {
                Ref r = t.lv[k][i];
                if (r == null) continue;
                sealed.claim(r, ino, k, i);
                sealed.read(r, t.context(k, i), plain, ino, k, i);
                ByteBuffer b = ByteBuffer.wrap(plain);
                int first = i * FANOUT;
                for (int j = 0; j < FANOUT; j++) {
                    Ref c = Ref.get(b);
                    if (first + j < t.lv[k - 1].length) {
                        t.lv[k - 1][first + j] = c;
                    } else if (c != null) {
                        throw log.damaged("inode " + ino + ": reference past the end at level " + k);
                    }
                }
            }
        }
        for (int i = 0; i < t.lv[0].length; i++) {
            if (t.lv[0][i] != null) sealed.claim(t.lv[0][i], ino, 0, i);
        }
        return t;
    }

    /** The plaintext of data block {@code index}; shared, never to be changed by the caller. */
    byte[] read(long index) throws ErrnoException {
        byte[] d = dirty.get(index);
        if (d != null) return d;
        if (index >= blocks) return ZERO;
        Ref r = lv[0][(int) index];
        if (r == null) return ZERO;
        return cache.read(this, index, r);
    }

    /** Replaces data block {@code index} (below {@link #blocks}) with {@code plain} (owned by the tree). */
    void write(long index, byte[] plain) {
        if (dirty.put(index, plain) == null) cache.dirtied(this, index);
        markPath(index);
    }

    /** The first {@code size} bytes of the content, as one array (a directory's entries, a link's target). */
    byte[] readBytes(long size) throws ErrnoException {
        if (size > Integer.MAX_VALUE - 8) throw sealed.log().damaged("inode " + ino + ": metadata object too large");
        byte[] out = new byte[(int) size];
        for (long i = 0; i * BLOCK < size; i++) {
            int n = (int) Math.min(BLOCK, size - i * BLOCK);
            System.arraycopy(read(i), 0, out, (int) (i * BLOCK), n);
        }
        return out;
    }

    /** Makes the content exactly {@code content}, writing only the blocks that change. */
    void writeBytes(byte[] content) throws ErrnoException {
        long nblocks = (content.length + BLOCK - 1) / BLOCK;
        resize(nblocks);
        for (int i = 0; i < nblocks; i++) {
            byte[] blk = Arrays.copyOfRange(content, i * BLOCK, i * BLOCK + BLOCK);
            if (!Arrays.equals(blk, read(i))) write(i, blk);
        }
    }

    private void markPath(long index) {
        long i = index;
        for (int k = 1; k <= height(); k++) {
            i /= FANOUT;
            dirtyIndex[k].set((int) i);
        }
    }

    /** Changes the number of data blocks; blocks past the end are dropped and freed. */
    void resize(long n) {
        if (n == blocks) return;
        long old = blocks;
        for (Map.Entry<Long, byte[]> e : dirty.tailMap(n, true).entrySet()) cache.dropped(this, e.getKey());
        dirty.tailMap(n, true).clear();
        cache.forget(this, n, old);
        if (height(n) != height()) {
            Ref[] data = lv[0];
            for (int k = 1; k < lv.length; k++) for (Ref r : lv[k]) sealed.release(r);
            for (long i = n; i < old; i++) sealed.release(data[(int) i]);
            shape(n);
            System.arraycopy(data, 0, lv[0], 0, (int) Math.min(n, old));
            for (int k = 1; k < lv.length; k++) dirtyIndex[k].set(0, lv[k].length);
            return;
        }
        long size = n;
        for (int k = 0; k < lv.length; k++) {
            for (int i = (int) size; i < lv[k].length; i++) sealed.release(lv[k][i]);
            lv[k] = Arrays.copyOf(lv[k], (int) size);
            if (k > 0) dirtyIndex[k].clear((int) size, Integer.MAX_VALUE);
            size = (size + FANOUT - 1) / FANOUT;
        }
        blocks = n;
        if (n > 0) markPath(n - 1);
    }

    /** Seals every changed data block to a new place (no commit: the committed tree is untouched). */
    void flushData() throws ErrnoException {
        while (!dirty.isEmpty()) {
            Map.Entry<Long, byte[]> e = dirty.firstEntry();
            int i = (int) (long) e.getKey();
            Ref old = lv[0][i];
            lv[0][i] = isZero(e.getValue()) ? null : sealed.write(e.getValue(), context(0, i));
            sealed.release(old);
            dirty.pollFirstEntry();
            cache.sealed(this, i, e.getValue());
        }
    }

    /** Rewrites the changed index blocks, bottom-up. Requires {@link #flushData} first. */
    void commitIndex() throws ErrnoException {
        byte[] plain = new byte[BLOCK];
        for (int k = 1; k < lv.length; k++) {
            BitSet d = dirtyIndex[k];
            for (int i = d.nextSetBit(0); i >= 0; i = d.nextSetBit(i + 1)) {
                ByteBuffer b = ByteBuffer.wrap(plain);
                Arrays.fill(plain, (byte) 0);
                boolean any = false;
                int first = i * FANOUT;
                for (int j = 0; j < FANOUT && first + j < lv[k - 1].length; j++) {
                    Ref c = lv[k - 1][first + j];
                    any |= c != null;
                    Ref.putNullable(b, c);
                }
                Ref old = lv[k][i];
                lv[k][i] = any ? sealed.write(plain, context(k, i)) : null;
                sealed.release(old);
                d.clear(i);
            }
        }
    }

    /** Frees every block of the tree (the object is gone). */
    void releaseAll() {
        for (Long i : dirty.keySet()) cache.dropped(this, i);
        dirty.clear();
        cache.forget(this, 0, blocks);
        for (Ref[] level : lv) for (Ref r : level) sealed.release(r);
        shape(0);
    }

    static boolean isZero(byte[] b) {
        return Arrays.equals(b, ZERO);
    }
}
