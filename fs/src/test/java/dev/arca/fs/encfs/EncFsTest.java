package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static dev.arca.fs.encfs.Vol.read;
import static dev.arca.fs.encfs.Vol.readAll;
import static dev.arca.fs.encfs.Vol.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.Times;
import dev.arca.host.LinuxHost;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every Node and FileHandle operation on an encrypted volume, and that it all persists. */
class EncFsTest {
    private final MemStore store = new MemStore();
    private final Freshness fresh = Freshness.inMemory();
    private EncFs fs = create();
    private Node root = fs.root();

    private EncFs create() {
        try {
            return Vol.create(store, fresh);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }

    /** Closes and opens the volume again: everything must come back from the store. */
    private void remount() throws ErrnoException {
        fs.close();
        fs = Vol.open(store, fresh);
        root = fs.root();
    }

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    static List<String> names(Node dir) throws ErrnoException {
        return dir.list().stream().map(DirEntry::name).toList();
    }

    @Test
    void createWriteReadPersist() throws ErrnoException {
        Node f = root.createFile("a.txt", true);
        write(f, 0, "hello, world");
        assertEquals("hello, world", read(f));
        assertSame(f, root.lookup("a.txt"));
        assertErrno(Errno.EEXIST, () -> root.createFile("a.txt", true));
        assertSame(f, root.createFile("a.txt", false));
        remount();
        assertEquals("hello, world", read(root.lookup("a.txt")));
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, root.lookup("a.txt").filetype());
        assertEquals(12, root.lookup("a.txt").stat().size());
    }

    @Test
    void plaintextNeverReachesTheStore() throws ErrnoException {
        Node f = root.createFile("secret-name-xyzzy", true);
        write(f, 0, "TOP-SECRET-CONTENT-" + "x".repeat(5000));
        root.createSymlink("link-name-plugh", "target-of-link-quux");
        fs.commit();
        for (byte[] b : store.copy().durable.values()) {
            String s = new String(b, StandardCharsets.ISO_8859_1);
            assertFalse(s.contains("TOP-SECRET"));
            assertFalse(s.contains("xyzzy"));
            assertFalse(s.contains("plugh"));
            assertFalse(s.contains("quux"));
        }
    }

