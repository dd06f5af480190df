package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.Stat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Arrays;
import java.util.List;

/**
 * The inode table: object 0 of the volume, a {@link BlockTree} of {@value #RECORD}-byte records,
 * record i for inode i (record 0 unused, inode {@value #ROOT} the root directory). An inode is
 * read from its record when first needed (the first use of a name of it) and kept in memory by
 * number while the volume is mounted; a volume in the format before 2026-12-05 (no {@link
 * SpaceMap}) has every record read at mount ({@link #loadAll}).
 *
 * <p>Record layout: type (1; 0 is a free record, {@link #SPACE_MAP} the volume's space map, else
 * a WASI file type), content tree height (1), zeros (2), links (4), content size (8), atime,
 * mtime, ctime (8 each, nanoseconds), the content tree's root {@link Ref} (48), a directory's
 * subdirectory count (8; its link count is 2 more, known without reading its entries), a
 * directory's format (0, 1 or 2: see {@link EncNode}), zeros. A
 * directory's content is its entries, a symbolic link's its target (see {@link EncNode}).
 *
 * <p>Contract: {@link #write} and {@link #free} change the working table only; the commit seals it.
 * A new inode number is the lowest one free at or above a hint that a freed number lowers, so
 * numbers are reused and the same sequence of changes gives the same numbers (images are
 * deterministic). The numbers in use are a bitmap (a bit per number), so the lowest free one is a
 * search of 64 numbers per step from the hint, never a walk of the inodes (until 2026-12-04 every
 * create after a removal probed the inode map number by number up to the next free one: with a
 * million inodes, a million probes); it is stored in the space map, with the orphans (inodes
 * with no name that a descriptor still held when their record was written: freed at the next
 * mount). Not thread-safe: the volume calls it under its lock.
 */
final class InodeTable {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    static final int RECORD = 128;
    static final long ROOT = 1;
    /** The record type of the space map, an object no directory names. */
    static final byte SPACE_MAP = 0x40;

    /** Makes the inode object for a record read from the table ({@code subdirectories} -1: the record's format has no count). */
    interface Loader {
        EncNode node(long ino, byte type, BlockTree content, long size, long links, long atime, long mtime, long ctime,
                long subdirectories, byte format) throws ErrnoException;
    }

    /** A record as stored: type 0 is a free one. */
    record Record(byte type, int height, long links, long size, long atime, long mtime, long ctime, Ref root, long subdirectories,
            byte format) {}

    private final BlockTree table;
    private final SealedStore sealed;
    private final BlockCache cache;
    private final Loader loader;
    private EncNode[] nodes = new EncNode[64]; // by number: the inodes in memory (an array: 4-8 bytes an inode, not a map entry and a boxed key)
    private int held; // nodes[] that are not null
    // inodes dropped from memory (dropped) that something may still hold: the same object is given again while it lives
    private final java.util.HashMap<Integer, Dropped> dropped = new java.util.HashMap<>();
    private final java.lang.ref.ReferenceQueue<EncNode> collected = new java.lang.ref.ReferenceQueue<>();
    private final BitSet used; // the numbers in use (below 2^31: see allocate)
    private final java.util.TreeSet<Long> orphans = new java.util.TreeSet<>(); // records written with no link, not freed
    private long hint = ROOT + 1; // every number from ROOT + 1 below it is in use
    private boolean countsStored = true; // false: a table of the format before the space map, whose records have no subdirectory count

    private InodeTable(BlockTree table, SealedStore sealed, BlockCache cache, Loader loader, BitSet used) {
        this.table = table;
        this.sealed = sealed;
        this.cache = cache;
        this.loader = loader;
        this.used = used;
    }

    static InodeTable empty(BlockTree table, SealedStore sealed, BlockCache cache, Loader loader) {
        return new InodeTable(table, sealed, cache, loader, new BitSet());
    }

    /** A table whose records are read on demand, once {@link #restore} gave it what the space map stored. */
    static InodeTable lazy(BlockTree table, SealedStore sealed, BlockCache cache, Loader loader) {
        return new InodeTable(table, sealed, cache, loader, new BitSet());
    }

    /** The numbers in use and the orphans, as the space map stored them. Errors: EIO when the root is not a directory. */
    void restore(BitSet inUse, long[] orphanList) throws ErrnoException {
        used.or(inUse);
        for (long o : orphanList) orphans.add(o);
        checkRoot();
    }

