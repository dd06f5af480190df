package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.tree.Tree;
import dev.arca.fs.tree.TreeEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A directory's entries as stored since 2026-12-05 (its record's format {@link #FORMAT}): blocks
 * of its content, each holding a run of entries in ascending order of name, the runs partitioning
 * the directory's names (the blocks themselves in any order). A change of names rewrites only the
 * block whose run holds the name (two when the run outgrows its block and splits; a run emptied
 * frees its block), so a create or unlink in a directory of n entries seals one block where the
 * format before rewrote the whole directory (n entries of about 20 bytes: a 100,000-entry
 * directory was 2 MB a commit).
 *
 * <p>Block layout: the entry count (2), then per entry the name's length (2), the name (UTF-8),
 * the inode number (8); zeros after. A count of 0 is a free block. A block's names ascend, and
 * no two runs overlap (checked at load: the volume is damaged otherwise, since Arca never writes
 * that).
 *
 * <p>In memory: the runs by their lower bound (a run holds the names from its bound up to the
 * next run's; the lowest run's bound is the empty string, below every name) and the bytes each
 * block uses. The names themselves are the directory's entries in the shared tree, the source of
 * truth; this only knows where each range of them is stored. Requires the volume's lock.
 */
final class DirectoryBlocks {
    /** The record's directory format for this layout (0: one stream of entries, the format before). */
    static final byte FORMAT = 1;
    private static final int BLOCK = BlockStore.BLOCK_SIZE;
    private static final int HEADER = 2;
    /** A block is filled to this when a whole directory is laid out, leaving room to grow before a split. */
    private static final int FILL = BLOCK * 3 / 4;

    private final TreeMap<String, Integer> runs = new TreeMap<>(); // lower bound -> block
    private int[] used = new int[4]; // bytes of entries per block (free blocks: 0)
    private String[] bound = new String[4]; // per block: its run's lower bound (free blocks: null)
    private int blocks; // blocks of content, free ones included
    private final BitSet dirty = new BitSet(); // blocks to write at the next store
    private final BitSet free = new BitSet(); // blocks below blocks holding no run

    static int entryBytes(String name) {
        return 2 + Tree.utf8Length(name) + 8;
    }

    /** {@code name} was entered. */
    void added(String name, NavigableMap<String, TreeEntry> entries) {
        if (runs.isEmpty()) putRun("", newBlock());
        int b = runs.floorEntry(name).getValue();
        used[b] += entryBytes(name);
        dirty.set(b);
        if (HEADER + used[b] > BLOCK) split(b, entries);
    }

    /** {@code name} was removed. */
    void removed(String name) {
        Map.Entry<String, Integer> run = runs.floorEntry(name);
        int b = run.getValue();
        used[b] -= entryBytes(name);
        dirty.set(b);
        if (used[b] == 0) { // the run is empty: its range goes to the run below (or, for the lowest, above)
            runs.remove(run.getKey());
            bound[b] = null;
            free.set(b);
            if (run.getKey().isEmpty() && !runs.isEmpty()) putRun("", runs.pollFirstEntry().getValue());
        }
    }

    private void putRun(String lowerBound, int b) {
        runs.put(lowerBound, b);
        bound[b] = lowerBound;
    }

    /** Block {@code b}'s run: the names from its bound to the next run's. */
    private NavigableMap<String, TreeEntry> run(int b, NavigableMap<String, TreeEntry> entries) {
        String lo = bound[b], hi = runs.higherKey(lo);
        return hi == null ? entries.tailMap(lo, true) : entries.subMap(lo, true, hi, false);
    }

    private int newBlock() {
        int b = free.nextSetBit(0);
        if (b < 0) {
            b = blocks++;
            if (b >= used.length) {
                used = Arrays.copyOf(used, Math.max(4, used.length * 2));
                bound = Arrays.copyOf(bound, used.length);
            }
        } else {
            free.clear(b);
        }
        used[b] = 0;
        dirty.set(b);
        return b;
    }

    /** Block {@code b}'s run outgrew it: its upper half moves to a block of its own. */
    private void split(int b, NavigableMap<String, TreeEntry> entries) {
        NavigableMap<String, TreeEntry> names = run(b, entries);
        int half = used[b] / 2, sum = 0;
        String mid = null;
        for (String name : names.keySet()) {
            if (sum >= half) {
                mid = name;
                break;
            }
            sum += entryBytes(name);
        }
        int s = newBlock();
        putRun(mid, s);
        used[s] = used[b] - sum;
        used[b] = sum;
        dirty.set(b);
    }

    /** Lays the whole directory out anew (a directory of the format before, once it changes): every block written. */
    void layOut(NavigableMap<String, TreeEntry> entries) {
        runs.clear();
        free.clear();
        blocks = 0;
        dirty.clear();
        Arrays.fill(bound, null);
        int b = -1;
        for (String name : entries.keySet()) {
            int n = entryBytes(name);
            if (b < 0 || HEADER + used[b] + n > FILL) {
                b = newBlock();
                putRun(runs.isEmpty() ? "" : name, b);
            }
            used[b] += n;
        }
    }

    /** Writes the changed blocks into {@code content} (its length is the blocks' count; free blocks at the end are cut). */
    void store(NavigableMap<String, TreeEntry> entries, BlockTree content) throws ErrnoException {
        while (blocks > 0 && free.get(blocks - 1)) {
            free.clear(--blocks);
            dirty.clear(blocks);
        }
        if (content.blocks() != blocks) content.resize(blocks);
        for (int b = dirty.nextSetBit(0); b >= 0 && b < blocks; b = dirty.nextSetBit(b + 1)) content.write(b, block(b, entries));
        dirty.clear();
    }

    /** The bytes of block {@code b}: its run's entries (none if it is free). */
    private byte[] block(int b, NavigableMap<String, TreeEntry> entries) {
        byte[] blk = new byte[BLOCK];
        if (free.get(b)) return blk;
        NavigableMap<String, TreeEntry> names = run(b, entries);
        ByteBuffer out = ByteBuffer.wrap(blk);
        out.putShort((short) names.size());
        for (Map.Entry<String, TreeEntry> e : names.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) name.length).put(name).putLong(e.getValue().inode());
        }
        return blk;
    }

    /** A stored entry: its name and inode number. */
    record Entry(String name, long ino) {}

    /**
     * Reads the layout from {@code nblocks} blocks of content and returns every entry in ascending
     * order of name. Errors: EIO (damaged) for a malformed block, names out of order, or runs that
     * overlap.
     */
    List<Entry> load(BlockTree content, long nblocks, long ino, SecurityLog log) throws ErrnoException {
        if (nblocks > Integer.MAX_VALUE / 2) throw log.damaged("directory " + ino + " of " + nblocks + " blocks");
        List<List<Entry>> found = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        blocks = (int) nblocks;
        used = new int[Math.max(4, blocks)];
        bound = new String[used.length];
        for (int b = 0; b < blocks; b++) {
            ByteBuffer in = ByteBuffer.wrap(content.read(b));
            int count = in.getShort() & 0xFFFF;
            if (count == 0) {
                free.set(b);
                continue;
            }
            List<Entry> run = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    byte[] name = new byte[in.getShort() & 0xFFFF];
                    in.get(name);
                    String s = new String(name, StandardCharsets.UTF_8);
                    if (name.length == 0 || (i > 0 && run.get(i - 1).name().compareTo(s) >= 0)) {
                        throw log.damaged("directory " + ino + ", block " + b + ": names out of order");
                    }
                    run.add(new Entry(s, in.getLong()));
                    used[b] += 2 + name.length + 8;
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw log.damaged("directory " + ino + ", block " + b + " is cut short");
            }
            found.add(run);
            where.add(b);
        }
        Integer[] order = new Integer[found.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> found.get(x).getFirst().name().compareTo(found.get(y).getFirst().name()));
        List<Entry> all = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            List<Entry> run = found.get(order[k]);
            if (!all.isEmpty() && all.getLast().name().compareTo(run.getFirst().name()) >= 0) {
                throw log.damaged("directory " + ino + ": runs of names overlap");
            }
            putRun(k == 0 ? "" : run.getFirst().name(), where.get(order[k]));
            all.addAll(run);
        }
        return all;
    }
}
