package dev.arca.fs.ramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.Times;
import dev.arca.fs.tree.Tree;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What is ramfs's own: one object per node, sorted listings, its clock, and above all its
 * capacity. The contract every file system keeps is {@code FileSystemContract}
 * ({@link RamFsContractTest}).
 */
class RamFsTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final RamFs fs = new RamFs(clock::get, 1 << 20);
    private final Node root = fs.root();

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    static void write(Node file, long position, String text) throws ErrnoException {
        FileHandle h = file.open(false, true);
        ByteBuffer src = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(src.remaining(), h.write(src, position));
        assertEquals(0, src.remaining());
    }

    static byte[] readAll(Node file) throws ErrnoException {
        FileHandle h = file.open(true, false);
        ByteBuffer dst = ByteBuffer.allocate((int) h.size());
        while (dst.hasRemaining()) {
            int n = h.read(dst, dst.position());
            if (n == 0) break;
        }
        return dst.array();
    }

    static String read(Node file) throws ErrnoException {
        return new String(readAll(file), StandardCharsets.UTF_8);
    }

    static List<String> names(Node dir) throws ErrnoException {
        return dir.list().stream().map(DirEntry::name).toList();
    }

    // ---- create / lookup -----------------------------------------------------------------------

    @Test
    void rootIsAnEmptyDirectory() throws Exception {
        assertEquals(Wasi.FILETYPE_DIRECTORY, root.filetype());
        assertEquals(Wasi.FILETYPE_DIRECTORY, root.stat().filetype());
        assertEquals(2, root.stat().links());
        assertTrue(root.list().isEmpty());
        assertEquals("ramfs", fs.type());
        assertSame(fs, root.fileSystem());
    }

    @Test
    void createFileThenLookupGivesTheSameNode() throws Exception {
        Node f = root.createFile("f", false);
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, f.filetype());
        assertSame(f, root.lookup("f"));
        assertEquals(0, f.stat().size());
        assertEquals(1, f.stat().links());
        assertEquals(List.of("f"), names(root));
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, root.list().get(0).filetype());
        assertEquals(f.stat().inode(), root.list().get(0).inode());
    }

    @Test
    void listIsSortedAndTyped() throws Exception {
        root.createFile("c", false);
        root.createDirectory("a");
        root.createSymlink("b", "c");
        List<DirEntry> list = root.list();
        assertEquals(List.of("a", "b", "c"), list.stream().map(DirEntry::name).toList());
        assertEquals(Wasi.FILETYPE_DIRECTORY, list.get(0).filetype());
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, list.get(1).filetype());
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, list.get(2).filetype());
    }

    // ---- times and inodes ----------------------------------------------------------------------------

    @Test
    void writeTimesAndSetTimes() throws Exception {
        Node f = root.createFile("f", false);
        assertEquals(1_000, f.stat().mtime());
        clock.set(2_000);
        write(f, 0, "x");
        assertEquals(2_000, f.stat().mtime());
        assertEquals(1_000, root.stat().mtime(), "writing a file does not touch its directory");
        f.setTimes(5, Times.OMIT);
        assertEquals(5, f.stat().atime());
        assertEquals(2_000, f.stat().mtime());
        f.setTimes(Times.OMIT, 7);
        assertEquals(5, f.stat().atime());
        assertEquals(7, f.stat().mtime());
    }

    @Test
    void inodesAreDistinct() throws Exception {
        Node a = root.createFile("a", false);
        Node b = root.createFile("b", false);
        root.createDirectory("c");
        assertTrue(a.stat().inode() != b.stat().inode());
        assertTrue(a.stat().inode() != root.lookup("c").stat().inode());
        assertTrue(root.stat().inode() != root.lookup("c").stat().inode());
    }

    // ---- capacity ------------------------------------------------------------------------------

    private static final long ROOT = Tree.NODE_BYTES;

    /** What a new node named {@code name} is counted as (a symbolic link's target comes on top). */
    private static long node(String name) {
        return Tree.NODE_BYTES + entry(name);
    }

    private static long entry(String name) {
        return Tree.ENTRY_BYTES + Tree.utf8Length(name);
    }

    /** A ramfs with room for its root, files {@code names} and {@code data} bytes of data. */
    private RamFs sized(long data, String... names) {
        long c = ROOT + data;
        for (String n : names) c += node(n);
        return new RamFs(clock::get, c);
    }

    @Test
    void everyByteOfTheNamespaceIsCountedAndGivenBack() throws Exception {
        RamFs r = new RamFs(clock::get, 1 << 20);
        Node root = r.root();
        assertEquals(ROOT, r.used());
        Node f = root.createFile("f", true);
        assertEquals(ROOT + node("f"), r.used());
        root.createDirectory("dir");
        root.createSymlink("l", "target/é"); // 9 bytes of UTF-8
        root.link("hard", f);
        long names = ROOT + node("f") + node("dir") + node("l") + 9 + entry("hard");
        assertEquals(names, r.used());
        FileHandle h = f.open(true, true);
        h.write(ByteBuffer.wrap(new byte[10]), 0);
        assertEquals(names + 10, r.used(), "data as allocated: exactly what one write needed");
        root.rename("f", root.lookup("dir"), "longer-name");
        assertEquals(names + 10 + entry("longer-name") - entry("f"), r.used());
        root.lookup("dir").rename("longer-name", root, "hard"); // replaces the other name of the same file: nothing
        root.lookup("dir").rename("longer-name", root, "f");
        assertEquals(names + 10, r.used());
        root.unlink("l");
        root.unlink("hard");
        root.removeDirectory("dir");
        root.unlink("f");
        assertEquals(ROOT + Tree.NODE_BYTES + 10, r.used(), "an unlinked open file keeps its node and data");
        h.close();
        assertEquals(ROOT, r.used());
    }

    @Test
    void writesBeyondCapacityFailWithEnospcAndChangeNothing() throws Exception {
        RamFs small = sized(100, "a", "b");
        Node a = small.root().createFile("a", false);
        a.open(false, true).write(ByteBuffer.wrap(new byte[60]), 0);
        Node b = small.root().createFile("b", false);
        FileHandle hb = b.open(true, true);
        ByteBuffer src = ByteBuffer.wrap(new byte[60]);
        assertErrno(Errno.ENOSPC, () -> hb.write(src, 0));
        assertEquals(0, b.stat().size());
        assertEquals(60, src.remaining(), "nothing was consumed");
        // exactly filling the capacity is allowed
        assertEquals(40, hb.write(ByteBuffer.wrap(new byte[40]), 0));
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[1]), 40));
        assertErrno(Errno.ENOSPC, () -> hb.truncate(41));
        assertErrno(Errno.ENOSPC, () -> small.root().createFile("c", true));
        assertErrno(Errno.ENOSPC, () -> small.root().createDirectory("c"));
        assertErrno(Errno.ENOSPC, () -> small.root().createSymlink("c", "a"));
        assertErrno(Errno.ENOSPC, () -> small.root().link("c", a));
        assertErrno(Errno.ENOSPC, () -> small.root().rename("a", small.root(), "aa"));
        assertEquals(List.of("a", "b"), names(small.root()), "a refused entry leaves no trace");
        assertEquals(40, b.stat().size());
        // overwriting inside a file needs no space, nor does a rename to a name as long
        assertEquals(10, hb.write(ByteBuffer.wrap(new byte[10]), 0));
        small.root().rename("a", small.root(), "c");
        assertEquals(small.used(), ROOT + node("c") + node("b") + 100);
    }

    @Test
    void growingFilesDoubleOnlyAsFarAsTheCapacityAllows() throws Exception {
        RamFs small = sized(1000, "a");
        FileHandle h = small.root().createFile("a", true).open(true, true);
        for (int i = 0; i < 1000; i++) assertEquals(1, h.write(ByteBuffer.wrap(new byte[] {(byte) i}), i));
        assertErrno(Errno.ENOSPC, () -> h.write(ByteBuffer.wrap(new byte[1]), 1000));
        assertEquals(1000, h.size());
        h.truncate(100);
        assertEquals(ROOT + node("a") + 100, small.used(), "shrunk to half or less: the array is cut to the size");
        byte[] got = new byte[100];
        h.read(ByteBuffer.wrap(got), 0);
        assertEquals((byte) 99, got[99]);
    }

    @Test
    void unlinkFreesSpace() throws Exception {
        RamFs small = sized(100, "a", "b");
        Node r = small.root();
        FileHandle ha = r.createFile("a", false).open(false, true);
        ha.write(ByteBuffer.wrap(new byte[80]), 0);
        FileHandle hb = r.createFile("b", false).open(false, true);
        long spare = entry("a") + Tree.NODE_BYTES + 20;
        r.unlink("a");
        // as on Linux, an unlinked file keeps its space while a descriptor is open on it: here,
        // only the name is given back
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[(int) spare]), 0));
        ha.close();
        assertEquals(spare, hb.write(ByteBuffer.wrap(new byte[(int) spare]), 0));
        assertEquals(80, hb.write(ByteBuffer.wrap(new byte[80]), spare));
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[1]), spare + 80));
    }

    @Test
    void truncateFreesSpace() throws Exception {
        RamFs small = sized(100, "a", "b");
        Node r = small.root();
        Node a = r.createFile("a", false);
        a.open(false, true).write(ByteBuffer.wrap(new byte[100]), 0);
        FileHandle hb = r.createFile("b", false).open(false, true);
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[1]), 0));
        a.truncate(50);
        assertEquals(50, hb.write(ByteBuffer.wrap(new byte[50]), 0));
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[1]), 50));
    }

    @Test
    void spaceOfAHardLinkedFileIsFreedOnlyWithItsLastLink() throws Exception {
        RamFs small = new RamFs(clock::get, 1 << 20);
        Node r = small.root();
        Node a = r.createFile("a", false);
        FileHandle ha = a.open(false, true);
        ha.write(ByteBuffer.wrap(new byte[80]), 0);
        ha.close();
        r.link("a2", a);
        long before = small.used();
        r.unlink("a");
        assertEquals(before - entry("a"), small.used(), "only the name");
        r.unlink("a2");
        assertEquals(ROOT, small.used(), "the last name: node and data too");
    }

    @Test
    void renameOverAFileFreesItsSpace() throws Exception {
        RamFs small = sized(95, "big", "tiny", "c");
        Node r = small.root();
        FileHandle big = r.createFile("big", false).open(false, true);
        big.write(ByteBuffer.wrap(new byte[90]), 0);
        big.close();
        FileHandle tiny = r.createFile("tiny", false).open(false, true);
        tiny.write(ByteBuffer.wrap(new byte[5]), 0);
        tiny.close();
        r.rename("tiny", r, "big");
        FileHandle hc = r.createFile("c", false).open(false, true);
        long room = 90 + node("tiny");
        assertEquals(room, hc.write(ByteBuffer.wrap(new byte[(int) room]), 0));
        assertErrno(Errno.ENOSPC, () -> hc.write(ByteBuffer.wrap(new byte[1]), room));
    }

    /**
     * The space of a file is credited back once its last name and its last handle are gone;
     * truncating through that handle before then must not credit the space a second time, or the
     * file system ends up holding more than its capacity.
     */
    @Test
    void anUnlinkedOpenFileCannotBeUsedToExceedTheCapacity() throws Exception {
        RamFs small = sized(100, "a", "b");
        Node r = small.root();
        Node a = r.createFile("a", false);
        FileHandle ha = a.open(true, true);
        ha.write(ByteBuffer.wrap(new byte[100]), 0);
        r.unlink("a"); // the name is credited back here
        ha.truncate(0); // the data here
        ha.close(); // the node here, and nothing twice
        FileHandle hb = r.createFile("b", false).open(false, true);
        long room = 100 + node("a");
        assertEquals(room, hb.write(ByteBuffer.wrap(new byte[(int) room]), 0));
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[1]), room));
    }

    /** Growing an unlinked open file must be charged, and that charge returned when it shrinks. */
    @Test
    void growingAnUnlinkedOpenFileDoesNotLeakCapacity() throws Exception {
        RamFs small = sized(100, "a", "b");
        Node r = small.root();
        FileHandle ha = r.createFile("a", false).open(true, true);
        r.unlink("a");
        ha.write(ByteBuffer.wrap(new byte[40]), 0);
        ha.truncate(0);
        ha.close();
        FileHandle hb = r.createFile("b", false).open(false, true);
        long room = 100 + node("a");
        assertEquals(room, hb.write(ByteBuffer.wrap(new byte[(int) room]), 0), "all of it is free again");
        assertErrno(Errno.ENOSPC, () -> hb.write(ByteBuffer.wrap(new byte[1]), room));
    }

    @Test
    void renamesInALoopNeitherLeakNorFail() throws Exception {
        RamFs small = sized(0, "a", "b");
        Node r = small.root();
        r.createFile("a", true);
        r.createDirectory("b");
        long used = small.used();
        for (int i = 0; i < 10_000; i++) {
            r.rename("a", r.lookup("b"), "a");
            r.lookup("b").rename("a", r, "a");
        }
        assertEquals(used, small.used());
        r.removeDirectory("b");
        r.unlink("a");
        for (int i = 0; i < 10_000; i++) {
            r.createFile("x", true);
            r.unlink("x");
            r.createDirectory("y");
            r.removeDirectory("y");
        }
        assertEquals(ROOT, small.used());
    }

    // ---- capacity: every byte the guest makes ramfs hold (issue 8, finding 3) --------------

    /** Creates entries with {@code make} until ENOSPC; fails if {@code most} of them all fit. */
    private static int fillUntilFull(int most, ThrowingIntConsumer make) throws Exception {
        for (int i = 0; i < most; i++) {
            try {
                make.accept(i);
            } catch (ErrnoException e) {
                assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
                return i;
            }
        }
        throw new AssertionError(most + " entries fit: names, nodes or targets are not counted");
    }

    interface ThrowingIntConsumer {
        void accept(int i) throws Exception;
    }

    private static String longName(int i) {
        String p = Integer.toString(i);
        return p + "n".repeat(200 - p.length());
    }

    @Test
    void symlinkTargetsCountAgainstTheCapacity() throws Exception {
        RamFs small = new RamFs(clock::get, 1 << 20);
        String target = "t".repeat(4000);
        int made = fillUntilFull(2 * (1 << 20) / 4000, i -> small.root().createSymlink("l" + i, target));
        assertTrue((long) made * 4000 <= 1 << 20, made + " targets of 4000 bytes in 1 MiB");
    }

    @Test
    void namesOfEmptyFilesCountAgainstTheCapacity() throws Exception {
        RamFs small = new RamFs(clock::get, 64 << 10);
        int made = fillUntilFull(64 << 10, i -> small.root().createFile(longName(i), true));
        assertTrue((long) made * 200 <= 64 << 10, made + " names of 200 bytes in 64 KiB");
    }

    @Test
    void emptyFilesAndDirectoriesCountAgainstTheCapacity() throws Exception {
        RamFs small = new RamFs(clock::get, 64 << 10);
        fillUntilFull(64 << 10, i -> small.root().createFile("f" + i, true));
        RamFs other = new RamFs(clock::get, 64 << 10);
        fillUntilFull(64 << 10, i -> other.root().createDirectory("d" + i));
    }

    @Test
    void deepDirectoriesCountAgainstTheCapacity() throws Exception {
        RamFs small = new RamFs(clock::get, 64 << 10);
        Node[] dir = {small.root()};
        fillUntilFull(64 << 10, i -> {
            dir[0].createDirectory("d");
            dir[0] = dir[0].lookup("d");
        });
    }

    @Test
    void hardLinksCountAgainstTheCapacity() throws Exception {
        RamFs small = new RamFs(clock::get, 64 << 10);
        Node f = small.root().createFile("f", true);
        int made = fillUntilFull(64 << 10, i -> small.root().link(longName(i), f));
        assertTrue((long) made * 200 <= 64 << 10, made + " links named with 200 bytes in 64 KiB");
    }

    // ---- read-only -----------------------------------------------------------------------------

    @Test
    void readOnlyRamFsRefusesEveryChange() throws Exception {
        RamFs ro = new RamFs(clock::get, 100, true);
        Node r = ro.root();
        assertTrue(ro.readOnly());
        assertErrno(Errno.EROFS, () -> r.createFile("f", false));
        assertErrno(Errno.EROFS, () -> r.createDirectory("d"));
        assertErrno(Errno.EROFS, () -> r.createSymlink("l", "x"));
        assertErrno(Errno.EROFS, () -> r.setTimes(1, 1));
        assertTrue(r.list().isEmpty());
    }
}
