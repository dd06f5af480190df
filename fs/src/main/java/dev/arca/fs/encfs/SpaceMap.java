package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.SortedSet;

/**
 * What a mount would otherwise learn by walking every inode: the blocks in use, the inode numbers
 * in use and the orphans, stored at each commit as one object of the volume (an inode of type
 * {@link InodeTable#SPACE_MAP} that no directory names; the superblock names its number), so a
 * mount reads the superblock, the inode table's index, this object and the root, and nothing in
 * proportion to the number of files.
 *
 * <p>Content: the block bitmap's length in 64-bit words (4), the inode bitmap's (4), the orphan
 * count (4), zeros (4), then the block bitmap, the inode bitmap and the orphans' numbers (8 bytes
 * each, little-endian words as {@link BitSet#toLongArray}). Sealed and checked like any object.
 *
 * <p>The block bitmap is exactly the blocks the committed version's inodes refer to, the inode
 * table's and this object's own blocks left out: those two trees are written after it (writing
 * the map changes them), and a mount claims them by loading the two trees. So the map is made
 * once the other inodes are flushed, from the allocator's blocks in use minus those only the
 * previous version refers to, minus the two trees' blocks of the moment; every block allocated
 * after that belongs to the two trees. A block a tree loaded later refers to must be in the map
 * ({@link Allocator#claim} refuses it otherwise: a volume whose map lost a block in use would
 * hand it out again). The volume's tests check the map against a walk of the whole tree at every
 * crash point ({@code EncFsCrashTest}).
 */
final class SpaceMap {
    private static final int HEADER = 16;

    private static BitSet walk(BlockTree t) {
        BitSet b = new BitSet();
        t.forEachBlock(x -> b.set((int) x));
        return b;
    }

    /** What a mount takes from a stored map. */
    record Loaded(BitSet blocks, BitSet inodes, long[] orphans, BlockTree tree) {}

    private SpaceMap() {}

    /** Reads the map of inode {@code ino} (its tree's blocks claimed). Errors: EIO when damaged or tampered with. */
    static Loaded load(InodeTable inodes, long ino) throws ErrnoException {
        SecurityLog log = inodes.tree().log();
        InodeTable.Record r = inodes.record(ino);
        if (r.type() != InodeTable.SPACE_MAP) throw log.damaged("inode " + ino + " is not the space map the superblock names");
        if (r.size() < HEADER || r.size() > Integer.MAX_VALUE - 8) throw log.damaged("space map of " + r.size() + " bytes");
        BlockTree content = inodes.tree(ino, r);
        ByteBuffer b = ByteBuffer.wrap(content.readBytes(r.size())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int blockWords = b.getInt(), inodeWords = b.getInt(), orphans = b.getInt();
        b.getInt();
        if (blockWords < 0 || inodeWords < 0 || orphans < 0
                || HEADER + 8L * ((long) blockWords + inodeWords + orphans) != r.size()) {
            throw log.damaged("space map: its counts do not fit its size");
        }
        long[] blocks = new long[blockWords], used = new long[inodeWords], orphan = new long[orphans];
        b.asLongBuffer().get(blocks);
        b.position(b.position() + 8 * blockWords);
        b.asLongBuffer().get(used);
        b.position(b.position() + 8 * inodeWords);
        b.asLongBuffer().get(orphan);
        BitSet inodeSet = BitSet.valueOf(used);
        for (long o : orphan) {
            if (o <= InodeTable.ROOT || o >= Integer.MAX_VALUE || !inodeSet.get((int) o)) throw log.damaged("space map: orphan " + o + " is not an inode");
        }
        if (!inodeSet.get((int) InodeTable.ROOT) || !inodeSet.get((int) ino)) throw log.damaged("space map: root or map not in use");
        return new Loaded(BitSet.valueOf(blocks), inodeSet, orphan, content);
    }

    /**
     * Writes the map into inode {@code ino}'s tree and record (see the class comment for when),
     * and seals the tree; the inode table is written after it.
     */
    static void store(InodeTable inodes, long ino, BlockTree content, Allocator allocator) throws ErrnoException {
        BitSet blocks = allocator.committing();
        content.forEachBlock(b -> blocks.clear((int) b)); // the map's own tree: a few blocks
        BitSet table = inodes.tree().trackedBlocks(); // kept as the table changes: no walk of it per commit
        assert table.equals(walk(inodes.tree())) : "the inode table's tracked blocks differ from a walk";
        blocks.andNot(table);
        long[] bw = blocks.toLongArray(), iw = inodes.used().toLongArray();
        SortedSet<Long> orphans = inodes.orphans();
        ByteBuffer b = ByteBuffer.allocate(HEADER + 8 * (bw.length + iw.length + orphans.size())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(bw.length).putInt(iw.length).putInt(orphans.size()).putInt(0);
        for (long w : bw) b.putLong(w);
        for (long w : iw) b.putLong(w);
        for (long o : orphans) b.putLong(o);
        content.writeBytes(b.array());
        content.flushData();
        content.commitIndex();
        inodes.writeRecord(ino, InodeTable.SPACE_MAP, content, b.capacity(), 0, 0, 0, 0, 0, (byte) 0);
    }
}