    /** Reads every record of {@code table}, checking it, and makes its inode (the format without a space map). */
    static InodeTable loadAll(BlockTree table, SealedStore sealed, BlockCache cache, Loader loader) throws ErrnoException {
        InodeTable t = new InodeTable(table, sealed, cache, loader, new BitSet());
        t.countsStored = false;
        SecurityLog log = sealed.log();
        long records = table.blocks() * (BLOCK / RECORD);
        if (records > Integer.MAX_VALUE) throw log.damaged("inode table of " + table.blocks() + " blocks: more inodes than a volume has");
        for (long ino = 1; ino < records; ino++) {
            Record r = t.record(ino);
            if (r.type() == 0) continue;
            if (r.type() == SPACE_MAP) throw log.damaged("inode " + ino + ": a space map in a volume without one");
            t.used.set((int) ino);
            t.add(t.make(ino, r));
        }
        t.checkRoot();
        return t;
    }

    private void checkRoot() throws ErrnoException {
        EncNode root = get(ROOT);
        if (root == null || root.filetype() != Wasi.FILETYPE_DIRECTORY) throw sealed.log().damaged("no root directory");
    }

    /** The table's own tree (the superblock names its root). */
    BlockTree tree() {
        return table;
    }

    /**
     * Inode {@code ino}, read from its record the first time; null when no inode has the number.
     * Errors: EIO when its record or its tree is damaged or tampered with.
     */
    EncNode get(long ino) throws ErrnoException {
        if (ino < 1 || ino >= Integer.MAX_VALUE || !used.get((int) ino)) return null;
        if (ino < nodes.length && nodes[(int) ino] != null) return nodes[(int) ino];
        EncNode alive = held(ino);
        if (alive != null) {
            add(alive); // held again
            return alive;
        }
        Record r = record(ino);
        if (r.type() == 0) throw sealed.log().damaged("inode " + ino + " is in use but its record is free");
        if (r.type() == SPACE_MAP) return null; // not a node: no directory may name it
        EncNode n = make(ino, r);
        add(n);
        return n;
    }

    private EncNode make(long ino, Record r) throws ErrnoException {
        SecurityLog log = sealed.log();
        if (r.type() < 0 || r.type() > Wasi.FILETYPE_SYMBOLIC_LINK) throw log.damaged("inode " + ino + ": unknown type " + r.type());
        if (r.size() < 0) throw log.damaged("inode " + ino + ": negative size");
        BlockTree content = tree(ino, r);
        return loader.node(ino, r.type(), content, r.size(), r.links(), r.atime(), r.mtime(), r.ctime(),
                countsStored ? r.subdirectories() : -1, r.format());
    }

    /** The content tree a record names (its blocks claimed: see {@link BlockTree#load}). */
    BlockTree tree(long ino, Record r) throws ErrnoException {
        long nblocks = (r.size() + BLOCK - 1) / BLOCK;
        return BlockTree.load(sealed, cache, ino, r.root(), r.height(), nblocks);
    }

    /** Record {@code ino} as stored (a free one past the table's end). */
    Record record(long ino) throws ErrnoException {
        if (blockIndex(ino) >= table.blocks()) return new Record((byte) 0, 0, 0, 0, 0, 0, 0, null, 0, (byte) 0);
        byte[] blk = table.read(blockIndex(ino));
        ByteBuffer b = ByteBuffer.wrap(blk, (int) (ino * RECORD % BLOCK), RECORD);
        byte type = b.get();
        int height = b.get();
        b.getShort();
        long links = b.getInt() & 0xFFFFFFFFL;
        long size = b.getLong();
        long atime = b.getLong(), mtime = b.getLong(), ctime = b.getLong();
        Ref root = Ref.get(b);
        long subdirectories = b.getLong();
        if (subdirectories < 0) throw sealed.log().damaged("inode " + ino + ": negative subdirectory count");
        byte format = b.get();
        return new Record(type, height, links, size, atime, mtime, ctime, root, subdirectories, format);
    }

    /** Every inode, in number order, each read now if it was not (a copy: the caller may free some). */
    Collection<EncNode> all() throws ErrnoException {
        List<EncNode> all = new ArrayList<>(used.cardinality());
        for (int i = used.nextSetBit(0); i >= 0; i = used.nextSetBit(i + 1)) {
            EncNode n = get(i);
            if (n != null) all.add(n);
        }
        return all;
    }

    /** How many inodes the table holds in memory (read or made, not dropped). */
    int inMemory() {
        return held;
    }

    /** Inode {@code ino} if it is in memory, held by the table or by anything else; never read. */
    EncNode held(long ino) {
        if (ino < 1 || ino >= nodes.length) return null;
        if (nodes[(int) ino] != null) return nodes[(int) ino];
        forgetCollected();
        Dropped d = dropped.get((int) ino);
        return d == null ? null : d.get();
    }

