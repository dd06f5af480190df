package dev.arca.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.ramfs.RamFs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link Node}, {@link FileSystem} and {@link FileHandle}, run over every file
 * system a guest can write to (a subclass per file system gives {@link #open}). Each method's
 * documented errors, the rename rules, link counts, sizes, times, listings, symbolic link
 * targets, removed directories, handles that outlive their names, and pins, as Linux gives them
 * (the in-memory file systems follow tmpfs; hostfs is checked against the host's own).
 *
 * <p>Where a file system legitimately differs, it says so in one place, {@link #deviations},
 * with the reason; the test concerned then checks the other behaviour, so nothing is skipped.
 * Nodes are compared by inode number, never by identity (hostfs makes a new object per lookup),
 * and a node held across a change of names is pinned first, as the kernel's descriptors are (an
 * unpinned hostfs node names a path, and is looked up again here after a rename).
 */
public abstract class FileSystemContract {

    /** What a file system under test is made of. */
    public record Fixture(FileSystem fs, Node dir, AutoCloseable cleanup) {}

    /** Ways a file system may differ from the contract; each one names what it does instead. */
    public enum Deviation {
        /**
         * A write far past the end allocates the whole gap (ENOSPC when it does not fit, nothing
         * changed) instead of leaving a hole that takes no space.
         */
        NO_HOLES,
        /**
         * A pinned regular file cannot be opened or truncated through the pinned node (EINVAL);
         * its data is reached through the handles opened before, and its metadata through the
         * pin. (The kernel pins a file together with the handle it opens, and never reopens.)
         */
        PINNED_FILES_ARE_NOT_REOPENED,
    }

    /**
     * A new, empty, writable file system and the directory the tests work in (empty; the root,
     * or for a union a directory of the lower layer, so that its merging is exercised).
     */
    protected abstract Fixture open() throws Exception;

    /** This file system's deviations, each with its reason (none by default). */
    protected Map<Deviation, String> deviations() {
        return Map.of();
    }

    private boolean differs(Deviation d) {
        return deviations().containsKey(d);
    }

    /** Nanoseconds since the epoch: the clock the in-memory fixtures give their file system. */
    protected static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private Fixture fixture;
    protected FileSystem fs;
    protected Node dir;

    @BeforeEach
    void setUp() throws Exception {
        fixture = open();
        fs = fixture.fs();
        dir = fixture.dir();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture.cleanup() != null) fixture.cleanup().close();
    }

    // ---- helpers ----------------------------------------------------------------------------

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    static void write(Node file, long position, byte[] data) throws ErrnoException {
        FileHandle h = file.open(true, true);
        try {
            assertEquals(data.length, h.write(ByteBuffer.wrap(data), position));
        } finally {
            h.close();
        }
    }

    static void write(Node file, long position, String text) throws ErrnoException {
        write(file, position, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] readAll(FileHandle h) throws ErrnoException {
        ByteBuffer dst = ByteBuffer.allocate((int) h.size());
        while (dst.hasRemaining() && h.read(dst, dst.position()) > 0) {
            // until full or end of file
        }
        return java.util.Arrays.copyOf(dst.array(), dst.position());
    }

    static byte[] readAll(Node file) throws ErrnoException {
        FileHandle h = file.open(true, false);
        try {
            return readAll(h);
        } finally {
            h.close();
        }
    }

    static String read(Node file) throws ErrnoException {
        return new String(readAll(file), StandardCharsets.UTF_8);
    }

    /** The listing as name to type. */
    static Map<String, Byte> listing(Node d) throws ErrnoException {
        Map<String, Byte> m = new TreeMap<>();
        for (DirEntry e : d.list()) assertEquals(null, m.put(e.name(), e.filetype()), "listed twice: " + e.name());
        return m;
    }

    static long inode(Node n) throws ErrnoException {
        return n.stat().inode();
    }

    Node mkdir(Node parent, String name) throws ErrnoException {
        parent.createDirectory(name);
        return parent.lookup(name);
    }

    // ---- creating and looking up --------------------------------------------------------------

    @Test
    void aNewFileIsEmptyWithOneLinkAndListed() throws Exception {
        Node f = dir.createFile("f", true);
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, f.filetype());
        Stat s = f.stat();
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, s.filetype());
        assertEquals(0, s.size());
        assertEquals(1, s.links());
        assertEquals(s.inode(), inode(dir.lookup("f")));
        assertEquals(1, dir.list().size());
        DirEntry e = dir.list().get(0);
        assertEquals("f", e.name());
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, e.filetype());
        assertEquals(s.inode(), e.inode());
        assertEquals(fs, f.fileSystem());
    }

    @Test
    void createFileOnAnExistingName() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "keep");
        Node again = dir.createFile("f", false);
        assertEquals(inode(f), inode(again), "without exclusive, the existing file");
        assertEquals("keep", read(again), "and it is not truncated");
        assertErrno(Errno.EEXIST, () -> dir.createFile("f", true));
        dir.createDirectory("d");
        assertErrno(Errno.EISDIR, () -> dir.createFile("d", false));
        assertErrno(Errno.EEXIST, () -> dir.createFile("d", true));
    }

    @Test
    void everyKindOfEntryOnATakenNameIsEexist() throws Exception {
        Node f = dir.createFile("f", true);
        dir.createDirectory("d");
        dir.createSymlink("l", "f");
        for (String taken : new String[] {"f", "d", "l"}) {
            assertErrno(Errno.EEXIST, () -> dir.createDirectory(taken));
            assertErrno(Errno.EEXIST, () -> dir.createSymlink(taken, "x"));
            assertErrno(Errno.EEXIST, () -> dir.link(taken, f));
        }
        assertEquals(Map.of("d", Wasi.FILETYPE_DIRECTORY, "f", Wasi.FILETYPE_REGULAR_FILE, "l", Wasi.FILETYPE_SYMBOLIC_LINK), listing(dir));
        assertEquals(1, f.stat().links());
    }

    @Test
    void lookupOfAMissingNameIsEnoent() {
        assertErrno(Errno.ENOENT, () -> dir.lookup("missing"));
    }

    @Test
    void directoryCallsOnAFileAreEnotdir() throws Exception {
        Node f = dir.createFile("f", true);
        assertErrno(Errno.ENOTDIR, () -> f.lookup("x"));
        assertErrno(Errno.ENOTDIR, () -> f.createFile("x", false));
        assertErrno(Errno.ENOTDIR, () -> f.createDirectory("x"));
        assertErrno(Errno.ENOTDIR, () -> f.createSymlink("x", "y"));
        assertErrno(Errno.ENOTDIR, () -> f.link("x", f));
        assertErrno(Errno.ENOTDIR, () -> f.unlink("x"));
        assertErrno(Errno.ENOTDIR, () -> f.removeDirectory("x"));
        assertErrno(Errno.ENOTDIR, () -> f.rename("x", dir, "y"));
        assertErrno(Errno.ENOTDIR, () -> f.list());
    }

    @Test
    void namesLongerThan255BytesAreEnametoolong() throws Exception {
        String longest = "n".repeat(255);
        String tooLong = "n".repeat(256);
        String wideLongest = "é".repeat(127) + "n"; // 255 bytes of UTF-8 in 128 chars
        String wideTooLong = "é".repeat(128); // 256 bytes in 128 chars
        dir.createFile(longest, true);
        dir.createDirectory(wideLongest);
        assertEquals(Wasi.FILETYPE_DIRECTORY, dir.lookup(wideLongest).filetype());
        for (String name : new String[] {tooLong, wideTooLong}) {
            assertErrno(Errno.ENAMETOOLONG, () -> dir.createFile(name, true));
            assertErrno(Errno.ENAMETOOLONG, () -> dir.createDirectory(name));
            assertErrno(Errno.ENAMETOOLONG, () -> dir.createSymlink(name, "x"));
            assertErrno(Errno.ENAMETOOLONG, () -> dir.link(name, dir.lookup(longest)));
            assertErrno(Errno.ENAMETOOLONG, () -> dir.rename(longest, dir, name));
        }
        assertEquals(2, dir.list().size());
    }

    @Test
    void listingGivesEveryEntryOnceWithItsTypeAndInode() throws Exception {
        Node f = dir.createFile("file", true);
        Node d = mkdir(dir, "dir");
        dir.createSymlink("link", "file");
        dir.link("hard", f);
        d.createFile("inner", true);
        assertEquals(Map.of("file", Wasi.FILETYPE_REGULAR_FILE, "dir", Wasi.FILETYPE_DIRECTORY,
                "link", Wasi.FILETYPE_SYMBOLIC_LINK, "hard", Wasi.FILETYPE_REGULAR_FILE), listing(dir));
        for (DirEntry e : dir.list()) assertEquals(inode(dir.lookup(e.name())), e.inode(), e.name());
        assertEquals(Map.of("inner", Wasi.FILETYPE_REGULAR_FILE), listing(d));
        assertTrue(mkdir(d, "empty").list().isEmpty());
    }

    @Test
    void symbolicLinkTargetsComeBackByteForByte() throws Exception {
        String[] targets = {"../a//b/./c/", "é/日本/🎉", "with space\tand tab", "x", "../".repeat(1000) + "t"};
        for (int i = 0; i < targets.length; i++) {
            dir.createSymlink("l" + i, targets[i]);
            Node l = dir.lookup("l" + i);
            assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, l.filetype());
            assertEquals(targets[i], l.readlink());
            assertEquals(targets[i].getBytes(StandardCharsets.UTF_8).length, l.stat().size(), "size is the target's bytes");
            assertEquals(1, l.stat().links());
        }
        Node l = dir.lookup("l0");
        assertErrno(Errno.ELOOP, () -> l.open(true, false));
        assertErrno(Errno.EINVAL, () -> l.truncate(0));
        assertErrno(Errno.EINVAL, () -> dir.readlink());
        assertErrno(Errno.EINVAL, () -> dir.createFile("f", true).readlink());
    }

    // ---- removing ---------------------------------------------------------------------------

    @Test
    void unlinkRemovesFilesAndSymbolicLinks() throws Exception {
        dir.createFile("f", true);
        dir.createSymlink("l", "f");
        dir.unlink("l");
        assertEquals(Map.of("f", Wasi.FILETYPE_REGULAR_FILE), listing(dir));
        dir.unlink("f");
        assertErrno(Errno.ENOENT, () -> dir.lookup("f"));
        assertErrno(Errno.ENOENT, () -> dir.unlink("f"));
        assertTrue(dir.list().isEmpty());
    }

    @Test
    void removalErrors() throws Exception {
        dir.createDirectory("d");
        dir.createFile("f", true);
        assertErrno(Errno.EISDIR, () -> dir.unlink("d"));
        assertErrno(Errno.ENOTDIR, () -> dir.removeDirectory("f"));
        assertErrno(Errno.ENOENT, () -> dir.removeDirectory("missing"));
        dir.lookup("d").createFile("inner", true);
        assertErrno(Errno.ENOTEMPTY, () -> dir.removeDirectory("d"));
        assertEquals(2, listing(dir).size(), "nothing removed");
        dir.lookup("d").unlink("inner");
        dir.removeDirectory("d");
        assertErrno(Errno.ENOENT, () -> dir.lookup("d"));
    }

    // ---- rename -----------------------------------------------------------------------------

    @Test
    void renameMovesAnEntryWithinAndAcrossDirectories() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "data");
        long ino = inode(f);
        Node d = mkdir(dir, "d");
        dir.rename("f", dir, "g");
        assertErrno(Errno.ENOENT, () -> dir.lookup("f"));
        assertEquals(ino, inode(dir.lookup("g")));
        dir.rename("g", d, "h");
        assertEquals(ino, inode(d.lookup("h")));
        assertEquals("data", read(d.lookup("h")));
        assertEquals(Map.of("d", Wasi.FILETYPE_DIRECTORY), listing(dir));
        d.createDirectory("sub");
        d.lookup("sub").createFile("x", true);
        d.rename("sub", dir, "moved");
        assertEquals(Map.of("x", Wasi.FILETYPE_REGULAR_FILE), listing(dir.lookup("moved")));
    }

    @Test
    void renameReplacesACompatibleTarget() throws Exception {
        Node a = dir.createFile("a", true);
        write(a, 0, "A");
        long ia = inode(a);
        Node b = dir.createFile("b", true);
        write(b, 0, "BB");
        FileHandle hb = b.open(true, false);
        Node pb = b.pin();
        try {
            dir.rename("a", dir, "b");
            assertEquals(ia, inode(dir.lookup("b")));
            assertEquals("A", read(dir.lookup("b")));
            assertEquals(0, pb.stat().links(), "the replaced file lost its only name");
            assertEquals("BB", new String(readAll(hb), StandardCharsets.UTF_8), "and lives on while held");
        } finally {
            hb.close();
            pb.unpin();
        }
        dir.createSymlink("l", "x");
        dir.rename("l", dir, "b");
        assertEquals("x", dir.lookup("b").readlink(), "a symbolic link replaces a file");
        Node src = mkdir(dir, "src");
        src.createFile("x", true);
        long isrc = inode(src);
        Node empty = mkdir(dir, "empty").pin();
        try {
            dir.rename("src", dir, "empty");
            assertEquals(isrc, inode(dir.lookup("empty")));
            assertEquals(Map.of("x", Wasi.FILETYPE_REGULAR_FILE), listing(dir.lookup("empty")));
            assertEquals(0, empty.stat().links(), "the replaced directory is removed");
            assertErrno(Errno.ENOENT, () -> empty.createFile("y", true));
        } finally {
            empty.unpin();
        }
        assertEquals(Map.of("b", Wasi.FILETYPE_SYMBOLIC_LINK, "empty", Wasi.FILETYPE_DIRECTORY), listing(dir));
    }

    @Test
    void renameRefusesAnIncompatibleTarget() throws Exception {
        dir.createFile("f", true);
        mkdir(dir, "d");
        mkdir(dir, "full").createFile("x", true);
        assertErrno(Errno.EISDIR, () -> dir.rename("f", dir, "d"));
        assertErrno(Errno.ENOTDIR, () -> dir.rename("d", dir, "f"));
        assertErrno(Errno.ENOTEMPTY, () -> dir.rename("d", dir, "full"));
        assertEquals(Map.of("f", Wasi.FILETYPE_REGULAR_FILE, "d", Wasi.FILETYPE_DIRECTORY, "full", Wasi.FILETYPE_DIRECTORY), listing(dir));
        assertEquals(Map.of("x", Wasi.FILETYPE_REGULAR_FILE), listing(dir.lookup("full")));
    }

    @Test
    void renameOfADirectoryIntoItselfIsEinval() throws Exception {
        Node a = mkdir(dir, "a");
        Node b = mkdir(a, "b");
        Node c = mkdir(b, "c");
        long ia = inode(a);
        assertErrno(Errno.EINVAL, () -> dir.rename("a", a, "x"));
        assertErrno(Errno.EINVAL, () -> dir.rename("a", b, "x"));
        assertErrno(Errno.EINVAL, () -> dir.rename("a", c, "x"));
        // onto an ancestor: that ancestor is not empty
        assertErrno(Errno.ENOTEMPTY, () -> b.rename("c", dir, "a"));
        assertEquals(inode(c), inode(dir.lookup("a").lookup("b").lookup("c")));
        // a subdirectory moved up is no longer below: its old parent may go below it now
        b.rename("c", dir, "c");
        dir.rename("a", dir.lookup("c"), "a");
        assertEquals(ia, inode(dir.lookup("c").lookup("a")));
    }

    @Test
    void renameOntoAnotherNameOfTheSameFileDoesNothing() throws Exception {
        Node a = dir.createFile("a", true);
        dir.rename("a", dir, "a");
        assertEquals(inode(a), inode(dir.lookup("a")));
        dir.link("b", a);
        dir.rename("a", dir, "b");
        assertEquals(Map.of("a", Wasi.FILETYPE_REGULAR_FILE, "b", Wasi.FILETYPE_REGULAR_FILE), listing(dir));
        assertEquals(2, dir.lookup("a").stat().links());
    }

    @Test
    void renameOfAMissingNameOrIntoAFileFails() throws Exception {
        assertErrno(Errno.ENOENT, () -> dir.rename("missing", dir, "x"));
        Node f = dir.createFile("f", true);
        dir.createFile("g", true);
        assertErrno(Errno.ENOTDIR, () -> dir.rename("g", f, "x"));
    }

    @Test
    void renameAndLinkAcrossFileSystemsAreExdev() throws Exception {
        FileSystem other = new RamFs(FileSystemContract::now, 1 << 20);
        Node f = dir.createFile("f", true);
        assertErrno(Errno.EXDEV, () -> dir.rename("f", other.root(), "f"));
        assertErrno(Errno.EXDEV, () -> dir.link("g", other.root().createFile("o", true)));
        assertErrno(Errno.EXDEV, () -> other.root().link("g", f));
        assertEquals(Map.of("f", Wasi.FILETYPE_REGULAR_FILE), listing(dir));
    }

    // ---- hard links and link counts -----------------------------------------------------------

    @Test
    void hardLinksShareDataAndCountLinks() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "shared");
        Node d = mkdir(dir, "d");
        d.link("g", f);
        Node g = d.lookup("g");
        assertEquals(inode(f), inode(g));
        assertEquals(2, f.stat().links());
        write(g, 0, "SH");
        assertEquals("SHared", read(dir.lookup("f")));
        dir.unlink("f");
        assertEquals(1, d.lookup("g").stat().links());
        assertEquals("SHared", read(d.lookup("g")));
    }

    @Test
    void hardLinkErrors() throws Exception {
        Node f = dir.createFile("f", true);
        Node d = mkdir(dir, "d");
        assertErrno(Errno.EPERM, () -> dir.link("d2", d));
        assertErrno(Errno.EEXIST, () -> dir.link("d", f));
        assertErrno(Errno.EEXIST, () -> dir.link("f", f));
        assertEquals(1, f.stat().links());
    }

    @Test
    void linkingAFileWithNoNameLeftIsEnoent() throws Exception {
        Node f = dir.createFile("f", true).pin();
        try {
            dir.unlink("f");
            assertErrno(Errno.ENOENT, () -> dir.link("again", f));
            assertTrue(dir.list().isEmpty());
        } finally {
            f.unpin();
        }
    }

    @Test
    void aDirectoryCountsItsSubdirectoriesAsLinks() throws Exception {
        Node d = mkdir(dir, "d");
        assertEquals(2, d.stat().links());
        d.createDirectory("a");
        d.createDirectory("b");
        d.createFile("f", true);
        d.createSymlink("l", "a");
        assertEquals(4, d.stat().links());
        d.removeDirectory("a");
        assertEquals(3, d.stat().links());
        d.rename("b", dir, "b");
        assertEquals(2, d.stat().links());
    }

    // ---- data -------------------------------------------------------------------------------

    @Test
    void readAndWriteThroughHandles() throws Exception {
        FileHandle h = dir.createFile("f", true).open(true, true);
        try {
            assertEquals(5, h.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), 0));
            assertEquals(5, h.size());
            ByteBuffer dst = ByteBuffer.allocate(3);
            assertEquals(3, h.read(dst, 1));
            assertEquals("ell", new String(dst.array(), StandardCharsets.UTF_8));
            assertEquals(0, h.read(ByteBuffer.allocate(4), 5), "at the end: end of file");
            assertEquals(0, h.read(ByteBuffer.allocate(4), 1000), "past the end: end of file");
            ByteBuffer tail = ByteBuffer.allocate(10);
            assertEquals(2, h.read(tail, 3), "a short read at the end");
            assertTrue(h.seekable());
            byte[] big = new byte[300_000];
            new java.util.Random(3).nextBytes(big);
            assertEquals(big.length, h.write(ByteBuffer.wrap(big), 4095));
            assertEquals(4095 + big.length, h.size());
            ByteBuffer back = ByteBuffer.allocate(big.length);
            while (back.hasRemaining()) assertTrue(h.read(back, 4095 + back.position()) > 0);
            assertArrayEquals(big, back.array());
        } finally {
            h.close();
        }
    }

    @Test
    void writingPastTheEndLeavesZeros() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "ab");
        write(f, 6, "cd");
        assertEquals(8, f.stat().size());
        assertArrayEquals(new byte[] {'a', 'b', 0, 0, 0, 0, 'c', 'd'}, readAll(f));
    }

    @Test
    void truncateShrinksAndGrowsWithZeros() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "abcdef");
        FileHandle h = f.open(true, true);
        try {
            h.truncate(2);
            assertEquals(2, h.size());
            assertEquals(2, f.stat().size());
            h.truncate(6);
            assertArrayEquals(new byte[] {'a', 'b', 0, 0, 0, 0}, readAll(f), "bytes cut off must not come back");
            f.truncate(100_000);
            assertEquals(100_000, f.stat().size());
            f.truncate(5000);
            assertEquals(5000, h.size());
            f.truncate(0);
            assertEquals(0, f.stat().size());
            assertEquals(0, h.read(ByteBuffer.allocate(1), 0));
        } finally {
            h.close();
        }
        assertErrno(Errno.EINVAL, () -> f.truncate(-1));
        assertErrno(Errno.EISDIR, () -> mkdir(dir, "d").truncate(0));
    }

    @Test
    void aWriteFarPastTheEnd() throws Exception {
        Node f = dir.createFile("f", true);
        long far = 1L << 30;
        FileHandle h = f.open(true, true);
        try {
            if (differs(Deviation.NO_HOLES)) {
                assertErrno(Errno.ENOSPC, () -> h.write(ByteBuffer.wrap(new byte[] {7}), far));
                assertEquals(0, f.stat().size(), "nothing changed");
                return;
            }
            assertEquals(1, h.write(ByteBuffer.wrap(new byte[] {7}), far));
            assertEquals(far + 1, f.stat().size());
            ByteBuffer b = ByteBuffer.allocate(2);
            assertEquals(2, h.read(b, far - 1));
            assertArrayEquals(new byte[] {0, 7}, b.array());
        } finally {
            h.close();
        }
    }

    @Test
    void aWritePastTheLargestFileIsEfbig() throws Exception {
        FileHandle h = dir.createFile("f", true).open(true, true);
        try {
            assertErrno(Errno.EFBIG, () -> h.write(ByteBuffer.wrap(new byte[] {1}), 1L << 50));
            assertEquals(0, h.size());
        } finally {
            h.close();
        }
    }

    @Test
    void negativePositionsAreEinval() throws Exception {
        FileHandle h = dir.createFile("f", true).open(true, true);
        try {
            assertErrno(Errno.EINVAL, () -> h.write(ByteBuffer.wrap(new byte[] {1}), -1));
            assertErrno(Errno.EINVAL, () -> h.read(ByteBuffer.allocate(1), -1));
        } finally {
            h.close();
        }
    }

    @Test
    void aHandleNotOpenedForWritingRefusesWrites() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "x");
        FileHandle h = f.open(true, false);
        try {
            assertErrno(Errno.EBADF, () -> h.write(ByteBuffer.wrap(new byte[] {1}), 0));
            assertErrno(Errno.EBADF, () -> h.truncate(0));
            assertEquals("x", read(f));
        } finally {
            h.close();
        }
    }

    @Test
    void directoriesAndLinksHaveNoData() throws Exception {
        Node d = mkdir(dir, "d");
        assertErrno(Errno.EISDIR, () -> d.open(true, false));
        dir.createSymlink("l", "d");
        assertErrno(Errno.ELOOP, () -> dir.lookup("l").open(true, false));
    }

    // ---- times ------------------------------------------------------------------------------

    private static final long SECOND = 1_000_000_000L;

    @Test
    void setTimesSetsExactlyWhatIsGivenAndChangesCtime() throws Exception {
        Node f = dir.createFile("f", true);
        long before = now() - SECOND;
        f.setTimes(5 * SECOND + 123, 7 * SECOND + 456);
        Stat s = f.stat();
        assertEquals(5 * SECOND + 123, s.atime());
        assertEquals(7 * SECOND + 456, s.mtime());
        assertTrue(s.ctime() >= before, "ctime is now");
        f.setTimes(Times.OMIT, 9 * SECOND);
        assertEquals(5 * SECOND + 123, f.stat().atime());
        assertEquals(9 * SECOND, f.stat().mtime());
        f.setTimes(11 * SECOND, Times.OMIT);
        assertEquals(11 * SECOND, f.stat().atime());
        assertEquals(9 * SECOND, f.stat().mtime());
    }

    @Test
    void writingAndTruncatingSetModificationTimes() throws Exception {
        Node f = dir.createFile("f", true);
        f.setTimes(SECOND, SECOND);
        write(f, 0, "x");
        long afterWrite = f.stat().mtime();
        assertTrue(afterWrite > SECOND, "write sets mtime");
        assertTrue(f.stat().ctime() >= afterWrite - SECOND);
        f.setTimes(SECOND, SECOND);
        f.truncate(0);
        assertTrue(f.stat().mtime() > SECOND, "truncate sets mtime");
    }

    @Test
    void changingEntriesSetsTheDirectorysModificationTime() throws Exception {
        Node d = mkdir(dir, "d");
        Executable[] changes = {
            () -> d.createFile("f", true),
            () -> d.createDirectory("sub"),
            () -> d.createSymlink("l", "f"),
            () -> d.link("h", d.lookup("f")),
            () -> d.rename("h", d, "h2"),
            () -> d.unlink("h2"),
            () -> d.removeDirectory("sub"),
        };
        for (Executable change : changes) {
            d.setTimes(SECOND, SECOND);
            try {
                change.execute();
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            assertTrue(d.stat().mtime() > SECOND, "the directory's mtime after a change of its entries");
        }
    }

    // ---- removed directories ----------------------------------------------------------------

    @Test
    void aRemovedDirectoryTakesNoNewEntries() throws Exception {
        Node d = mkdir(dir, "d").pin();
        try {
            Node f = dir.createFile("f", true);
            dir.removeDirectory("d");
            assertEquals(0, d.stat().links());
            assertErrno(Errno.ENOENT, () -> d.createFile("x", false));
            assertErrno(Errno.ENOENT, () -> d.createFile("x", true));
            assertErrno(Errno.ENOENT, () -> d.createDirectory("x"));
            assertErrno(Errno.ENOENT, () -> d.createSymlink("x", "y"));
            assertErrno(Errno.ENOENT, () -> d.link("x", f));
            assertErrno(Errno.ENOENT, () -> dir.rename("f", d, "x"));
            assertErrno(Errno.ENOENT, () -> d.lookup("x"));
            assertErrno(Errno.ENOENT, () -> d.unlink("x"));
            assertTrue(d.list().isEmpty(), "its listing ends at once, as readdir's on Linux");
            assertEquals(Map.of("f", Wasi.FILETYPE_REGULAR_FILE), listing(dir), "the file stayed where it was");
            dir.createDirectory("d");
            assertNotEquals(inode(d), inode(dir.lookup("d")), "a new directory of that name is another");
            assertTrue(dir.lookup("d").list().isEmpty());
        } finally {
            d.unpin();
        }
    }

    // ---- handles and pins outlive names -------------------------------------------------------

    @Test
    void anOpenFileOutlivesItsLastName() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "before");
        Node pinned = f.pin();
        FileHandle h = f.open(true, true);
        try {
            dir.unlink("f");
            assertErrno(Errno.ENOENT, () -> dir.lookup("f"));
            assertEquals("before", new String(readAll(h), StandardCharsets.UTF_8));
            assertEquals(3, h.write(ByteBuffer.wrap("AFT".getBytes(StandardCharsets.UTF_8)), 0));
            assertEquals("AFTore", new String(readAll(h), StandardCharsets.UTF_8));
            h.truncate(2);
            assertEquals(2, h.size());
            Stat s = pinned.stat();
            assertEquals(0, s.links());
            assertEquals(2, s.size());
            dir.createFile("f", true);
            assertNotEquals(s.inode(), inode(dir.lookup("f")), "the name is free for another file");
        } finally {
            h.close();
            pinned.unpin();
        }
    }

    @Test
    void anOpenFileAndAPinFollowARename() throws Exception {
        Node f = dir.createFile("f", true);
        Node d = mkdir(dir, "d");
        Node pinned = f.pin();
        FileHandle h = f.open(true, true);
        try {
            dir.rename("f", d, "g");
            h.write(ByteBuffer.wrap("moved".getBytes(StandardCharsets.UTF_8)), 0);
            assertEquals("moved", read(d.lookup("g")));
            assertEquals(inode(d.lookup("g")), inode(pinned));
            assertEquals(1, pinned.stat().links());
            assertEquals(5, pinned.stat().size());
            if (differs(Deviation.PINNED_FILES_ARE_NOT_REOPENED)) {
                assertErrno(Errno.EINVAL, () -> pinned.open(true, false));
                assertErrno(Errno.EINVAL, () -> pinned.truncate(0));
                return;
            }
            FileHandle again = pinned.open(true, false);
            try {
                assertEquals("moved", new String(readAll(again), StandardCharsets.UTF_8));
            } finally {
                again.close();
            }
            pinned.truncate(2);
            assertEquals("mo", read(d.lookup("g")));
        } finally {
            h.close();
            pinned.unpin();
        }
    }

    /** While a pin holds a removed directory, its inode is given to no new directory. */
    @Test
    void aPinnedRemovedDirectoryKeepsItsInode() throws Exception {
        Node d = mkdir(dir, "d").pin();
        try {
            long ino = inode(d);
            dir.removeDirectory("d");
            for (int i = 0; i < 5; i++) assertNotEquals(ino, inode(mkdir(dir, "new" + i)));
            assertEquals(ino, inode(d));
        } finally {
            d.unpin();
        }
    }

    @Test
    void aPinnedDirectoryFollowsARename() throws Exception {
        Node d = mkdir(dir, "d").pin();
        try {
            d.createFile("inside", true);
            dir.rename("d", dir, "e");
            assertEquals(Map.of("inside", Wasi.FILETYPE_REGULAR_FILE), listing(d));
            d.createFile("new", true);
            assertEquals(Map.of("inside", Wasi.FILETYPE_REGULAR_FILE, "new", Wasi.FILETYPE_REGULAR_FILE), listing(dir.lookup("e")));
            assertErrno(Errno.ENOENT, () -> dir.lookup("d"));
        } finally {
            d.unpin();
        }
    }

    /** While any pin holds an unlinked file, it lives: its inode is given to no new file. */
    @Test
    void pinsAreCountedAndEachReleasedOnce() throws Exception {
        Node f = dir.createFile("f", true);
        write(f, 0, "data");
        long ino = inode(f);
        Node a = f.pin();
        Node b = f.pin();
        Node c = a.pin(); // a pin of a pinned node
        assertEquals(ino, inode(a));
        assertEquals(ino, inode(c));
        dir.unlink("f");
        a.unpin();
        b.unpin();
        for (int i = 0; i < 5; i++) assertNotEquals(ino, inode(dir.createFile("new" + i, true)), "the last pin holds it");
        assertEquals(4, c.stat().size());
        assertEquals(0, c.stat().links());
        c.unpin();
        Node root = fs.root().pin();
        root.unpin();
        assertTrue(fs.root().list().size() >= 0, "the root is usable after its pin is released");
    }

    @Test
    void closingAHandleTwiceIsHarmless() throws Exception {
        Node f = dir.createFile("f", true);
        FileHandle h = f.open(true, true);
        h.close();
        h.close();
        write(f, 0, "still fine");
        assertEquals("still fine", read(f));
    }

    // ---- the contract's own bookkeeping -------------------------------------------------------

    @Test
    void everyDeviationSaysWhy() {
        Map<Deviation, String> d = new EnumMap<>(Deviation.class);
        d.putAll(deviations());
        d.forEach((k, why) -> assertFalse(why == null || why.isBlank(), k + " needs its reason"));
    }
}
