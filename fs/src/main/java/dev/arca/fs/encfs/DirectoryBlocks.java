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
 * A directory's entries in blocks of its content, each holding a run of entries in ascending order
 * of name, the runs partitioning the directory's names. A change of names rewrites only the block
 * whose run holds the name (two when the run outgrows its block and splits; a run emptied frees
 * its block), so a create or unlink in a directory of n entries seals one block where the format
 * of 2026-12-04 rewrote the whole directory (n entries of about 20 bytes: a 100,000-entry
 * directory was 2 MB a commit).
 *
 * <p>Two layouts (the record's directory format):
 * <ul>
 *   <li>{@link #FORMAT_RUNS} (1, since 2026-12-05; written now for a directory of one run): every
 *       block a run, in any order. Read whole at the directory's first use.
 *   <li>{@link #FORMAT} (2, since 2026-12-06; a directory of two runs or more): block 0 begins an
 *       index of the runs, (lower bound, block) pairs in ascending order of bound, in a chain of
 *       index blocks; the other blocks are runs (or free). The first use reads the index only, and
 *       a name's run is read at the first use of a name in its range: a lookup in a directory of a
 *       million names reads its index (about 45 blocks) and one run, not its 8,000 blocks. The
 *       index is rewritten when a run splits or empties.
 * </ul>
 *
 * <p>A run's block: the entry count (2), then per entry the name's length (2), the name (UTF-8),
 * the inode number (8); zeros after. A count of 0 is a free block. An index block: the next index
 * block (4; 0 ends the chain), the pair count (2), then per pair the bound's length (2), the bound
 * (UTF-8), the run's block (4). The lowest run's bound is the empty string, below every name; a
 * run holds the names from its bound up to the next run's. Checked as read (the volume is damaged
 * otherwise, since Arca never writes that): names ascend within a run and lie within its bounds,
 * bounds ascend, no block is named twice, no run is empty.
 *
 * <p>In memory: the runs by their lower bound, which runs have been read (their names are the
 * directory's entries in the shared tree, the source of truth, which holds only the runs read), and
 * the bytes each read run uses. A run emptied keeps its range until the next store, so that the
 * run a name falls in does not change between the tree reading that run and entering the name.
 * Requires the volume's lock.
 */
final class DirectoryBlocks {
    /** The record's directory format of an indexed directory (0: one stream of entries, 2026-12-04 and before). */
    static final byte FORMAT = 2;
    /** The record's format of a directory of runs only, read whole (one run: no index needed). */
    static final byte FORMAT_RUNS = 1;
    private static final int BLOCK = BlockStore.BLOCK_SIZE;
    private static final int HEADER = 2;
    private static final int INDEX_HEADER = 6;
    /** A block is filled to this when a whole directory is laid out, leaving room to grow before a split. */
    private static final int FILL = BLOCK * 3 / 4;

    private final TreeMap<String, Integer> runs = new TreeMap<>(); // lower bound -> block
    private int[] used = new int[4]; // bytes of entries per run read (others: 0)
    private String[] bound = new String[4]; // per block: its run's lower bound (not a run: null)
    private int blocks; // blocks of content, free ones included
    private final BitSet dirty = new BitSet(); // blocks to write at the next store
    private final BitSet free = new BitSet(); // blocks below blocks holding no run and no index
    private final BitSet read = new BitSet(); // runs whose names are entered
    private int unread; // runs not read
    private final BitSet emptied = new BitSet(); // runs read that hold no name now: their ranges go at the next store
    private int[] index = new int[0]; // the index's blocks in chain order (indexed layout: index[0] == 0)
    private boolean indexChanged; // the runs changed since the index was written
    private byte format = FORMAT_RUNS; // the layout of what is stored

    static int entryBytes(String name) {
        return 2 + Tree.utf8Length(name) + 8;
    }

    /** The layout stored by the last {@link #store} (or read by the load). */
    byte format() {
        return format;
    }

    /** {@code name} was entered; its run has been read ({@link #runOf}). */
    void added(String name, NavigableMap<String, TreeEntry> entries) {
        if (runs.isEmpty()) {
            int b = newBlock();
            putRun("", b);
            read.set(b);
            indexChanged = true;
        }
        int b = runs.floorEntry(name).getValue();
        if (!read.get(b)) throw new IllegalStateException("an entry added to a run not read");
        used[b] += entryBytes(name);
        dirty.set(b);
        emptied.clear(b);
        if (HEADER + used[b] > BLOCK) split(b, entries);
    }

    /** {@code name} was removed; its run has been read. */
    void removed(String name) {
        int b = runs.floorEntry(name).getValue();
        used[b] -= entryBytes(name);
        dirty.set(b);
        if (used[b] == 0) emptied.set(b); // its range goes at the store, not now: see the class comment
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

    private void freeBlock(int b) {
        bound[b] = null;
        used[b] = 0;
        read.clear(b);
        free.set(b);
        dirty.set(b); // written as zeros: a hole
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
        read.set(s);
        used[s] = used[b] - sum;
        used[b] = sum;
        dirty.set(b);
        indexChanged = true;
    }

    /** Lays the whole directory out anew (every run read: a directory of an older format, once read): every block written. */
    void layOut(NavigableMap<String, TreeEntry> entries) {
        clear();
        Arrays.fill(bound, null);
        Arrays.fill(used, 0);
        int b = -1;
        for (String name : entries.keySet()) {
            int n = entryBytes(name);
            if (b < 0 || HEADER + used[b] + n > FILL) {
                b = newBlock();
                putRun(runs.isEmpty() ? "" : name, b);
                read.set(b);
            }
            used[b] += n;
        }
        indexChanged = true;
    }

    /**
     * Writes the changed blocks into {@code content} (its length is the blocks' count; free blocks
     * at the end are cut): runs emptied give their ranges to the run below (the lowest's to the
     * run above), and a directory of one run read is stored as that run alone; otherwise the
     * index is rewritten if the runs changed.
     */
    void store(NavigableMap<String, TreeEntry> entries, BlockTree content) throws ErrnoException {
        for (int b = emptied.nextSetBit(0); b >= 0; b = emptied.nextSetBit(b + 1)) {
            boolean lowest = bound[b].isEmpty();
            runs.remove(bound[b]);
            freeBlock(b);
            if (lowest && !runs.isEmpty()) putRun("", runs.pollFirstEntry().getValue());
            indexChanged = true;
        }
        emptied.clear();
        if (runs.size() == 1 && read.get(runs.firstEntry().getValue())) {
            toBlock(runs.firstEntry().getValue(), 0); // one run: no index
            for (int i : index) if (i != 0) freeBlock(i);
            index = new int[0];
            format = FORMAT_RUNS;
        } else if (runs.isEmpty()) {
            for (int i : index) freeBlock(i);
            index = new int[0];
            format = FORMAT_RUNS;
        } else if (indexChanged || format != FORMAT) {
            writeIndex(entries);
            format = FORMAT;
        }
        indexChanged = false;
        while (blocks > 0 && free.get(blocks - 1)) {
            free.clear(--blocks);
            dirty.clear(blocks);
        }
        if (content.blocks() != blocks) content.resize(blocks);
        byte[][] pages = null; // laid out only when an index block is written, not at every store of an indexed directory
        for (int b = dirty.nextSetBit(0); b >= 0 && b < blocks; b = dirty.nextSetBit(b + 1)) {
            int page = format == FORMAT ? indexOf(b) : -1;
            if (page >= 0 && pages == null) pages = indexPages();
            content.write(b, page >= 0 ? pages[page] : block(b, entries));
        }
        dirty.clear();
    }

    /** Moves the run of block {@code from}, which has been read, to block {@code to} (below {@link #blocks}: free, or not a run). */
    private void toBlock(int from, int to) {
        if (from == to) return;
        String lo = bound[from];
        int n = used[from];
        freeBlock(from);
        free.clear(to);
        putRun(lo, to);
        used[to] = n;
        read.set(to);
        dirty.set(to);
    }

    /** Makes block 0 the index's first block (its run, read since it is the older layout's, moves) and gives the index as many blocks as its pairs fill. */
    private void writeIndex(NavigableMap<String, TreeEntry> entries) {
        if (index.length == 0 || index[0] != 0) {
            if (blocks > 0 && bound[0] != null) {
                int from = 0, to = newBlock();
                free.set(to);
                toBlock(from, to);
            }
            if (blocks == 0) newBlock();
            free.clear(0);
            int[] was = index;
            index = new int[] {0};
            for (int i : was) if (i != 0) freeBlock(i);
        }
        int pages = indexPages(null);
        if (pages < index.length) {
            for (int i = pages; i < index.length; i++) freeBlock(index[i]);
            index = Arrays.copyOf(index, pages);
        }
        while (index.length < pages) {
            int b = newBlock();
            index = Arrays.copyOf(index, index.length + 1);
            index[index.length - 1] = b;
        }
        for (int i : index) dirty.set(i);
    }

    private int indexOf(int b) {
        for (int i = 0; i < index.length; i++) if (index[i] == b) return i;
        return -1;
    }

    /** The index's blocks' bytes, in chain order. */
    private byte[][] indexPages() {
        byte[][] out = new byte[index.length][];
        indexPages(out);
        return out;
    }

    /** Lays the pairs out in pages; returns the count, filling {@code out} (when given) with each page's bytes. */
    private int indexPages(byte[][] out) {
        int page = 0, at = INDEX_HEADER, count = 0;
        ByteBuffer buf = out == null ? null : ByteBuffer.wrap(out[0] = new byte[BLOCK]);
        for (Map.Entry<String, Integer> r : runs.entrySet()) {
            byte[] name = r.getKey().getBytes(StandardCharsets.UTF_8);
            int n = 2 + name.length + 4;
            if (at + n > BLOCK) {
                if (buf != null) {
                    buf.putInt(0, index[page + 1]).putShort(4, (short) count);
                    buf = ByteBuffer.wrap(out[page + 1] = new byte[BLOCK]);
                }
                page++;
                at = INDEX_HEADER;
                count = 0;
            }
            if (buf != null) buf.position(at).putShort((short) name.length).put(name).putInt(r.getValue());
            at += n;
            count++;
        }
        if (buf != null) buf.putInt(0, 0).putShort(4, (short) count);
        return page + 1;
    }

    /** The bytes of run block {@code b}: its run's entries (none if it is free). */
    private byte[] block(int b, NavigableMap<String, TreeEntry> entries) {
        byte[] blk = new byte[BLOCK];
        if (free.get(b) || bound[b] == null) return blk;
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
     * Reads a directory of {@link #FORMAT_RUNS} from {@code nblocks} blocks of content and returns
     * every entry in ascending order of name. Errors: EIO (damaged) for a malformed block, names
     * out of order, or runs that overlap.
     */
    List<Entry> load(BlockTree content, long nblocks, long ino, SecurityLog log) throws ErrnoException {
        if (nblocks > Integer.MAX_VALUE / 2) throw log.damaged("directory " + ino + " of " + nblocks + " blocks");
        List<List<Entry>> found = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        sized((int) nblocks);
        for (int b = 0; b < blocks; b++) {
            List<Entry> run = parseRun(content, b, ino, log);
            if (run.isEmpty()) {
                free.set(b);
                continue;
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
            read.set(where.get(order[k]));
            all.addAll(run);
        }
        format = FORMAT_RUNS;
        return all;
    }

    /** No run and no block (a load that failed is tried again at the next use, on this object). */
    private void clear() {
        runs.clear();
        free.clear();
        read.clear();
        emptied.clear();
        dirty.clear();
        index = new int[0];
        unread = 0;
        indexChanged = false;
        blocks = 0;
    }

    /** Starts a load of {@code n} blocks afresh. */
    private void sized(int n) {
        clear();
        blocks = n;
        used = new int[Math.max(4, blocks)];
        bound = new String[used.length];
    }

    /** The entries of run block {@code b} in order (none: a free block), {@link #used} set for it. Errors: EIO. */
    private List<Entry> parseRun(BlockTree content, int b, long ino, SecurityLog log) throws ErrnoException {
        ByteBuffer in = ByteBuffer.wrap(content.read(b));
        int count = in.getShort() & 0xFFFF;
        List<Entry> run = new ArrayList<>(count);
        int bytes = 0;
        try {
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[in.getShort() & 0xFFFF];
                in.get(name);
                String s = new String(name, StandardCharsets.UTF_8);
                if (name.length == 0 || (i > 0 && run.get(i - 1).name().compareTo(s) >= 0)) {
                    throw log.damaged("directory " + ino + ", block " + b + ": names out of order");
                }
                run.add(new Entry(s, in.getLong()));
                bytes += 2 + name.length + 8;
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw log.damaged("directory " + ino + ", block " + b + " is cut short");
        }
        used[b] = bytes;
        return run;
    }

    /**
     * Reads an indexed directory's ({@link #FORMAT}) index from {@code nblocks} blocks of content:
     * its runs are then known, none read. Errors: EIO (damaged) for a malformed index block, a
     * chain that loops or leaves the content, bounds out of order, a block named twice.
     */
    void loadIndex(BlockTree content, long nblocks, long ino, SecurityLog log) throws ErrnoException {
        if (nblocks < 2 || nblocks > Integer.MAX_VALUE / 2) throw log.damaged("directory " + ino + " of " + nblocks + " blocks");
        sized((int) nblocks);
        BitSet taken = new BitSet();
        int[] chain = new int[4];
        int pages = 0;
        String last = null;
        for (int page = 0; ; ) {
            if (page < 0 || page >= blocks || taken.get(page)) throw log.damaged("directory " + ino + ": its index leads to block " + page);
            taken.set(page);
            if (pages == chain.length) chain = Arrays.copyOf(chain, pages * 2);
            chain[pages++] = page;
            ByteBuffer in = ByteBuffer.wrap(content.read(page));
            int next = in.getInt();
            int count = in.getShort() & 0xFFFF;
            if (count == 0) throw log.damaged("directory " + ino + ": index block " + page + " is empty");
            try {
                for (int i = 0; i < count; i++) {
                    byte[] name = new byte[in.getShort() & 0xFFFF];
                    in.get(name);
                    String s = new String(name, StandardCharsets.UTF_8);
                    int b = in.getInt();
                    if (last == null ? !s.isEmpty() : last.compareTo(s) >= 0) throw log.damaged("directory " + ino + ": index out of order at block " + page);
                    if (b <= 0 || b >= blocks || taken.get(b)) throw log.damaged("directory " + ino + ": its index names block " + b + " where it cannot");
                    taken.set(b);
                    putRun(s, b);
                    last = s;
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw log.damaged("directory " + ino + ", index block " + page + " is cut short");
            }
            if (next == 0) break;
            page = next;
        }
        // one run is written without an index, unless it was not read when the others went (an index of one pair)
        index = Arrays.copyOf(chain, pages);
        unread = runs.size();
        for (int b = 0; b < blocks; b++) if (!taken.get(b)) free.set(b);
        format = FORMAT;
    }

    /** The block of the run {@code name} falls in (the directory has runs). */
    int runOf(String name) {
        return runs.floorEntry(name).getValue();
    }

    /** Whether run block {@code b}'s names are entered. */
    boolean isRead(int b) {
        return read.get(b);
    }

    /** Whether every run's names are entered. */
    boolean allRead() {
        return unread == 0;
    }

    /** The runs not read yet, in order of name. */
    int[] unreadRuns() {
        return runs.values().stream().filter(b -> !read.get(b)).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Reads run block {@code b} of an indexed directory: its entries in order, each checked to lie
     * within the run's bounds. Not yet marked read ({@link #markRead}): the caller enters them
     * first. Errors: EIO (an empty run, names out of order or outside the run, a block cut short).
     */
    List<Entry> readRun(BlockTree content, int b, long ino, SecurityLog log) throws ErrnoException {
        List<Entry> run = parseRun(content, b, ino, log);
        if (run.isEmpty()) throw log.damaged("directory " + ino + ": its index names block " + b + ", which holds no name");
        String lo = bound[b], hi = runs.higherKey(lo);
        if (run.getFirst().name().compareTo(lo) < 0 || hi != null && run.getLast().name().compareTo(hi) >= 0) {
            throw log.damaged("directory " + ino + ", block " + b + ": names outside its run");
        }
        return run;
    }

    void markRead(int b) {
        if (!read.get(b)) unread--;
        read.set(b);
    }
}