    /**
     * The table lets go of {@code n}, which its directory names by number only now: it is read
     * again at its next use, unless something still holds it, in which case that same object is
     * given again (two objects for one inode would each commit their own state).
     */
    void drop(EncNode n) {
        int ino = Math.toIntExact(n.inode());
        if (ino >= nodes.length || nodes[ino] != n) return;
        nodes[ino] = null;
        held--;
        forgetCollected();
        dropped.put(ino, new Dropped(n, ino, collected));
    }

    /** Forgets the dropped inodes the collector took (nothing held them: the next use reads them). */
    private void forgetCollected() {
        for (java.lang.ref.Reference<? extends EncNode> r; (r = collected.poll()) != null; ) {
            Dropped d = (Dropped) r;
            dropped.remove(d.ino, d);
        }
    }

    private static final class Dropped extends java.lang.ref.WeakReference<EncNode> {
        final int ino;

        Dropped(EncNode n, int ino, java.lang.ref.ReferenceQueue<EncNode> q) {
            super(n, q);
            this.ino = ino;
        }
    }

    /** The numbers in use (the space map stores them). */
    BitSet used() {
        return used;
    }

    /** Inodes whose record was written with no link and that are not freed (the space map stores them). */
    java.util.SortedSet<Long> orphans() {
        return orphans;
    }

    /** A number no inode has (see the class comment). Errors: ENOSPC past 2^31 - 1 inodes. */
    long allocate() throws ErrnoException {
        int ino = used.nextClearBit((int) Math.max(ROOT + 1, hint));
        if (ino < 0 || ino == Integer.MAX_VALUE) throw dev.arca.abi.Errno.ENOSPC.fail("no inode number left");
        hint = ino + 1L;
        used.set(ino);
        return ino;
    }

    /** Keeps {@code n} (just made, under a number from {@link #allocate}) in memory. */
    void add(EncNode n) {
        int ino = Math.toIntExact(n.inode());
        if (ino >= nodes.length) nodes = Arrays.copyOf(nodes, Math.max(ino + 1, (int) Math.min(2L * nodes.length, Integer.MAX_VALUE - 8)));
        if (nodes[ino] == null) held++;
        nodes[ino] = n;
        dropped.remove(ino);
        used.set(ino);
    }

    /** Writes the record of {@code n} (a zeroed one if it was released). */
    void write(EncNode n) throws ErrnoException {
        if (n.released()) {
            ByteBuffer b = recordToWrite(n.inode());
            b.put(new byte[RECORD]);
            table.write(blockIndex(n.inode()), b.array());
            return;
        }
        Stat st = n.stat();
        long links = n.links();
        if (links == 0) orphans.add(n.inode()); else orphans.remove(n.inode());
        writeRecord(n.inode(), n.filetype(), n.content, n.contentSize(), links, st.atime(), st.mtime(), st.ctime(),
                n.filetype() == Wasi.FILETYPE_DIRECTORY ? n.subdirectories() : 0, n.directoryFormat());
    }

    /** Writes record {@code ino} (the table grown to hold it). */
    void writeRecord(long ino, byte type, BlockTree content, long size, long links, long atime, long mtime, long ctime,
            long subdirectories, byte format) throws ErrnoException {
        ByteBuffer b = recordToWrite(ino);
        b.put(type).put((byte) content.height()).putShort((short) 0).putInt((int) links).putLong(size)
                .putLong(atime).putLong(mtime).putLong(ctime);
        Ref.putNullable(b, content.root());
        b.putLong(subdirectories);
        b.put(format);
        b.put(new byte[RECORD - 97]);
        table.write(blockIndex(ino), b.array());
    }

    /** Frees inode {@code ino}: its record is zeroed and its number may be reused. */
    void free(long ino) throws ErrnoException {
        if (ino < nodes.length && nodes[(int) ino] != null) {
            nodes[(int) ino] = null;
            held--;
        }
        dropped.remove((int) ino);
        used.clear(Math.toIntExact(ino));
        orphans.remove(ino);
        hint = Math.min(hint, ino);
        ByteBuffer b = recordToWrite(ino);
        b.put(new byte[RECORD]);
        table.write(blockIndex(ino), b.array());
        // the table ends with the block of the highest inode in use (its blocks past that go back)
        long keep = blockIndex(Math.max(ROOT, used.length() - 1)) + 1;
        if (keep < table.blocks()) table.resize(keep);
    }

    private static long blockIndex(long ino) {
        return ino * RECORD / BLOCK;
    }

    /** A copy of the block holding record {@code ino}, positioned at the record (the table grown to hold it). */
    private ByteBuffer recordToWrite(long ino) throws ErrnoException {
        long bi = blockIndex(ino);
        if (table.blocks() <= bi) table.resize(bi + 1);
        byte[] blk = table.read(bi).clone();
        return ByteBuffer.wrap(blk, (int) (ino * RECORD % BLOCK), RECORD);
    }
}
