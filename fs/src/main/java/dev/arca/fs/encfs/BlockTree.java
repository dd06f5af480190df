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
    /**
     * lv[0]: data refs, {@link #blocks} of them; lv[k]: index refs of level k; lv[height] has one.
     * Each level is a {@link Refs}: a sparse file costs memory for the blocks it has, not for its length.
     */
    private Refs[] lv;
    private BitSet[] dirtyIndex; // levels 1 and up (level 0's changes are in dirty); none for a tree of height 0
    /** Changed data blocks not yet sealed: logical index to plaintext (made at the first change: most inodes never change). */
    private TreeMap<Long, byte[]> dirty = NONE;
    private static final TreeMap<Long, byte[]> NONE = new TreeMap<>(); // shared and always empty: replaced before any put
    private static final BitSet[] NO_INDEX = new BitSet[1];
    /** Where the next read would start if the reader goes on sequentially, and how far ahead to read then. */
    private long nextRead = -1;
    private int ahead;
    /** Blocks read ahead, at most, once reads are sequential: 1 MiB. */
    static final int READ_AHEAD = 256;

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
        lv = new Refs[h + 1];
        dirtyIndex = h == 0 ? NO_INDEX : new BitSet[h + 1];
        long size = n;
        for (int k = 0; k <= h; k++) {
            lv[k] = new Refs(size);
            lv[k].owned = owned;
            if (k > 0) dirtyIndex[k] = new BitSet();
            size = (size + FANOUT - 1) / FANOUT;
        }
    }

    /** The number of references at level {@code k}. */
    private int len(int k) {
        return (int) lv[k].length();
    }

    /**
     * A level's references, most of them null in a sparse object: kept in chunks of {@value
     * #CHUNK}, each made when a reference is first stored in it (until 2026-12-05 one array as
     * long as the level: a 64 GiB sparse file held 16 million slots, 70 MB of heap, once read).
     */
    static final class Refs {
        static final int SHIFT = 10, CHUNK = 1 << SHIFT;
        private static final Ref[][] NO_CHUNKS = new Ref[0][];
        private Ref[][] chunks = NO_CHUNKS;
        private long length;
        /** When the tree's blocks are tracked ({@link #trackedBlocks}): every block a reference of this level names. */
        private BitSet owned;

        Refs(long length) {
            setLength(length);
        }

        long length() {
            return length;
        }

        Ref get(long i) {
            Ref[] c = chunks[(int) (i >>> SHIFT)];
            return c == null ? null : c[(int) (i & (CHUNK - 1))];
        }

        void set(long i, Ref r) {
            int ci = (int) (i >>> SHIFT);
            Ref[] c = chunks[ci];
            if (c == null) {
                if (r == null) return;
                c = chunks[ci] = new Ref[CHUNK];
            }
            int j = (int) (i & (CHUNK - 1));
            if (owned != null) {
                if (c[j] != null) owned.clear((int) c[j].block());
                if (r != null) owned.set((int) r.block());
            }
            c[j] = r;
        }

        long slots() {
            long n = 0;
            for (Ref[] c : chunks) if (c != null) n += CHUNK;
            return n;
        }

        /** Sets the length; references past it are dropped (the caller released them). */
        void setLength(long n) {
            long need = (n + CHUNK - 1) >>> SHIFT;
            if (need > chunks.length) {
                chunks = Arrays.copyOf(chunks, (int) Math.max(need, Math.min(2L * chunks.length, Integer.MAX_VALUE - 8)));
            }
            if (n < length) {
                if (owned != null) forEach(n, (i, r) -> owned.clear((int) r.block()));
                for (long i = (n + CHUNK - 1) >>> SHIFT; i < chunks.length; i++) chunks[(int) i] = null;
                if (n % CHUNK != 0 && chunks[(int) (n >>> SHIFT)] != null) {
                    Arrays.fill(chunks[(int) (n >>> SHIFT)], (int) (n % CHUNK), CHUNK, null);
                }
            }
            length = n;
        }

        /** Calls {@code f} with each reference that is not null at {@code from} or beyond, in order. */
        <E extends Exception> void forEach(long from, RefConsumer<E> f) throws E {
            for (long ci = from >>> SHIFT; ci < (length + CHUNK - 1) >>> SHIFT; ci++) {
                Ref[] c = chunks[(int) ci];
                if (c == null) continue;
                long base = ci << SHIFT;
                for (int j = (int) Math.max(0, from - base); j < CHUNK && base + j < length; j++) {
                    if (c[j] != null) f.accept(base + j, c[j]);
                }
            }
        }
    }

    interface RefConsumer<E extends Exception> {
        void accept(long index, Ref r) throws E;
    }

    int height() {
        return lv.length - 1;
    }

    long blocks() {
        return blocks;
    }

    Ref root() {
        return blocks == 0 ? null : lv[height()].get(0);
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
        t.lv[height].set(0, root);
        byte[] plain = new byte[BLOCK];
        for (int k = height; k >= 1; k--) {
            final int level = k;
            t.lv[k].<ErrnoException>forEach(0, (i, r) -> {
                sealed.claim(r, ino, level, i);
                sealed.read(r, t.context(level, i), plain, ino, level, i);
                ByteBuffer b = ByteBuffer.wrap(plain);
                long first = i * FANOUT;
                for (int j = 0; j < FANOUT; j++) {
                    Ref c = Ref.get(b);
                    if (first + j < t.len(level - 1)) {
                        t.lv[level - 1].set(first + j, c);
                    } else if (c != null) {
                        throw log.damaged("inode " + ino + ": reference past the end at level " + level);
                    }
                }
            });
        }
        t.lv[0].<ErrnoException>forEach(0, (i, r) -> sealed.claim(r, ino, 0, i));
        return t;
    }

    /**
     * The plaintext of data block {@code index}; shared, never to be changed by the caller, and
     * valid only until the next call into a tree or the cache (see {@link BlockCache}).
     */
    byte[] read(long index) throws ErrnoException {
        byte[] d = dirty.get(index);
        if (d != null) return d;
        if (index >= blocks) return ZERO;
        Ref r = lv[0].get(index);
        if (r == null) return ZERO;
        return cache.read(this, index, r);
    }

    /**
     * Copies {@code n} bytes from byte {@code position} (below the content's end) into {@code
     * dst}. Blocks not in memory are read in runs: the blocks this read needs that lie in a row,
     * and, when the reads go on sequentially, up to {@link #READ_AHEAD} blocks past them, read
     * ahead (checked, and cached; a tampered block read ahead fails only the read that needs it).
     */
    void read(long position, int n, java.nio.ByteBuffer dst) throws ErrnoException {
        long first = position / BLOCK, last = (position + n - 1) / BLOCK;
        ahead = position == nextRead ? READ_AHEAD : 0;
        nextRead = position + n;
        readBlocks(position, n, dst, first, last);
    }

    private void readBlocks(long position, int n, java.nio.ByteBuffer dst, long first, long last) throws ErrnoException {
        int done = 0;
        for (long i = first; i <= last; i++) {
            int off = (int) ((position + done) % BLOCK);
            int len = Math.min(BLOCK - off, n - done);
            byte[] d = dirty.get(i);
            if (d == null) d = i < blocks && lv[0].get(i) != null ? cached(i, last) : ZERO;
            dst.put(d, off, len);
            done += len;
        }
    }

    /** Data block {@code i} (clean, not a hole) from the cache, loading it with a run up to {@code last} and beyond. */
    private byte[] cached(long i, long last) throws ErrnoException {
        byte[] hit = cache.peek(this, i);
        if (hit != null) return hit;
        long end = Math.min(blocks, Math.max(last + 1, i + ahead));
        int n = 0;
        Ref[] refs = new Ref[(int) Math.min(end - i, Math.min(4 * READ_AHEAD, cache.runLimit()))];
        for (long j = i; j < end && n < refs.length; j++, n++) {
            Ref r = lv[0].get(j);
            if (r == null || (j > i && (dirty.containsKey(j) || cache.peek(this, j) != null))) break;
            refs[n] = r;
        }
        return cache.load(this, i, refs, n);
    }

    /** For tests: the reference of data block {@code index} (null: a hole, or not sealed yet). */
    Ref dataRef(long index) {
        return index < blocks ? lv[0].get(index) : null;
    }

    /** An array for a block to be {@link #write}n, recycled when one is spare. */
    byte[] buffer() {
        return cache.buffer();
    }

    /** Replaces data block {@code index} (below {@link #blocks}) with {@code plain} (owned by the tree). */
    void write(long index, byte[] plain) {
        if (dirty == NONE) dirty = new TreeMap<>();
        byte[] old = dirty.put(index, plain);
        if (old == null) {
            cache.dirtied(this, index);
        } else if (old != plain) {
            cache.recycle(old); // not if the writer thread holds it
        }
        markPath(index);
    }

    /**
     * For a write-behind batch: up to {@code max} dirty blocks not in {@code busy}, their indexes
     * and plaintexts added to the lists. Blocks of zeros become holes here and now.
     */
    void takeDirty(int max, java.util.Set<byte[]> busy, java.util.List<Long> indexes, java.util.List<byte[]> plains) {
        int taken = 0;
        var it = dirty.entrySet().iterator();
        while (it.hasNext() && taken < max) {
            Map.Entry<Long, byte[]> e = it.next();
            byte[] plain = e.getValue();
            long index = e.getKey();
            if (busy.contains(plain)) continue;
            if (isZero(plain)) {
                Ref old = lv[0].get(index);
                lv[0].set(index, null);
                sealed.release(old);
                it.remove(); // (a TreeMap may reuse e for the next entry: read it before)
                cache.sealed(this, index, plain);
                continue;
            }
            indexes.add(index);
            plains.add(plain);
            taken++;
        }
    }

    /**
     * A write-behind batch sealed block {@code index} as {@code plain} to {@code r}: the block
     * takes the reference if it still holds that plaintext; otherwise (written again, cut off,
     * or the object freed) the new place is given back.
     */
    void settle(long index, byte[] plain, Ref r) {
        if (dirty.get(index) != plain) {
            sealed.release(r);
            return;
        }
        dirty.remove(index);
        Ref old = lv[0].get(index);
        lv[0].set(index, r);
        sealed.release(old);
        cache.sealed(this, index, plain);
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
        if (dirty != NONE) { // NONE is shared: never written, not even by clear
            for (Map.Entry<Long, byte[]> e : dirty.tailMap(n, true).entrySet()) cache.dropped(this, e.getKey());
            dirty.tailMap(n, true).clear();
        }
        cache.forget(this, n, old);
        if (height(n) != height()) {
            Refs data = lv[0];
            for (int k = 1; k < lv.length; k++) {
                releaseFrom(lv[k], 0);
                lv[k].setLength(0); // the level is dropped: its blocks leave the tracked set
            }
            releaseFrom(data, n);
            data.setLength(n);
            shape(n);
            lv[0] = data;
            // every index block over a block that is there is made anew (the others are holes)
            data.forEach(0, (i, r) -> markPath(i));
            for (long i : dirty.keySet()) markPath(i);
            if (n > 0) markPath(n - 1);
            return;
        }
        long size = n;
        for (int k = 0; k < lv.length; k++) {
            releaseFrom(lv[k], size);
            lv[k].setLength(size);
            if (k > 0) dirtyIndex[k].clear((int) size, Integer.MAX_VALUE);
            size = (size + FANOUT - 1) / FANOUT;
        }
        blocks = n;
        if (n > 0) markPath(n - 1);
    }

    /** Releases the references of {@code level} at {@code from} and beyond. */
    private void releaseFrom(Refs level, long from) {
        level.forEach(from, (i, r) -> sealed.release(r));
    }

    /**
     * Seals every changed data block to a new place (no commit: the committed tree is untouched),
     * all as one run ({@link SealedStore#writeAll}): all or nothing.
     */
    void flushData() throws ErrnoException {
        flushData(java.util.Set.of());
    }

    /** {@link #flushData}, leaving dirty the blocks whose plaintext is in {@code busy} (a write-behind batch holds them). */
    void flushData(java.util.Set<byte[]> busy) throws ErrnoException {
        if (dirty.isEmpty()) return;
        int n = 0;
        byte[][] plains = new byte[dirty.size()][];
        byte[][] contexts = new byte[dirty.size()][];
        for (Map.Entry<Long, byte[]> e : dirty.entrySet()) {
            if (isZero(e.getValue()) || busy.contains(e.getValue())) continue; // a hole, or in flight
            plains[n] = e.getValue();
            contexts[n++] = context(0, e.getKey());
        }
        Ref[] refs = new Ref[n];
        sealed.writeAll(plains, contexts, n, refs);
        int j = 0;
        var it = dirty.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, byte[]> e = it.next();
            byte[] plain = e.getValue();
            long i = e.getKey();
            if (busy.contains(plain)) continue;
            it.remove(); // (a TreeMap may reuse e for the next entry: read it before)
            Ref old = lv[0].get(i);
            lv[0].set(i, j < n && plains[j] == plain ? refs[j++] : null);
            sealed.release(old);
            cache.sealed(this, i, plain);
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
                long first = (long) i * FANOUT;
                for (int j = 0; j < FANOUT && first + j < len(k - 1); j++) {
                    Ref c = lv[k - 1].get(first + j);
                    any |= c != null;
                    Ref.putNullable(b, c);
                }
                Ref old = lv[k].get(i);
                lv[k].set(i, any ? sealed.write(plain, context(k, i)) : null);
                sealed.release(old);
                d.clear(i);
            }
        }
    }

    /** Every block the tree refers to, kept up to date as references change once asked for; null until then. */
    private BitSet owned;

    /**
     * The blocks the tree refers to now (data and index), as a set the tree keeps up to date from
     * this call on: made by one walk, then changed with each reference stored or dropped, so a
     * caller that needs it at every commit (the space map leaves the inode table's blocks out)
     * pays for the changes, not for the tree's size. The caller must not change it.
     */
    BitSet trackedBlocks() {
        if (owned == null) {
            BitSet b = new BitSet();
            forEachBlock(x -> b.set((int) x));
            owned = b;
            for (Refs level : lv) level.owned = b;
        }
        return owned;
    }

    /** Calls {@code f} with every block the tree refers to now (data and index; dirty data has none yet). */
    void forEachBlock(java.util.function.LongConsumer f) {
        for (Refs level : lv) level.forEach(0, (i, r) -> f.accept(r.block()));
    }

    /** For tests: the reference slots the tree holds in memory (chunks of {@link Refs#CHUNK}, every level). */
    long refSlots() {
        long n = 0;
        for (Refs level : lv) n += level.slots();
        return n;
    }

    SecurityLog log() {
        return sealed.log();
    }

    /** Frees every block of the tree (the object is gone). */
    void releaseAll() {
        for (Long i : dirty.keySet()) cache.dropped(this, i);
        if (dirty != NONE) dirty.clear();
        cache.forget(this, 0, blocks);
        for (Refs level : lv) releaseFrom(level, 0);
        shape(0);
    }

    static boolean isZero(byte[] b) {
        return Arrays.equals(b, ZERO);
    }
}
