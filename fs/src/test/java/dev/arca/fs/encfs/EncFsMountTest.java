package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static dev.arca.fs.encfs.Vol.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import java.io.InputStream;
import java.util.BitSet;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A mount reads what it needs, not the whole volume: the superblock, the inode table's index, the
 * space map and the root, and each inode and directory on first use ({@link SpaceMap}); and a
 * volume of the format before (no space map, every record read at mount) still mounts and gets a
 * map at its next commit.
 */
class EncFsMountTest {

    /** Blocks read by a mount of a volume of 3,000 files in 30 directories, and by one lookup after it. */
    @Test
    void aMountReadsNothingPerFile() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(60_000));
        for (int d = 0; d < 30; d++) {
            fs.root().createDirectory("d" + d);
            Node dir = at(fs, "d" + d);
            for (int f = 0; f < 100; f++) write(dir.createFile("f" + f, true), 0, "file " + d + "/" + f);
        }
        fs.close();
        long before = store.reads;
        EncFs again = Vol.open(store, Freshness.inMemory());
        long mount = store.reads - before;
        // 2 superblock slots, the table's two index levels, the space map, the root's record and its tree
        assertTrue(mount <= 8, "a mount read " + mount + " blocks");
        assertEquals(2 + 30, again.root().stat().links(), "the root's link count, from its record");
        // a directory's first use reads its entries and their records: the root's, 30 directories
        // whose numbers lie apart (each made before its 100 files), so up to 30 blocks of records
        before = store.reads;
        Node d17 = again.root().lookup("d17");
        assertTrue(store.reads - before <= 31, "the root's first lookup read " + (store.reads - before) + " blocks");
        before = store.reads;
        Node f42 = d17.lookup("f42");
        assertTrue(store.reads - before <= 5, "d17's first lookup read " + (store.reads - before) + " blocks"); // 100 names, 100 records
        before = store.reads;
        assertEquals("file 17/42", Vol.read(f42));
        assertEquals(1, store.reads - before, "the file's one block");
        before = store.reads;
        again.root().lookup("d3").lookup("f0");
        assertTrue(store.reads - before <= 5, "another directory's first lookup read " + (store.reads - before) + " blocks");
        assertEquals(again.walkedBlocks(), again.liveBlocks(), "the space map against a walk");
        assertEquals(3000 + 30, Vol.snapshot(again).size(), "every name is there");
        again.close();
    }

    /** A file unlinked while open, then a crash: the next mount frees it from the map's orphans. */
    @Test
    void anOrphanIsFreedByTheNextMount() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        write(fs.root().createFile("keep", true), 0, "kept");
        byte[] big = new byte[200_000];
        Vol.random(big);
        write(fs.root().createFile("gone", true), 0, big);
        long goneIno = fs.root().lookup("gone").stat().inode();
        FileHandle h = fs.root().lookup("gone").open(true, true);
        fs.root().unlink("gone"); // a commit: the record, with no link, and the map naming it an orphan
        int withOrphan = fs.blocksInUse();
        MemStore crashed = store.afterCrash(MemStore.Crash.NONE_UNSYNCED); // the handle is never closed
        h.close();
        EncFs again = Vol.open(crashed, Freshness.inMemory());
        assertEquals("kept", Vol.read(again.root().lookup("keep")));
        assertEquals(again.walkedBlocks(), again.liveBlocks(), "the orphan's blocks are free once the next commit is durable");
        write(again.root().createFile("next", true), 0, "reuses the number");
        assertEquals(goneIno, again.root().lookup("next").stat().inode());
        assertTrue(again.blocksInUse() < withOrphan - 40, again.blocksInUse() + " blocks against " + withOrphan);
        again.close();
        EncFs third = Vol.open(crashed, Freshness.inMemory());
        assertEquals(third.walkedBlocks(), third.liveBlocks());
        third.close();
    }

    /** A directory's link count is right before its entries are read, and after renames move directories between unread ones. */
    @Test
    void directoriesReadOnFirstUseKeepTheirCounts() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("p");
        fs.root().createDirectory("q");
        for (String s : new String[] {"x", "y", "z"}) at(fs, "p").createDirectory(s);
        write(at(fs, "p").createFile("file", true), 0, "f");
        fs.close();
        EncFs a = Vol.open(store, Freshness.inMemory());
        Node p = at(a, "p"), q = at(a, "q");
        assertEquals(5, p.stat().links());
        assertEquals(2, q.stat().links());
        p.rename("y", q, "y2"); // reads both
        assertEquals(4, p.stat().links());
        assertEquals(3, q.stat().links());
        assertThrowsErrno(Errno.ENOTEMPTY, () -> a.root().removeDirectory("p"));
        a.close();
        EncFs b = Vol.open(store, Freshness.inMemory());
        assertEquals(4, at(b, "p").stat().links());
        assertEquals(3, at(b, "q").stat().links());
        at(b, "q").removeDirectory("y2"); // an unread directory emptied of an unread one
        assertEquals(2, at(b, "q").stat().links());
        TreeMap<String, String> snap = Vol.snapshot(b);
        b.close();
        EncFs c = Vol.open(store, Freshness.inMemory());
        assertEquals(snap, Vol.snapshot(c));
        assertEquals(c.walkedBlocks(), c.liveBlocks());
        c.close();
    }

    private static MemStore legacy() throws Exception {
        // made by the code of a789855 (the format before the space map): see the comment of legacyVolumeMountsAndGetsAMap
        MemStore m = new MemStore();
        try (InputStream in = EncFsMountTest.class.getResourceAsStream("format-2026-12-04.vol")) {
            byte[] all = in.readAllBytes();
            for (int b = 0; b * 4096 < all.length; b++) {
                byte[] blk = java.util.Arrays.copyOfRange(all, b * 4096, b * 4096 + 4096);
                if (!java.util.Arrays.equals(blk, new byte[4096])) m.durable.put((long) b, blk);
            }
        }
        return m;
    }

    private static void checkLegacyContent(EncFs fs) throws ErrnoException {
        byte[] f = new byte[10000];
        for (int i = 0; i < f.length; i++) f[i] = (byte) (i * 7);
        assertArrayEquals(f, Vol.readAll(at(fs, "a/b/f")));
        assertEquals("hello", Vol.read(at(fs, "top")));
        assertEquals("hello", Vol.read(at(fs, "a/hard")));
        assertEquals(2, at(fs, "top").stat().links());
        assertEquals("a/b/f", at(fs, "ln").readlink());
        assertEquals(4, at(fs, "a").stat().links());
        assertEquals(3, fs.root().stat().links());
        assertThrowsErrno(Errno.ENOENT, () -> fs.root().lookup("gone"));
    }

    /**
     * The volume in the resource: a/, a/b/, a/c/, a/b/f (10,000 bytes, byte i = 7i), top ("hello"),
     * a/hard (a second name of top), ln -> a/b/f, and an orphan (a 5,000-byte file unlinked while
     * open, committed, never closed), key {@link Vol#KEY}. Mounted by the walk, it keeps its format
     * until a commit, which writes its map; the orphan is freed by the mount.
     */
    @Test
    void legacyVolumeMountsAndGetsAMap() throws Exception {
        MemStore store = legacy();
        EncFs ro = EncFs.open(store.copy(), Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withReadOnly(true), null);
        checkLegacyContent(ro);
        ro.close();

        MemStore before = store.copy();
        Freshness f = Freshness.inMemory(); // the host's record: a mount that knows the version checks no list
        EncFs fs = Vol.open(store, f);
        checkLegacyContent(fs);
        assertEquals(fs.walkedBlocks(), fs.liveBlocks());
        fs.close(); // the first commit: the directories' records with their counts, and the map
        assertFalse(before.durable.equals(store.durable));

        long reads = store.reads;
        EncFs again = Vol.open(store, f);
        assertTrue(store.reads - reads <= 8, "a mount with a map read " + (store.reads - reads) + " blocks");
        checkLegacyContent(again);
        assertEquals(again.walkedBlocks(), again.liveBlocks());
        write(at(again, "a/c").createFile("new", true), 0, "after the upgrade");
        again.close();
        EncFs third = Vol.open(store, Freshness.inMemory());
        checkLegacyContent(third);
        assertEquals("after the upgrade", Vol.read(at(third, "a/c/new")));
        third.close();
    }

    /**
     * The space map leaves out the inode table's blocks by a set the table's tree keeps as its
     * references change (no walk of the table per commit; the map checks the set against a walk
     * at every commit when assertions are on, as in these tests): a table that grows through two
     * tree heights with a commit per create, then shrinks back as the files go, keeps the map
     * equal to a walk of the volume.
     */
    @Test
    void theMapStaysRightWhileTheInodeTableGrowsAndShrinks() throws ErrnoException {
        MemStore store = new MemStore();
        Freshness f = Freshness.inMemory();
        EncFs fs = Vol.create(store, f);
        int files = 3_000; // 32 records a block: 94 blocks, past one index block's 85 references
        for (int i = 0; i < files; i++) fs.root().createFile("f" + i, true);
        assertEquals(fs.walkedBlocks(), fs.liveBlocks());
        for (int i = files - 1; i >= 0; i--) fs.root().unlink("f" + i);
        fs.close();
        EncFs again = Vol.open(store, f);
        assertEquals(again.walkedBlocks(), again.liveBlocks(), "the map against a walk after the table shrank");
        assertEquals(0, Vol.snapshot(again).size());
        again.close();
    }

    /**
     * A 64 GiB sparse file holds memory for its few blocks, not its length, read back after a
     * mount; cut inside a chunk of references and grown again, the cut part reads as zeros (no
     * reference survives the cut), and the cut blocks are free.
     */
    @Test
    void aSparseFileCostsWhatItHolds() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        Node f = fs.root().createFile("sparse", true);
        long size = 64L << 30;
        f.truncate(size);
        long[] at = {0, 4096L * 1023, 4096L * 1024, 4096L * 5000, 1L << 35, size - 20};
        for (long p : at) write(f, p, "at " + p);
        fs.close();
        EncFs again = Vol.open(store, Freshness.inMemory());
        EncNode n = (EncNode) at(again, "sparse");
        assertEquals(size, n.stat().size());
        for (long p : at) assertEquals("at " + p, readAt(n, p, ("at " + p).length()));
        assertEquals(new String(new byte[4]), readAt(n, 4096L * 3000, 4), "a hole reads as zeros");
        // 5 chunks of data references, 3 + 3 + 1 + 1 of the four index levels above: 13 of the 16,582 a dense file of that length needs
        assertTrue(n.content.refSlots() <= 13 * BlockTree.Refs.CHUNK, n.content.refSlots() + " reference slots for 6 blocks of 16 million");
        n.truncate(4096L * 4500 + 10); // inside the chunk holding block 5000
        n.truncate(4096L * 6000);
        assertEquals(new String(new byte[8]), readAt(n, 4096L * 5000, 8), "a block past a cut comes back as a hole");
        assertEquals("at " + 4096L * 1024, readAt(n, 4096L * 1024, ("at " + 4096L * 1024).length()));
        again.close();
        EncFs third = Vol.open(store, Freshness.inMemory());
        EncNode m = (EncNode) at(third, "sparse");
        assertEquals(new String(new byte[8]), readAt(m, 4096L * 5000, 8));
        assertEquals(third.walkedBlocks(), third.liveBlocks());
        assertTrue(m.content.refSlots() <= 8 * BlockTree.Refs.CHUNK, m.content.refSlots() + " reference slots after the cut");
        third.close();
    }

    private static String readAt(Node n, long p, int len) throws ErrnoException {
        FileHandle h = n.open(true, false);
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(len);
            h.read(b, p);
            return new String(b.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } finally {
            h.close();
        }
    }

    /** A map that leaves out a block some tree refers to: the load of that tree refuses it (the block would be handed out again). */
    @Test
    void aBlockMissingFromTheMapIsRefused() {
        Allocator a = new Allocator(Long.MAX_VALUE, "v");
        BitSet map = new BitSet();
        map.set(5, 9);
        a.claimAll(map);
        assertTrue(a.claim(6));
        assertFalse(a.claim(12), "a block the map has free");
        BitSet used = a.snapshot();
        assertFalse(used.get(12), "and it stays free");
        assertEquals(map.cardinality(), used.cardinality() - 2, "the map's blocks and the superblock slots");
    }

    private interface Call {
        void run() throws ErrnoException;
    }

    private static void assertThrowsErrno(Errno errno, Call c) {
        try {
            c.run();
        } catch (ErrnoException e) {
            assertEquals(errno, e.errno(), e.getMessage());
            return;
        }
        throw new AssertionError("expected " + errno);
    }
}