    @Test
    void largeAndUnalignedIo() throws ErrnoException {
        Node f = root.createFile("big", true);
        byte[] data = new byte[700_000]; // > 85 blocks: a two-level tree
        Vol.random(data);
        FileHandle h = f.open(true, true);
        int pos = 0;
        for (int chunk : new int[] {1, 4095, 4096, 10_000, 333}) {
            h.write(ByteBuffer.wrap(data, pos, chunk), pos);
            pos += chunk;
        }
        h.write(ByteBuffer.wrap(data, pos, data.length - pos), pos);
        h.close();
        assertArrayEquals(data, readAll(f));
        remount();
        assertArrayEquals(data, readAll(at(fs, "big")));
        // a read across block edges at an odd place
        FileHandle r = at(fs, "big").open(true, false);
        ByteBuffer dst = ByteBuffer.allocate(9000);
        assertEquals(9000, r.read(dst, 4000));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 4000, 13000), dst.array());
        assertEquals(0, r.read(ByteBuffer.allocate(10), data.length));
        r.close();
    }

    @Test
    void sparseFilesAndTruncation() throws ErrnoException {
        Node f = root.createFile("sparse", true);
        int before = fs.blocksInUse();
        write(f, 100L << 20, "end"); // 100 MiB hole
        assertEquals((100L << 20) + 3, f.stat().size());
        assertTrue(fs.blocksInUse() - before < 10, "a hole takes no space: " + (fs.blocksInUse() - before));
        FileHandle h = f.open(true, false);
        ByteBuffer dst = ByteBuffer.allocate(4);
        h.read(dst, 50L << 20);
        assertArrayEquals(new byte[4], dst.array());
        h.close();
        f.truncate(2);
        assertEquals(2, f.stat().size());
        f.truncate(10_000);
        byte[] all = readAll(f);
        assertEquals(10_000, all.length);
        for (byte b : all) assertEquals(0, b, "truncated bytes come back as zeros");
        Node g = root.createFile("g", true);
        write(g, 0, "abcdefgh");
        g.truncate(3);
        g.truncate(8);
        assertArrayEquals(new byte[] {'a', 'b', 'c', 0, 0, 0, 0, 0}, readAll(g));
        remount();
        assertEquals(10_000, at(fs, "sparse").stat().size());
        assertArrayEquals(new byte[] {'a', 'b', 'c', 0, 0, 0, 0, 0}, readAll(at(fs, "g")));
        assertErrno(Errno.EISDIR, () -> root.truncate(0));
    }

    @Test
    void severalHandlesAndWritersShareOneFile() throws ErrnoException {
        Node f = root.createFile("shared", true);
        FileHandle a = f.open(true, true);
        FileHandle b = f.open(true, true);
        a.write(ByteBuffer.wrap("aaaa".getBytes()), 0);
        b.write(ByteBuffer.wrap("bb".getBytes()), 2);
        ByteBuffer dst = ByteBuffer.allocate(4);
        a.read(dst, 0);
        assertEquals("aabb", new String(dst.array()));
        assertEquals(4, b.size());
        b.truncate(1);
        assertEquals(1, a.size());
        a.sync(false);
        a.close();
        b.close();
        remount();
        assertEquals("a", read(at(fs, "shared")));
    }

    @Test
    void directories() throws ErrnoException {
        root.createDirectory("d");
        Node d = root.lookup("d");
        d.createDirectory("e");
        d.createFile("f", true);
        assertEquals(List.of("e", "f"), names(d));
        assertEquals(3, d.stat().links());
        assertErrno(Errno.EEXIST, () -> root.createDirectory("d"));
        assertErrno(Errno.ENOTEMPTY, () -> root.removeDirectory("d"));
        assertErrno(Errno.ENOTDIR, () -> d.removeDirectory("f"));
        assertErrno(Errno.EISDIR, () -> d.unlink("e"));
        assertErrno(Errno.ENOENT, () -> d.lookup("zz"));
        assertErrno(Errno.ENOTDIR, () -> d.lookup("f").lookup("x"));
        assertErrno(Errno.EISDIR, () -> d.open(true, false));
        Node e = d.lookup("e");
        d.removeDirectory("e");
        assertErrno(Errno.ENOENT, () -> e.createFile("x", true));
        remount();
        assertEquals(List.of("f"), names(at(fs, "d")));
        for (int i = 0; i < 300; i++) at(fs, "d").createFile("file-with-a-long-name-" + i, true); // > 1 block of entries
        remount();
        assertEquals(301, at(fs, "d").list().size());
    }

    @Test
    void symlinksAndHardLinks() throws ErrnoException {
        root.createSymlink("l", "some/where/../x");
        assertEquals("some/where/../x", root.lookup("l").readlink());
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, root.lookup("l").filetype());
        assertErrno(Errno.ELOOP, () -> root.lookup("l").open(true, false));
        assertErrno(Errno.EINVAL, () -> root.readlink());
        Node f = root.createFile("f", true);
        write(f, 0, "data");
        root.link("h", f);
        assertEquals(2, f.stat().links());
        assertErrno(Errno.EPERM, () -> root.link("hd", root));
        root.unlink("f");
        assertEquals(1, f.stat().links());
        remount();
        assertEquals("data", read(root.lookup("h")));
        assertEquals("some/where/../x", root.lookup("l").readlink());
        assertEquals(1, root.lookup("h").stat().links());
    }

    @Test
    void renameCases() throws ErrnoException {
        root.createDirectory("a");
        root.createDirectory("b");
        Node a = root.lookup("a");
        write(a.createFile("x", true), 0, "x");
        write(root.createFile("y", true), 0, "y");
        root.rename("y", a, "x"); // replaces x
        assertEquals("y", read(a.lookup("x")));
        assertErrno(Errno.EINVAL, () -> root.rename("a", a, "inner"));
        assertErrno(Errno.EISDIR, () -> a.rename("x", root, "b"));
        assertErrno(Errno.ENOTEMPTY, () -> root.rename("b", root, "a"));
        root.rename("a", root.lookup("b"), "a2");
        assertEquals(List.of("b"), names(root));
        remount();
        assertEquals("y", read(at(fs, "b/a2/x")));
        assertEquals(3, at(fs, "b").stat().links());
    }

    @Test
    void unlinkedFileLivesWhileOpenAndIsFreedAfter() throws ErrnoException {
        Node f = root.createFile("tmp", true);
        FileHandle h = f.open(true, true);
        h.write(ByteBuffer.wrap(new byte[50_000]), 0);
        h.write(ByteBuffer.wrap("z".getBytes()), 0);
        root.unlink("tmp");
        ByteBuffer dst = ByteBuffer.allocate(1);
        h.read(dst, 0);
        assertEquals('z', dst.get(0));
        int before = fs.blocksInUse();
        h.close();
        fs.commit();
        assertTrue(fs.blocksInUse() < before);
        remount();
        assertEquals(List.of(), names(root));
    }

    /**
     * Rewriting a block already changed (not yet sealed) holds no more memory, so it must not
     * count as one more dirty block: else, past the write-behind limit, every write would seal.
     */
    @Test
    void rewritingOneChangedBlockSealsNothingBeforeACommit() throws ErrnoException {
        FileHandle h = root.createFile("f", true).open(true, true);
        long before = store.writes;
        for (int i = 0; i < 3 * EncFs.CACHE_BLOCKS; i++) {
            h.write(ByteBuffer.wrap(new byte[] {(byte) i}), 7);
        }
        assertEquals(before, store.writes, "nothing sealed to the store before the commit");
        h.sync(false);
        assertTrue(store.writes > before);
        h.close();
    }

    @Test
    void timesAndStat() throws ErrnoException {
        Node f = root.createFile("t", true);
        f.setTimes(5, Times.OMIT);
        assertEquals(5, f.stat().atime());
        f.setTimes(Times.OMIT, 7);
        assertEquals(7, f.stat().mtime());
        long ino = f.stat().inode();
        remount();
        Node g = root.lookup("t");
        assertEquals(5, g.stat().atime());
        assertEquals(7, g.stat().mtime());
        assertEquals(ino, g.stat().inode());
        assertNotEquals(ino, root.stat().inode());
    }

    @Test
    void reusedBlocksAfterOverwriteDoNotLeak() throws ErrnoException {
        Node f = root.createFile("f", true);
        byte[] data = new byte[40_000];
        for (int round = 0; round < 5; round++) {
            Vol.random(data);
            write(f, 0, data);
        }
        int steady = fs.blocksInUse();
        for (int round = 0; round < 5; round++) {
            Vol.random(data);
            write(f, 0, data);
        }
        assertTrue(fs.blocksInUse() <= steady + 2, fs.blocksInUse() + " vs " + steady);
        assertTrue(store.size() < 60, "the store stays small: " + store.size());
    }

    @Test
    void readOnlyMount() throws ErrnoException {
        write(root.createFile("f", true), 0, "x");
        fs.close();
        EncFs ro = EncFs.open(store, Vol.KEY, Vol::random, Vol.options(fresh).withReadOnly(true), null);
        assertEquals("x", read(ro.root().lookup("f")));
        assertErrno(Errno.EROFS, () -> ro.root().createFile("g", true));
        assertErrno(Errno.EROFS, () -> ro.root().lookup("f").open(false, true));
    }

    @Test
    void secondInstanceOnTheSameHostFileIsRefused(@TempDir Path dir) throws ErrnoException {
        LinuxHost host = new LinuxHost();
        Path p = dir.resolve("vol");
        try (HostBlockStore s = HostBlockStore.open(host, p, true, true)) {
            EncFs a = EncFs.create(s, Vol.KEY, host::randomBytes, Vol.options(fresh));
            write(a.root().createFile("f", true), 0, "one");
            assertErrno(Errno.EBUSY, () -> HostBlockStore.open(host, p, true, false));
            a.close();
        }
        try (HostBlockStore s = HostBlockStore.open(host, p, true, false)) {
            EncFs b = EncFs.open(s, Vol.KEY, host::randomBytes, Vol.options(fresh), null);
            assertEquals("one", read(b.root().lookup("f")));
            b.close();
        }
    }

    @Test
    void localFreshnessSurvivesRestartsAndRefusesForgery(@TempDir Path dir) throws Exception {
        LinuxHost host = new LinuxHost();
        LocalFreshness lf = new LocalFreshness(host, dir.resolve("state"), Vol.KEY);
        byte[] id = new byte[16];
        assertEquals(-1, lf.known(id));
        lf.advance(id, 5);
        assertEquals(5, new LocalFreshness(host, dir.resolve("state"), Vol.KEY).known(id));
        assertErrno(Errno.EIO, () -> new LocalFreshness(host, dir.resolve("state"), Vol.OTHER_KEY).known(id));
        Path f = dir.resolve("state").resolve("00000000000000000000000000000000.version");
        byte[] b = Files.readAllBytes(f);
        b[7] = 9; // claim version 9
        Files.write(f, b);
        assertErrno(Errno.EIO, () -> lf.known(id));
    }

    @Test
    void inodeNumbersAreTheLowestFreeOnesAfterRemovalsAndAcrossAMount() throws Exception {
        MemStore store = new MemStore();
        Freshness f = Freshness.inMemory();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(f).withCommitEagerly(false));
        Node root = fs.root();
        long[] ino = new long[2000];
        for (int i = 0; i < ino.length; i++) ino[i] = root.createFile("f" + i, true).stat().inode();
        for (int i = 1; i < ino.length; i++) assertEquals(ino[0] + i, ino[i], "numbers in order");
        root.unlink("f1500");
        root.unlink("f7");
        assertEquals(ino[7], root.createFile("x", true).stat().inode(), "the lowest free number");
        assertEquals(ino[1500], root.createFile("y", true).stat().inode(), "then the next free one");
        assertEquals(ino[1999] + 1, root.createFile("z", true).stat().inode(), "then past the highest");
        root.unlink("f3");
        fs.close();
        EncFs again = Vol.open(store, f); // the bitmap of numbers in use is rebuilt at mount
        assertEquals(ino[3], again.root().createFile("w", true).stat().inode());
        assertEquals(ino[1999] + 2, again.root().createFile("v", true).stat().inode());
        again.close();
    }

    /** Blocks of the host file that read as all zeros (holes, or never written). */
    private static int zeroBlocks(Path p) throws Exception {
        byte[] all = Files.readAllBytes(p);
        int zero = 0;
        for (int at = 0; at + 4096 <= all.length; at += 4096) {
            boolean z = true;
            for (int i = at; i < at + 4096 && z; i++) z = all[i] == 0;
            if (z) zero++;
        }
        return zero;
    }

    /** Blocks of 512 bytes the host file system holds for {@code p} (st_blocks). */
    private static long hostBlocks(Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, pr.waitFor(), out);
        return Long.parseLong(out);
    }

    @Test
    void freedSpaceGoesBackToTheHostAndTheVolumeStillOpens(@TempDir Path dir) throws Exception {
        LinuxHost host = new LinuxHost();
        Path p = dir.resolve("v.vol");
        Freshness f = Freshness.inMemory();
        EncFs fs = EncFs.create(HostBlockStore.open(host, p, true, true), Vol.KEY, Vol::random, Vol.options(f));
        byte[] big = new byte[8 << 20];
        new java.util.Random(1).nextBytes(big);
        write(fs.root().createFile("big", true), 0, big);
        write(fs.root().createFile("small", true), 0, "after the big one");
        fs.commit();
        long size = Files.size(p), held = hostBlocks(p);
        assertTrue(size > big.length, "the volume holds the file: " + size);
        fs.root().unlink("big");
        fs.commit(); // frees big's blocks once durable (the version before still referred to them), and gives them back
        assertTrue(zeroBlocks(p) >= 2000, "big's 2048 blocks are holes now: " + zeroBlocks(p));
        assertTrue(hostBlocks(p) < held / 2, "the host holds " + hostBlocks(p) + " of " + held + " blocks of 512 bytes");
        write(fs.root().lookup("small"), 0, "after the big one"); // the next commit moves what that one wrote past big's blocks
        fs.commit();
        assertTrue(hostBlocks(p) < held / 2, "the host holds " + hostBlocks(p) + " of " + held + " blocks of 512 bytes");
        fs.close();
        EncFs again = EncFs.open(HostBlockStore.open(host, p, true, false), Vol.KEY, Vol::random, Vol.options(f), null);
        assertEquals("after the big one", read(at(again, "small")));
        assertErrno(Errno.ENOENT, () -> again.root().lookup("big"));
        // the volume writes into the holes again, and it reads back after a mount
        write(again.root().createFile("big2", true), 0, big);
        again.close();
        EncFs third = EncFs.open(HostBlockStore.open(host, p, true, false), Vol.KEY, Vol::random, Vol.options(f), null);
        assertArrayEquals(big, readAll(at(third, "big2")));
        // everything removed: the host file is cut after the last block in use
        third.root().unlink("big2");
        third.root().unlink("small");
        third.commit();
        write(third.root().createFile("tiny", true), 0, "t");
        third.close();
        assertTrue(Files.size(p) < size / 8, "the host file is cut: " + Files.size(p) + " bytes of " + size);
        EncFs last = EncFs.open(HostBlockStore.open(host, p, true, false), Vol.KEY, Vol::random, Vol.options(f), null);
        assertEquals("t", read(at(last, "tiny")));
        last.close();
    }

    /** Polls {@code fs}'s version until it passes {@code v} (a background commit), for at most 30 s. */
    private static long versionAfter(EncFs fs, long v) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (fs.version() <= v && System.nanoTime() < deadline) Thread.sleep(20);
        return fs.version();
    }

    @Test
    void aVolumeThatCommitsAtFsyncCommitsOtherChangesTogetherInTheBackground() throws Exception {
        MemStore store = new MemStore();
        Freshness f = Freshness.inMemory();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(f).withCommitAtSync(2_000));
        long v0 = fs.version();
        fs.root().createDirectory("d");
        Node d = fs.root().lookup("d");
        for (int i = 0; i < 100; i++) write(d.createFile("f" + i, true), 0, "x" + i);
        // nothing acknowledged yet: no commit ran (the bound is 2 s away), the disk holds the empty volume
        assertEquals(v0, fs.version(), "a change of names and a close do not commit");
        long v1 = versionAfter(fs, v0);
        assertTrue(v1 > v0, "committed in the background");
        assertTrue(v1 - v0 <= 3, "101 changes shared the commit: " + (v1 - v0) + " commits");
        EncFs crashed = Vol.open(store.afterCrash(MemStore.Crash.NONE_UNSYNCED), f);
        assertEquals("x99", read(at(crashed, "d/f99")));
        crashed.close();
        // fsync of a directory commits at once
        d.rename("f0", d, "g0");
        fs.sync(d);
        assertEquals(v1 + 1, fs.version());
        EncFs again = Vol.open(store.afterCrash(MemStore.Crash.NONE_UNSYNCED), f);
        assertEquals("x0", read(at(again, "d/g0")));
        again.close();
        fs.close();
    }

    @Test
    void backgroundCommitsRacingTwoWritersKeepEveryStateWhole() throws Exception {
        // commits every 2 ms from the committer thread while two threads create, write, rename and
        // remove: every remount of the disk as it stood (synced blocks only) opens with no security
        // line, and after the unmount the volume holds exactly what the writers left
        MemStore store = new MemStore();
        java.util.concurrent.atomic.AtomicLong recorded = new java.util.concurrent.atomic.AtomicLong(-1);
        Freshness f = new Freshness() { // one volume: the version recorded, read without the volume's lock
            @Override
            public long known(byte[] id) {
                return recorded.get();
            }

            @Override
            public void advance(byte[] id, long v) {
                recorded.accumulateAndGet(v, Math::max);
            }
        };
        int logged = Vol.LOG.size();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(f).withCommitAtSync(2).withCacheBlocks(16));
        for (String d : List.of("a", "b")) fs.root().createDirectory(d);
        Thread[] writers = new Thread[2];
        Throwable[] failed = new Throwable[2];
        for (int w = 0; w < 2; w++) {
            int me = w;
            writers[w] = new Thread(() -> {
                try {
                    Node dir = fs.root().lookup(me == 0 ? "a" : "b");
                    byte[] body = new byte[3 * 4096 + 17];
                    for (int i = 0; i < 400; i++) {
                        java.util.Arrays.fill(body, (byte) i);
                        write(dir.createFile("t" + i, true), 0, body);
                        dir.rename("t" + i, dir, "f" + i);
                        if (i % 3 == 0) dir.unlink("f" + i);
                    }
                } catch (Throwable t) {
                    failed[me] = t;
                }
            });
            writers[w].start();
        }
        int remounts = 0;
        while (writers[0].isAlive() || writers[1].isAlive()) {
            // the version recorded before the copy: the copy's superblock is at least that one (synced first)
            long v = recorded.get();
            EncFs seen = Vol.open(store.afterCrash(MemStore.Crash.NONE_UNSYNCED), new Freshness() {
                @Override
                public long known(byte[] id) {
                    return v;
                }

                @Override
                public void advance(byte[] id, long version) {
                }
            });
            seen.close();
            remounts++;
        }
        for (Thread t : writers) t.join();
        assertEquals(null, failed[0]);
        assertEquals(null, failed[1]);
        assertTrue(fs.version() > 2, "background commits ran: version " + fs.version());
        fs.close();
        EncFs back = Vol.open(store, f);
        for (String d : List.of("a", "b")) {
            for (int i = 0; i < 400; i++) {
                if (i % 3 == 0) {
                    int gone = i;
                    assertErrno(Errno.ENOENT, () -> at(back, d + "/f" + gone));
                    continue;
                }
                byte[] got = readAll(at(back, d + "/f" + i));
                assertEquals(3 * 4096 + 17, got.length);
                assertEquals((byte) i, got[got.length - 1], d + "/f" + i);
            }
        }
        back.close();
        synchronized (Vol.LOG) {
            assertTrue(Vol.LOG.subList(logged, Vol.LOG.size()).stream().noneMatch(l -> l.contains("security") || l.contains("failed")),
                    "no security line, no failed commit after " + remounts + " remounts: " + Vol.LOG.subList(logged, Vol.LOG.size()));
        }
    }

    @Test
    void aBackgroundCommitThatFailsIsLoggedAndTheNextFsyncGetsTheError() throws Exception {
        MemStore store = new MemStore();
        int logged = Vol.LOG.size();
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withCommitAtSync(50));
        long v0 = fs.version();
        store.writesLeft = 0; // the disk fails from now on
        fs.root().createFile("a", true);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (Vol.LOG) {
                if (Vol.LOG.subList(logged, Vol.LOG.size()).stream().anyMatch(l -> l.contains("background commit failed"))) break;
            }
            Thread.sleep(20);
        }
        synchronized (Vol.LOG) {
            assertTrue(Vol.LOG.subList(logged, Vol.LOG.size()).stream().anyMatch(l -> l.contains("background commit failed")), "logged");
        }
        assertEquals(v0, fs.version());
        assertErrno(Errno.EIO, () -> fs.sync(fs.root()));
        assertEquals(v0, fs.version());
        assertErrno(Errno.EIO, fs::close); // unmounted even so: no more background commits are tried
        assertErrno(Errno.EIO, () -> fs.sync(fs.root()));
    }

    @Test
    void localFreshnessKeepsTwoSlotsSoATornWriteLeavesTheVersionBefore(@TempDir Path dir) throws Exception {
        LinuxHost host = new LinuxHost();
        Path state = dir.resolve("state");
        LocalFreshness lf = new LocalFreshness(host, state, Vol.KEY);
        byte[] id = new byte[16];
        Path f = state.resolve("00000000000000000000000000000000.version");
        // a record of the one-slot format (40 bytes, as written before 2026-12-04) reads as slot 0
        Files.createDirectories(state);
        lf.advance(id, 3);
        byte[] one = java.util.Arrays.copyOf(Files.readAllBytes(f), LocalFreshness.SLOT);
        Files.write(f, one);
        assertEquals(3, lf.known(id));
        for (long v = 4; v <= 9; v++) {
            lf.advance(id, v);
            assertEquals(v, lf.known(id));
        }
        assertEquals(LocalFreshness.SLOT_STRIDE + LocalFreshness.SLOT, Files.size(f), "written in place: the file does not grow");
        // 3 in slot 0, then 4 in slot 1, 5 in slot 0, ...: 9 is in slot 0, and a crash tearing it leaves 8, never less
        byte[] b = Files.readAllBytes(f);
        b[20] ^= 1;
        Files.write(f, b);
        assertEquals(8, lf.known(id));
        lf.advance(id, 10); // written over the spoilt slot, not over 8
        assertEquals(10, lf.known(id));
        b = Files.readAllBytes(f);
        b[7] = 0x7f; // a forged higher version in the newer slot (slot 0 again)
        Files.write(f, b);
        assertEquals(8, lf.known(id), "a slot that does not authenticate counts for nothing");
        b[LocalFreshness.SLOT_STRIDE + 3] ^= 1; // and the other slot spoilt too: no version at all
        Files.write(f, b);
        assertErrno(Errno.EIO, () -> lf.known(id));
        Files.write(f, java.util.Arrays.copyOf(b, 20)); // cut short by the host
        assertErrno(Errno.EIO, () -> lf.known(id));
        // another volume key cannot read or vouch for this record
        Files.delete(f);
        lf.advance(id, 11);
        assertErrno(Errno.EIO, () -> new LocalFreshness(host, state, Vol.OTHER_KEY).known(id));
        assertEquals(11, new LocalFreshness(host, state, Vol.KEY).known(id));
        // the record is kept open between advances: one the host renamed an older copy over is written anew
        Path older = state.resolve("older");
        Files.copy(f, older);
        lf.advance(id, 12);
        Files.move(older, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(11, new LocalFreshness(host, state, Vol.KEY).known(id));
        lf.advance(id, 13);
        assertEquals(13, new LocalFreshness(host, state, Vol.KEY).known(id), "written to the file the name now has");
        lf.close();
    }

    @Test
    void wrongKeyAndNotAVolume() throws ErrnoException {
        write(root.createFile("f", true), 0, "x");
        fs.close();
        assertErrno(Errno.EACCES, () -> EncFs.open(store, Vol.OTHER_KEY, Vol::random, Vol.options(fresh), null));
        assertErrno(Errno.EACCES, () -> EncFs.open(store, null, Vol::random, Vol.options(fresh), null));
        assertErrno(Errno.EIO, () -> EncFs.open(new MemStore(), Vol.KEY, Vol::random, Vol.options(fresh), null));
        MemStore junk = new MemStore();
        junk.durable.put(0L, new byte[4096]);
        assertErrno(Errno.EIO, () -> EncFs.open(junk, Vol.KEY, Vol::random, Vol.options(fresh), null));
        assertErrno(Errno.EINVAL, () -> VolumeKey.fromKeyFile("short".getBytes()));
        VolumeKey.fromKeyFile(("00".repeat(32) + "\n").getBytes());
    }

    @Test
    void diskFullGivesEnospcAndLosesNothingCommitted() throws ErrnoException {
        write(root.createFile("keep", true), 0, "committed");
        store.capacity = store.size() + 3;
        Node f = root.createFile("fill", false);
        FileHandle h = f.open(true, true);
        ErrnoException e = assertThrows(ErrnoException.class, () -> {
            for (int i = 0; i < 100; i++) {
                h.write(ByteBuffer.wrap(new byte[4096]).put(0, (byte) 1), i * 4096L);
                h.sync(false);
            }
        });
        assertEquals(Errno.ENOSPC, e.errno());
        h.close();
        store.capacity = Long.MAX_VALUE;
        MemStore after = store.afterCrash(MemStore.Crash.NONE_UNSYNCED);
        EncFs again = Vol.open(after, fresh);
        assertEquals("committed", read(again.root().lookup("keep")));
        // and the volume's own limit
        EncFs small = EncFs.create(new MemStore(), Vol.KEY, Vol::random, Vol.options(Freshness.inMemory()).withMaxBlocks(12));
        FileHandle s = small.root().createFile("x", true).open(true, true);
        assertErrno(Errno.ENOSPC, () -> {
            byte[] ones = new byte[100_000];
            java.util.Arrays.fill(ones, (byte) 1);
            s.write(ByteBuffer.wrap(ones), 0);
            s.sync(false);
        });
        s.close(); // cannot commit either: the change stays in memory
        small.root().unlink("x"); // frees the space, and commits
        small.commit();
    }

    /**
     * A commit whose record cannot advance (the cluster unreachable) fails with EIO and frees
     * nothing: the blocks the last recorded version uses stay as they are while the volume goes on
     * changing, so that version still mounts whole, and the next commit makes everything durable.
     */
    @Test
    void aCommitWhoseRecordFailsFreesNothingAndIsMadeAgain() throws ErrnoException {
        boolean[] down = {false};
        Freshness flaky = new Freshness() {
            @Override
            public long known(byte[] id) throws ErrnoException {
                return fresh.known(id);
            }

            @Override
            public void advance(byte[] id, long v) throws ErrnoException {
                if (down[0]) throw Errno.EIO.fail("the record is unreachable");
                fresh.advance(id, v);
            }
        };
        MemStore s = new MemStore();
        EncFs v = Vol.create(s, flaky);
        write(v.root().createFile("a", true), 0, "first version of a, long enough to fill a block ".repeat(100));
        MemStore recorded = s.afterCrash(MemStore.Crash.NONE_UNSYNCED); // the store as the record knows it
        down[0] = true;
        Node a = v.root().lookup("a");
        FileHandle h = a.open(true, true);
        for (int round = 0; round < 5; round++) { // each rewrite would free the blocks of the last
            h.write(ByteBuffer.wrap(("round " + round + " ").repeat(600).getBytes(StandardCharsets.UTF_8)), 0);
            assertErrno(Errno.EIO, () -> h.sync(false));
        }
        // what the record names is still whole on the store that was written on since: with the
        // superblock slot of the failed commits put back as it was, the volume mounts the recorded
        // version from today's blocks
        MemStore now = s.afterCrash(MemStore.Crash.NONE_UNSYNCED);
        for (long slot = 0; slot < 2; slot++) {
            if (!java.util.Arrays.equals(now.durable.get(slot), recorded.durable.get(slot))) now.durable.put(slot, recorded.durable.get(slot));
        }
        assertTrue(read(Vol.open(now, fresh).root().lookup("a")).startsWith("first version"));
        down[0] = false;
        h.sync(false);
        h.close();
        v.close();
        assertTrue(read(Vol.open(s, fresh).root().lookup("a")).startsWith("round 4"));
    }

    @Test
    void integrityOnlyImageHasADeterministicRoot() throws ErrnoException {
        byte[][] roots = new byte[2][];
        MemStore[] stores = {new MemStore(), new MemStore()};
        for (int i = 0; i < 2; i++) {
            EncFs img = EncFs.create(stores[i], null, Vol::random, EncFs.Options.defaults(() -> 0L).withCommitEagerly(false));
            img.root().createDirectory("bin");
            write(img.root().lookup("bin").createFile("app", true), 0, "program bytes");
            img.root().createSymlink("l", "bin/app");
            img.commit();
            roots[i] = img.rootHash();
        }
        assertArrayEquals(roots[0], roots[1]);
        EncFs img = EncFs.open(stores[0], null, Vol::random, Vol.options(fresh), roots[0]);
        assertTrue(img.readOnly());
        assertEquals("program bytes", read(at(img, "bin/app")));
        assertErrno(Errno.EROFS, () -> img.root().createFile("x", true));
        byte[] wrong = roots[0].clone();
        wrong[0] ^= 1;
        assertErrno(Errno.EIO, () -> EncFs.open(stores[1], null, Vol::random, Vol.options(fresh), wrong));
        // the content is readable on the host (integrity only), but cannot be changed
        for (var e : stores[0].durable.entrySet()) {
            String s = new String(e.getValue(), StandardCharsets.ISO_8859_1);
            int at = s.indexOf("program bytes");
            if (at >= 0) e.getValue()[at] = 'P';
        }
        EncFs tampered = EncFs.open(stores[0], null, Vol::random, Vol.options(fresh), roots[0]);
        assertErrno(Errno.EIO, () -> read(at(tampered, "bin/app")));
    }
}
