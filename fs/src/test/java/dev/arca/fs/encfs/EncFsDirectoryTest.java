package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.DirEntry;
import dev.arca.fs.Node;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Directories stored as runs of names in blocks ({@link DirectoryBlocks}): a change writes the
 * blocks it touches, not the directory; random creates, unlinks and renames (long, short and
 * multi-byte names) survive mounts against a model; a directory whose stored runs are malformed
 * is refused.
 */
class EncFsDirectoryTest {

    private static String name(Random r) {
        int kind = r.nextInt(4);
        StringBuilder b = new StringBuilder();
        int len = kind == 0 ? 1 + r.nextInt(3) : kind == 1 ? 200 + r.nextInt(55) : 5 + r.nextInt(20);
        for (int i = 0; i < len; i++) b.append(kind == 3 ? (char) ('α' + r.nextInt(20)) : (char) ('a' + r.nextInt(26)));
        String s = b.toString();
        return s.getBytes(StandardCharsets.UTF_8).length > 255 ? s.substring(0, 100) : s;
    }

    private static TreeMap<String, Long> listing(Node dir) throws ErrnoException {
        TreeMap<String, Long> m = new TreeMap<>();
        for (DirEntry e : dir.list()) m.put(e.name(), dir.lookup(e.name()).stat().inode());
        return m;
    }

