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
 * record i for inode i (record 0 unused, inode {@value #ROOT} the root directory), and every inode
 * of the volume in memory, by number, while it is mounted.
 *
 * <p>Record layout: type (1; 0 is a free record, else a WASI file type), content tree height (1),
 * zeros (2), links (4), content size (8), atime, mtime, ctime (8 each, nanoseconds), the content
 * tree's root {@link Ref} (48), zeros. A directory's content is its entries, a symbolic link's its
 * target (see {@link EncNode}).
 *
 * <p>Contract: {@link #write} and {@link #free} change the working table only; the commit seals it.
 * A new inode number is the lowest one free at or above a hint that a freed number lowers, so
 * numbers are reused and the same sequence of changes gives the same numbers (images are
 * deterministic). The numbers in use are a bitmap (a bit per number), so the lowest free one is a
 * search of 64 numbers per step from the hint, never a walk of the inodes (until 2026-12-04 every
 * create after a removal probed the inode map number by number up to the next free one: with a
 * million inodes, a million probes). Every inode is held in memory; a volume that must scale
 * further replaces this part. Not thread-safe: the volume calls it under its lock.
 */
final class InodeTable {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    static final int RECORD = 128;
    static final long ROOT = 1;

    /** Makes the inode object for a record read at mount. */
    interface Loader {
        EncNode node(long ino, byte type, BlockTree content, long size, long links, long atime, long mtime, long ctime)
                throws ErrnoException;
    }

    private final BlockTree table;
    private EncNode[] nodes = new EncNode[64]; // by number (an array: 8 bytes an inode, not a map entry and a boxed key)
    private final BitSet used = new BitSet(); // the numbers of the inodes in nodes (below 2^31: see allocate)
    private long hint = ROOT + 1; // every number from ROOT + 1 below it is in use

    private InodeTable(BlockTree table) {
        this.table = table;
    }

    static InodeTable empty(BlockTree table) {
        return new InodeTable(table);
    }

    /** Reads every record of {@code table}, checking it, and makes its inode with {@code loader}. */
    static InodeTable load(BlockTree table, SealedStore sealed, BlockCache cache, Loader loader) throws ErrnoException {
        InodeTable t = new InodeTable(table);
        SecurityLog log = sealed.log();
        long records = table.blocks() * (BLOCK / RECORD);
        if (records > Integer.MAX_VALUE) throw log.damaged("inode table of " + table.blocks() + " blocks: more inodes than a volume has");
        for (long ino = 1; ino < records; ino++) {
            byte[] blk = table.read(ino * RECORD / BLOCK);
            ByteBuffer b = ByteBuffer.wrap(blk, (int) (ino * RECORD % BLOCK), RECORD);
            byte type = b.get();
            if (type == 0) continue;
            int height = b.get();
            b.getShort();
            long links = b.getInt() & 0xFFFFFFFFL;
            long size = b.getLong();
            long atime = b.getLong(), mtime = b.getLong(), ctime = b.getLong();
            Ref r = Ref.get(b);
            if (size < 0) throw log.damaged("inode " + ino + ": negative size");
            long nblocks = (size + BLOCK - 1) / BLOCK;
            BlockTree content = BlockTree.load(sealed, cache, ino, r, height, nblocks);
            t.add(loader.node(ino, type, content, size, links, atime, mtime, ctime));
        }
        EncNode root = t.get(ROOT);
        if (root == null || root.filetype() != Wasi.FILETYPE_DIRECTORY) throw log.damaged("no root directory");
        return t;
    }

    /** The table's own tree (the superblock names its root). */
    BlockTree tree() {
        return table;
    }

    EncNode get(long ino) {
        return ino >= 0 && ino < nodes.length ? nodes[(int) ino] : null;
    }

    /** Every inode, in number order (a copy: the caller may free some). */
    Collection<EncNode> all() {
        List<EncNode> all = new ArrayList<>(used.cardinality());
        for (int i = used.nextSetBit(0); i >= 0; i = used.nextSetBit(i + 1)) all.add(nodes[i]);
        return all;
    }

    /** A number no inode has (see the class comment). Errors: ENOSPC past 2^31 - 1 inodes. */
    long allocate() throws ErrnoException {
        int ino = used.nextClearBit((int) Math.max(ROOT + 1, hint));
        if (ino < 0 || ino == Integer.MAX_VALUE) throw dev.arca.abi.Errno.ENOSPC.fail("no inode number left");
        hint = ino + 1L;
        return ino;
    }

    void add(EncNode n) {
        int ino = Math.toIntExact(n.inode());
        if (ino >= nodes.length) nodes = Arrays.copyOf(nodes, Math.max(ino + 1, (int) Math.min(2L * nodes.length, Integer.MAX_VALUE - 8)));
        nodes[ino] = n;
        used.set(ino);
    }

    /** Writes the record of {@code n} (a zeroed one if it was released). */
    void write(EncNode n) throws ErrnoException {
        ByteBuffer b = record(n.inode());
        if (n.released()) {
            b.put(new byte[RECORD]);
            table.write(blockIndex(n.inode()), b.array());
            return;
        }
        Stat st = n.stat();
        b.put(n.filetype()).put((byte) n.content.height()).putShort((short) 0).putInt((int) n.links()).putLong(n.contentSize())
                .putLong(st.atime()).putLong(st.mtime()).putLong(st.ctime());
        Ref.putNullable(b, n.content.root());
        b.put(new byte[RECORD - 88]);
        table.write(blockIndex(n.inode()), b.array());
    }

    /** Frees inode {@code ino}: its record is zeroed and its number may be reused. */
    void free(long ino) throws ErrnoException {
        if (ino < nodes.length) nodes[(int) ino] = null;
        used.clear(Math.toIntExact(ino));
        hint = Math.min(hint, ino);
        ByteBuffer b = record(ino);
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
    private ByteBuffer record(long ino) throws ErrnoException {
        long bi = blockIndex(ino);
        if (table.blocks() <= bi) table.resize(bi + 1);
        byte[] blk = table.read(bi).clone();
        return ByteBuffer.wrap(blk, (int) (ino * RECORD % BLOCK), RECORD);
    }
}
