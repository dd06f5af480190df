package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
            assertEquals(model, listing(d), "round " + round);
            assertEquals(other, listing(e), "round " + round);
            for (int i = 0; i < 500; i++) {
                int op = r.nextInt(10);
                if (op < 6 || model.isEmpty()) {
                    String n = name(r);
                    if (model.containsKey(n)) continue;
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

    /** A create in a directory of 20,000 names writes a handful of blocks, not the directory's 100. */
    @Test
    void aCreateInALargeDirectoryWritesFewBlocks() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(60_000));
        fs.root().createDirectory("big");
        Node big = at(fs, "big");
        for (int i = 0; i < 20_000; i++) big.createFile(String.format("file-%06d", i * 7919 % 20_000), true);
        fs.close();
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
        for (int c = 0; c < cases.size(); c++) {
            MemStore store = new MemStore();
            EncFs fs = Vol.create(store, Freshness.inMemory());
            fs.root().createDirectory("d");
            fs.root().createFile("f5", true); // inode numbers the blocks may name
            fs.root().createFile("f6", true);
            fs.root().createFile("f7", true);
            ((EncNode) at(fs, "d")).replaceEntriesForTests(cases.get(c));
            fs.root().createFile("g", true); // a commit: d's record and its content as written
            fs.close();
            EncFs again = Vol.open(store, Freshness.inMemory());
            int lines = Vol.LOG.size();
            try {
                at(again, "d").list();
                fail("case " + c + ": a malformed directory was read");
            } catch (ErrnoException e) {
                assertEquals(Errno.EIO, e.errno(), "case " + c + ": " + e.getMessage());
            }
            assertEquals(lines + 1, Vol.LOG.size(), "case " + c + ": one line");
            assertEquals("", Vol.read(at(again, "f5")), "the rest of the volume reads");
            again.close();
        }
    }
}
