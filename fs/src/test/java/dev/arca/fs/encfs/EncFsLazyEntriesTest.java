package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.DirEntry;
import dev.arca.fs.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A directory's entries are entered by inode number at its first use, and each inode is read on
 * the first use of its name (TreeNode.enterStored): a lookup in a directory of n entries reads
 * one inode. What reading them all at once checked is checked as each is read: a directory named
 * in two places, a missing inode, a count of subdirectories that the entries do not give.
 */
class EncFsLazyEntriesTest {

    /** A lookup of one name in a directory of 3,000 reads one inode, not 3,000; a listing reads all. */
    @Test
    void aLookupReadsOneInode() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(60_000));
        fs.root().createDirectory("big");
        fs.root().createDirectory("sub");
        Node big = at(fs, "big");
        for (int i = 0; i < 3_000; i++) big.createFile("f" + i, true);
        for (int i = 0; i < 10; i++) big.createDirectory("d" + i);
        Vol.write(big.lookup("f1234"), 0, "1234");
        fs.close();

        EncFs v = Vol.open(store, Freshness.inMemory());
        int before = v.inodesInMemory();
        Node f = at(v, "big/f1234");
        assertEquals("1234", Vol.read(f));
        assertTrue(v.inodesInMemory() - before <= 2, "a lookup read " + (v.inodesInMemory() - before) + " inodes");
        assertEquals(12, at(v, "big").stat().links(), "the link count, before the subdirectories are read");
        assertEquals(3_010, at(v, "big").list().size());
        assertTrue(v.inodesInMemory() >= 3_012, "a listing reads every inode (types)");
        assertEquals(12, at(v, "big").stat().links());
        v.close();
    }

    /** Changes through names not read yet: the right entries are stored, the counts stay right. */
    @Test
    void changesAmongUnreadEntriesSurviveAMount() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("a");
        Node a = at(fs, "a");
        for (int i = 0; i < 50; i++) a.createFile("f" + i, true);
        for (int i = 0; i < 5; i++) a.createDirectory("d" + i);
        fs.close();

        EncFs v = Vol.open(store, Freshness.inMemory());
        a = at(v, "a");
        a.unlink("f7");
        a.removeDirectory("d3");
        a.rename("f8", a, "g8");
        a.rename("d4", v.root(), "top");
        a.createDirectory("new");
        assertThrows(ErrnoException.class, () -> at(v, "a").lookup("f7"));
        assertEquals(2 + 4, a.stat().links());
        v.close();

        EncFs w = Vol.open(store, Freshness.inMemory());
        a = at(w, "a");
        assertEquals(2 + 4, a.stat().links(), "d0-d2 and new");
        List<DirEntry> names = a.list();
        assertEquals(50 - 2 + 1 + 4, names.size());
        assertTrue(names.stream().anyMatch(e -> e.name().equals("g8")));
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> at(w, "a").lookup("f8")).errno());
        assertEquals(2, at(w, "top").stat().links());
        w.close();
    }

    /** A directory moved into its own subtree is refused although no name on the way was read before. */
    @Test
    void aRenameIntoItsOwnSubtreeIsRefusedAfterAMount() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("a");
        at(fs, "a").createDirectory("b");
        at(fs, "a/b").createDirectory("c");
        fs.close();
        EncFs v = Vol.open(store, Freshness.inMemory());
        Node c = at(v, "a/b/c");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> v.root().rename("a", c, "x")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> at(v, "a").rename("b", c, "x")).errno());
        v.close();
        EncFs w = Vol.open(store, Freshness.inMemory());
        assertEquals(Wasi_DIRECTORY, at(w, "a/b/c").filetype());
        w.close();
    }

    private static final byte Wasi_DIRECTORY = dev.arca.abi.Wasi.FILETYPE_DIRECTORY;

    /** One file under two names in two directories is one node, whichever name is read first. */
    @Test
    void hardLinksInTwoDirectoriesAreOneNode() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("d1");
        fs.root().createDirectory("d2");
        Node f = at(fs, "d1").createFile("f", true);
        Vol.write(f, 0, "shared");
        at(fs, "d2").link("g", f);
        fs.close();
        EncFs v = Vol.open(store, Freshness.inMemory());
        Node g = at(v, "d2/g");
        assertSame(g, at(v, "d1/f"));
        assertEquals(2, g.stat().links());
        at(v, "d1").unlink("f");
        assertEquals(1, g.stat().links());
        v.close();
        EncFs w = Vol.open(store, Freshness.inMemory());
        assertEquals("shared", Vol.read(at(w, "d2/g")));
        assertEquals(1, at(w, "d2/g").stat().links());
        assertEquals(0, at(w, "d1").list().size());
        w.close();
    }

    /**
     * Entries written by hand (as only a holder of the key could): a directory named in a second
     * place is EIO at the use of the second name, the other names still work; a count of
     * subdirectories the entries do not give is EIO at the listing; an entry naming its own
     * directory or the root is EIO at the directory's first use. One line each.
     */
    @Test
    void damageIsFoundWhenTheNameIsRead() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("d");
        fs.root().createDirectory("e");
        fs.root().createDirectory("self");
        fs.root().createDirectory("root");
        Node f = fs.root().createFile("f", true);
        long e = at(fs, "e").stat().inode(), self = at(fs, "self").stat().inode();
        ((EncNode) at(fs, "d")).replaceEntriesForTests(new byte[][] {Vol.entriesBlock("e-again", e, "file", f.stat().inode())});
        ((EncNode) at(fs, "self")).replaceEntriesForTests(new byte[][] {Vol.entriesBlock("me", self)});
        ((EncNode) at(fs, "root")).replaceEntriesForTests(new byte[][] {Vol.entriesBlock("up", InodeTable.ROOT)});
        fs.root().createFile("g", true); // a commit: the records (a count of 0 subdirectories) and the entries as written
        fs.close();

        EncFs v = Vol.open(store, Freshness.inMemory());
        int lines = Vol.LOG.size();
        assertEquals(Wasi_DIRECTORY, at(v, "e").filetype()); // read through its own name first
        assertEquals("", Vol.read(at(v, "d/file")), "another name of d reads");
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> at(v, "d").lookup("e-again")).errno());
        assertEquals(lines + 1, Vol.LOG.size(), "one line");
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> at(v, "d").list()).errno());
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> at(v, "self").lookup("me")).errno());
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> at(v, "root").lookup("up")).errno());
        assertEquals(lines + 4, Vol.LOG.size(), "one line each");
        v.close();

        // the other order: the second name read first, then the directory's own name is the one refused
        EncFs w = Vol.open(store, Freshness.inMemory());
        assertEquals(Wasi_DIRECTORY, at(w, "d/e-again").filetype());
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> w.root().lookup("e")).errno());
        w.close();
    }

    /** The count of subdirectories a record gives is checked once the entries are all read. */
    @Test
    void aCountTheEntriesDoNotGiveIsFoundAtTheListing() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("d");
        fs.root().createDirectory("sub");
        long sub = at(fs, "sub").stat().inode();
        fs.root().createDirectory("holder");
        // holder's record says 0 subdirectories, its entries name a directory (moved out of the root by hand)
        ((EncNode) at(fs, "holder")).replaceEntriesForTests(new byte[][] {Vol.entriesBlock("s", sub)});
        fs.root().createFile("g", true);
        fs.close();
        EncFs v = Vol.open(store, Freshness.inMemory());
        int lines = Vol.LOG.size();
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> at(v, "holder").list()).errno());
        assertEquals(lines + 1, Vol.LOG.size());
        v.close();
    }

    private static EncFs.Options small(int inodes) {
        return Vol.options(Freshness.inMemory()).withCacheInodes(inodes);
    }

    /**
     * A walk of 2,000 files in 20 directories with a cache of 100 inodes: memory stays near the
     * cache, every file reads right, and changes made between the drops survive a mount.
     */
    @Test
    void memoryStaysNearTheCacheThroughAWalk() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        for (int d = 0; d < 20; d++) {
            fs.root().createDirectory("d" + d);
            Node dir = at(fs, "d" + d);
            for (int i = 0; i < 100; i++) Vol.write(dir.createFile("f" + i, true), 0, d + "/" + i);
        }
        fs.close();
        EncFs v = EncFs.open(store, Vol.KEY, Vol::random, small(100), null);
        int most = 0;
        for (int round = 0; round < 2; round++) {
            for (int d = 0; d < 20; d++) {
                for (int i = 0; i < 100; i += 1 + round) {
                    assertEquals(d + "/" + i, Vol.read(at(v, "d" + d + "/f" + i)));
                    most = Math.max(most, v.inodesInMemory());
                }
            }
        }
        assertTrue(most <= 110, "held " + most + " inodes with a cache of 100");
        Vol.write(at(v, "d3/f7"), 0, "changed");
        at(v, "d4").unlink("f8");
        at(v, "d5").rename("f9", at(v, "d6"), "moved");
        for (int d = 0; d < 20; d++) assertEquals(d == 4 ? 99 : d == 5 ? 99 : d == 6 ? 101 : 100, at(v, "d" + d).list().size());
        v.close();
        EncFs w = Vol.open(store, Freshness.inMemory());
        assertEquals("changed", Vol.read(at(w, "d3/f7")));
        assertEquals("5/9", Vol.read(at(w, "d6/moved")));
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> at(w, "d4/f8")).errno());
        assertEquals(22, w.root().stat().links());
        w.close();
    }

    /**
     * What something still holds is the same object when its name is used again (a path walk, a
     * directory in use): two objects for one inode would each commit their own state. What
     * changed and is not committed stays in memory whatever the cache.
     */
    @Test
    void aHeldNodeIsTheOneGivenAgainAndAChangedOneStays() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("a");
        fs.root().createDirectory("churn");
        for (int i = 0; i < 200; i++) at(fs, "churn").createFile("c" + i, true);
        at(fs, "a").createFile("kept", true);
        fs.close();
        EncFs v = EncFs.open(store, Vol.KEY, Vol::random, small(10).withCommitAtSync(3_600_000), null);
        Node a = at(v, "a"); // held, not pinned: as a path walk holds it
        Node kept = at(v, "a/kept");
        Vol.write(at(v, "churn/c1"), 0, "not committed");
        for (int i = 0; i < 200; i++) at(v, "churn/c" + i).stat(); // far past the cache: drops
        assertTrue(v.inodesInMemory() <= 12, "held " + v.inodesInMemory());
        assertSame(a, at(v, "a"), "the directory in use is the one given again");
        assertSame(kept, at(v, "a/kept"));
        a.createFile("through-the-held-one", true); // its entries read again, the change in the one object
        for (int i = 0; i < 200; i++) at(v, "churn/c" + i).stat();
        assertEquals(2, at(v, "a").list().size());
        assertEquals("not committed", Vol.read(at(v, "churn/c1")));
        v.close();
        EncFs w = Vol.open(store, Freshness.inMemory());
        assertEquals(2, at(w, "a").list().size());
        assertEquals("not committed", Vol.read(at(w, "churn/c1")));
        w.close();
    }

    /** A rename into its own subtree is refused after the way there was dropped and read again. */
    @Test
    void aRenameIntoItsOwnSubtreeIsRefusedAfterDrops() throws ErrnoException {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        fs.root().createDirectory("a");
        at(fs, "a").createDirectory("b");
        at(fs, "a/b").createDirectory("c");
        fs.root().createDirectory("churn");
        for (int i = 0; i < 100; i++) at(fs, "churn").createFile("c" + i, true);
        fs.close();
        EncFs v = EncFs.open(store, Vol.KEY, Vol::random, small(5), null);
        for (int round = 0; round < 3; round++) {
            Node c = at(v, "a/b/c");
            for (int i = 0; i < 100; i++) at(v, "churn/c" + i).stat();
            assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> v.root().rename("a", c, "x")).errno());
        }
        v.close();
    }
    /**
     * Two threads on one volume with a cache of 64 inodes: one stats and reads files at random
     * (so inodes and directories are let go and read again all the time), the other creates,
     * writes, renames and unlinks among the same names, with changes left uncommitted between
     * commits. Every read sees its own name or an empty file just made, and after a mount the volume is what
     * the writer's model says.
     */
    @Test
    void dropsRaceChangesOnAnotherThread() throws Exception {
        MemStore store = new MemStore();
        EncFs fs = Vol.create(store, Freshness.inMemory());
        for (int d = 0; d < 8; d++) {
            fs.root().createDirectory("d" + d);
            for (int i = 0; i < 40; i++) Vol.write(at(fs, "d" + d).createFile("f" + i, true), 0, "d" + d + "/f" + i);
        }
        fs.close();
        EncFs v = EncFs.open(store, Vol.KEY, Vol::random, small(64).withCommitAtSync(3_600_000), null);
        java.util.TreeMap<String, String> model = new java.util.TreeMap<>();
        for (int d = 0; d < 8; d++) for (int i = 0; i < 40; i++) model.put("d" + d + "/f" + i, "d" + d + "/f" + i);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            java.util.Random r = new java.util.Random(1);
            try {
                for (int k = 0; k < 20_000; k++) {
                    String p = "d" + r.nextInt(8) + "/" + (r.nextBoolean() ? "f" : "g") + r.nextInt(40);
                    try {
                        String text = Vol.read(at(v, p));
                        // empty: made and not yet written (two calls of the writer)
                        if (!text.isEmpty() && !text.equals(p)) throw new AssertionError(p + " read as " + text);
                    } catch (ErrnoException e) {
                        if (e.errno() != Errno.ENOENT) throw e; // unlinked or renamed meanwhile
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        reader.start();
        java.util.Random r = new java.util.Random(2);
        for (int k = 0; k < 3_000; k++) {
            String dir = "d" + r.nextInt(8);
            int i = r.nextInt(40);
            String f = dir + "/f" + i, g = dir + "/g" + i;
            switch (r.nextInt(4)) {
                case 0 -> { // a file under f, its content its own name
                    if (!model.containsKey(f)) {
                        Vol.write(at(v, dir).createFile("f" + i, true), 0, f);
                        model.put(f, f);
                    }
                }
                case 1 -> { // f unlinked
                    if (model.remove(f) != null) at(v, dir).unlink("f" + i);
                }
                case 2 -> { // g made from f's content, then f unlinked (content follows its name)
                    if (model.containsKey(f) && !model.containsKey(g)) {
                        Vol.write(at(v, dir).createFile("g" + i, true), 0, g);
                        at(v, dir).unlink("f" + i);
                        model.remove(f);
                        model.put(g, g);
                    }
                }
                default -> v.commit();
            }
        }
        reader.join();
        if (failed.get() != null) throw new AssertionError("the reader failed", failed.get());
        assertTrue(v.inodesInMemory() < 400, "held " + v.inodesInMemory());
        v.close();
        EncFs w = Vol.open(store, Freshness.inMemory());
        java.util.TreeMap<String, String> found = new java.util.TreeMap<>();
        for (int d = 0; d < 8; d++) {
            for (DirEntry e : at(w, "d" + d).list()) found.put("d" + d + "/" + e.name(), Vol.read(at(w, "d" + d + "/" + e.name())));
        }
        assertEquals(model, found);
        w.close();
    }
}