    /** 6,000 random changes in one directory and its neighbour, committed in batches, each batch checked after a mount. */
    @Test
    void randomChangesSurviveMounts() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(60_000));
        fs.root().createDirectory("d");
        fs.root().createDirectory("e");
        fs.close();
        Random r = new Random(42);
        TreeMap<String, Long> model = new TreeMap<>();
        TreeMap<String, Long> other = new TreeMap<>();
        for (int round = 0; round < 12; round++) {
            EncFs v = EncFs.open(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(60_000), null);
            Node d = at(v, "d"), e = at(v, "e");
            if (round % 2 == 0) { // odd rounds change the directories before anything lists them: their runs are read as names are used
                assertEquals(model, listing(d), "round " + round);
                assertEquals(other, listing(e), "round " + round);
            }
            for (int i = 0; i < 500; i++) {
                int op = r.nextInt(10);
                if (op < 6 || model.isEmpty()) {
                    String n = name(r);
                    if (model.containsKey(n)) continue;
                    if (r.nextInt(4) == 0) assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> d.lookup(n)).errno());
                    d.createFile(n, true);
                    model.put(n, d.lookup(n).stat().inode());
                } else if (op < 9) {
                    String n = r.nextBoolean() ? model.firstKey() : model.ceilingKey(name(r));
                    if (n == null) n = model.lastKey();
                    d.unlink(n);
                    model.remove(n);
                } else {
                    String n = model.floorKey(name(r));
                    if (n == null) continue;
                    String to = name(r);
                    if (other.containsKey(to)) continue;
                    d.rename(n, e, to);
                    other.put(to, model.remove(n));
                }
            }
            v.close();
        }
        EncFs last = Vol.open(store, Freshness.inMemory());
        assertEquals(model, listing(at(last, "d")));
        assertEquals(other, listing(at(last, "e")));
        assertEquals(last.walkedBlocks(), last.liveBlocks());
        // everything removed: the directory's content shrinks to nothing
        Node d = at(last, "d");
        for (String n : model.keySet()) d.unlink(n);
        last.close();
        EncFs empty = Vol.open(store, Freshness.inMemory());
        assertEquals(0, at(empty, "d").list().size());
        assertEquals(0, ((EncNode) at(empty, "d")).content.blocks(), "an emptied directory keeps no block");
        empty.close();
    }

    /** A volume whose directory "big" holds {@code n} empty files, file-000000 on, made in a scattered order and committed once. */
    private static MemStore bigDirectory(int n) throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(60_000));
        fs.root().createDirectory("big");
        Node big = at(fs, "big");
        for (int i = 0; i < n; i++) big.createFile(String.format("file-%06d", i * 7919L % n), true);
        fs.close();
        return store;
    }

    /** A create in a directory of 20,000 names writes a handful of blocks, not the directory's 100. */
    @Test
    void aCreateInALargeDirectoryWritesFewBlocks() throws ErrnoException {
        MemStore store = bigDirectory(20_000);
        EncFs v = Vol.open(store, Freshness.inMemory()); // commits at every change of names
        Node dir = at(v, "big");
        assertTrue(((EncNode) dir).content.blocks() > 80, "the directory spans " + ((EncNode) dir).content.blocks() + " blocks");
        dir.list();
        for (String n : new String[] {"a-first", "file-010000x", "zz-last"}) {
            long before = store.writes;
            dir.createFile(n, true);
            long wrote = store.writes - before;
            // the directory's block, the new inode's and the directory's records (one or two table
            // blocks), the table's and the space map's index paths, the map's changed blocks, the superblock
            assertTrue(wrote <= 14, "a create of " + n + " wrote " + wrote + " blocks");
        }
        long before = store.writes;
        dir.unlink("file-004242");
        assertTrue(store.writes - before <= 14, "an unlink wrote " + (store.writes - before) + " blocks");
        v.close();
        EncFs again = Vol.open(store, Freshness.inMemory());
        List<DirEntry> names = at(again, "big").list();
        assertEquals(20_000 + 3 - 1, names.size());
        assertEquals("a-first", names.getFirst().name());
        assertEquals("zz-last", names.getLast().name());
        again.close();
    }

    /**
     * A directory of 100,000 names is indexed: after a mount, a lookup reads its index and the one
     * run the name falls in (not its 600 blocks), a create or an unlink there writes a few blocks,
     * a missing name is ENOENT after one run, memory holds the runs read; the listing after a
     * mount has every name.
     */
    @Test
    void aLookupInALargeDirectoryReadsItsIndexAndOneRun() throws ErrnoException {
        int n = 100_000;
        MemStore store = bigDirectory(n);
        EncFs v = Vol.open(store, Freshness.inMemory());
        EncNode dir = (EncNode) at(v, "big");
        assertEquals(DirectoryBlocks.FORMAT, dir.directoryFormat());
        assertTrue(dir.content.blocks() > 500, "the directory spans " + dir.content.blocks() + " blocks");
        long before = store.reads;
        Node f = dir.lookup("file-054321");
        long read = store.reads - before;
        // the index (about 1,000 runs of 16-byte bounds: 5 blocks), the run, the file's inode record and the table's path to it
        assertTrue(read <= 12, "a first lookup read " + read + " blocks");
        assertTrue(dir.entries().size() < 400, dir.entries().size() + " names in memory after one lookup");
        before = store.reads;
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> dir.lookup("file-0123456")).errno());
        assertTrue(store.reads - before <= 2, "a missing name read " + (store.reads - before) + " blocks");
        before = store.writes;
        dir.createFile("file-054321b", true);
        dir.unlink("file-000007");
        assertTrue(store.writes - before <= 30, "a create and an unlink wrote " + (store.writes - before) + " blocks");
        assertEquals(f.stat().inode(), dir.lookup("file-054321").stat().inode());
        assertEquals(n, dir.list().size());
        v.close();
        EncFs again = Vol.open(store, Freshness.inMemory());
        List<DirEntry> names = at(again, "big").list();
        assertEquals(n, names.size());
        assertEquals("file-000000", names.getFirst().name());
        assertTrue(names.stream().anyMatch(e -> e.name().equals("file-054321b")));
        assertTrue(names.stream().noneMatch(e -> e.name().equals("file-000007")));
        assertEquals(again.walkedBlocks(), again.liveBlocks());
        again.close();
    }

    /** A directory of runs without an index (the layout of 2026-12-05) is read, changed, and written with one. */
    @Test
    void aDirectoryOfRunsGetsAnIndexAtItsFirstChange() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("d");
        long f5 = fs.root().createFile("f5", true).stat().inode();
        long f6 = fs.root().createFile("f6", true).stat().inode();
        ((EncNode) at(fs, "d")).replaceEntriesForTests(new byte[][] {Vol.entriesBlock("m", f6, "n", f5), new byte[4096], Vol.entriesBlock("a", f5, "b", f6)});
        fs.root().createFile("g", true);
        fs.close();
        EncFs v = Vol.open(store, Freshness.inMemory());
        Node d = at(v, "d");
        assertEquals(List.of("a", "b", "m", "n"), d.list().stream().map(DirEntry::name).toList());
        assertEquals(f5, d.lookup("a").stat().inode());
        for (int i = 0; i < 60; i++) d.createFile("long-" + "x".repeat(180) + i, true); // enough for runs of their own
        assertEquals(DirectoryBlocks.FORMAT, ((EncNode) d).directoryFormat());
        v.close();
        EncFs again = Vol.open(store, Freshness.inMemory());
        Node d2 = at(again, "d");
        assertEquals(f6, d2.lookup("m").stat().inode());
        assertEquals(64, d2.list().size());
        assertEquals(again.walkedBlocks(), again.liveBlocks());
        again.close();
    }

    /** An index written by hand (as only a holder of the key could): each malformation is EIO, with one line, when its part is used. */
    @Test
    void malformedIndexesAreRefused() throws ErrnoException {
        List<byte[][]> cases = new ArrayList<>();
        byte[] runA = Vol.entriesBlock("a", 5), runM = Vol.entriesBlock("m", 6);
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "m", 1), runA}); // a block named twice
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "m", 0), runA}); // the index's own block as a run
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "m", 9), runA}); // a block past the content
        cases.add(new byte[][] {Vol.indexBlock(0, "m", 1, "", 2), runA, runM}); // bounds out of order
        cases.add(new byte[][] {Vol.indexBlock(0, "a", 1, "m", 2), runA, runM}); // the lowest bound is not empty
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "b", 2), Vol.entriesBlock("a", 5, "c", 6), runM}); // a run's names outside its bounds
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "m", 2), runA, new byte[4096]}); // a run with no name
        cases.add(new byte[][] {Vol.indexBlock(3, "", 1), runA, runM, Vol.indexBlock(3, "m", 2)}); // a chain that loops
        cases.add(new byte[][] {Vol.indexBlock(7, "", 1), runA, runM}); // a chain that leaves the content
        cases.add(new byte[][] {Vol.indexBlock(3, "", 1), runA, runM, Vol.indexBlock(0)}); // an empty index block
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "m", 2), runA, Vol.entriesBlock("n", 6, "m", 5)}); // names out of order in a run
        cases.add(new byte[][] {Vol.indexBlock(0, "", 1, "m", 2), runA, Vol.entriesBlock("m", 999)}); // no such inode
        for (int c = 0; c < cases.size(); c++) assertDamaged(withDirectory(cases.get(c), DirectoryBlocks.FORMAT, 0), "case " + c);
        // the well-formed one reads: a run each, then both
        EncFs again = Vol.open(withDirectory(new byte[][] {Vol.indexBlock(0, "", 1, "m", 2), runA, runM}, DirectoryBlocks.FORMAT, 0), Freshness.inMemory());
        Node d = at(again, "d");
        assertEquals(6, d.lookup("m").stat().inode());
        assertEquals(List.of("a", "m"), d.list().stream().map(DirEntry::name).toList());
        again.close();
    }

    /**
     * A volume whose directory {@code d} holds {@code raw} as stored, in {@code format} (as only a
     * holder of the key could write it), beside files f5, f6 and f7: inodes 5, 6 and 7, which the
     * blocks may name.
     */
    private static MemStore withDirectory(byte[][] raw, byte format, long subdirectories) throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("d");
        fs.root().createFile("f5", true);
        fs.root().createFile("f6", true);
        fs.root().createFile("f7", true);
        ((EncNode) at(fs, "d")).replaceEntriesForTests(raw, format, subdirectories);
        fs.root().createFile("g", true); // a commit: d's record and its content as written
        fs.close();
        return store;
    }

    /** Reading {@code d} (a lookup of "m", then a listing) is EIO with one security line; the rest of the volume reads. */
    private static void assertDamaged(MemStore store, String what) throws ErrnoException {
        EncFs again = Vol.open(store, Freshness.inMemory());
        int lines = Vol.LOG.size();
        try {
            Node d = at(again, "d");
            try {
                d.lookup("m"); // an indexed directory: reads m's run only
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) throw e; // not there, as the blocks say: the listing reads the rest
            }
            d.list();
            fail(what + ": a malformed directory was read");
        } catch (ErrnoException e) {
            assertEquals(Errno.EIO, e.errno(), what + ": " + e.getMessage());
        }
        assertEquals(lines + 1, Vol.LOG.size(), what + ": one line");
        assertEquals("", Vol.read(at(again, "f5")), what + ": the rest of the volume reads");
        again.close();
    }

    /** Blocks of a directory written by hand (as only a holder of the key could): each malformation is EIO, with one line. */
    @Test
    void malformedRunsAreRefused() throws ErrnoException {
        List<byte[][]> cases = new ArrayList<>();
        cases.add(new byte[][] {Vol.entriesBlock("b", 5, "a", 6)}); // out of order within a block
        cases.add(new byte[][] {Vol.entriesBlock("a", 5, "c", 6), Vol.entriesBlock("b", 7)}); // runs overlap
        cases.add(new byte[][] {Vol.entriesBlock("a", 5, "a", 6)}); // a name twice
        byte[] cut = Vol.entriesBlock("abc", 5);
        ByteBuffer.wrap(cut).putShort(0, (short) 400); // more entries than the block holds
        cases.add(new byte[][] {cut});
        cases.add(new byte[][] {Vol.entriesBlock("", 5)}); // an empty name
        cases.add(new byte[][] {Vol.entriesBlock("a", 999)}); // no such inode
        for (int c = 0; c < cases.size(); c++) assertDamaged(withDirectory(cases.get(c), DirectoryBlocks.FORMAT_RUNS, -1), "case " + c);
    }
}
