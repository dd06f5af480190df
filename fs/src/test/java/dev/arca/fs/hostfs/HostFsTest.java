package dev.arca.fs.hostfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class HostFsTest {
    @TempDir
    Path tmp;

    private Path dir;
    private HostFs fs;
    private Node root;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createDirectory(tmp.resolve("root"));
        fs = new HostFs(new LinuxHost(), dir, false);
        root = fs.root();
    }

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    static void write(Node file, long position, String text) throws ErrnoException {
        FileHandle h = file.open(true, true);
        try {
            ByteBuffer src = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            assertEquals(src.remaining(), h.write(src, position));
        } finally {
            h.close();
        }
    }

    static String read(Node file) throws ErrnoException {
        FileHandle h = file.open(true, false);
        try {
            ByteBuffer dst = ByteBuffer.allocate((int) h.size());
            while (dst.hasRemaining() && h.read(dst, dst.position()) > 0) {
                // keep reading
            }
            return new String(dst.array(), 0, dst.position(), StandardCharsets.UTF_8);
        } finally {
            h.close();
        }
    }

    static Map<String, Byte> listing(Node d) throws ErrnoException {
        Map<String, Byte> m = new TreeMap<>();
        for (DirEntry e : d.list()) m.put(e.name(), e.filetype());
        return m;
    }

    @Test
    void rootIsTheHostDirectory() throws Exception {
        assertEquals(Wasi.FILETYPE_DIRECTORY, root.filetype());
        assertEquals(dir.toAbsolutePath().normalize(), fs.hostRoot());
        assertEquals("hostfs", fs.type());
        assertFalse(fs.readOnly());
        assertTrue(root.list().isEmpty());
    }

    @Test
    void createFileMakesAHostFile() throws Exception {
        Node f = root.createFile("f", true);
        assertTrue(Files.isRegularFile(dir.resolve("f")));
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, f.filetype());
        write(f, 0, "hello");
        assertEquals("hello", Files.readString(dir.resolve("f")));
        assertEquals(5, root.lookup("f").stat().size());
        assertEquals(Files.getAttribute(dir.resolve("f"), "unix:ino"), f.stat().inode());
    }

    @Test
    void createFileOnExisting() throws Exception {
        Files.writeString(dir.resolve("f"), "keep");
        Node f = root.createFile("f", false);
        assertEquals("keep", read(f));
        assertErrno(Errno.EEXIST, () -> root.createFile("f", true));
        Files.createDirectory(dir.resolve("d"));
        assertErrno(Errno.EISDIR, () -> root.createFile("d", false));
        assertErrno(Errno.EEXIST, () -> root.createFile("d", true));
    }

    @Test
    void createDirectoryAndEexist() throws Exception {
        root.createDirectory("d");
        assertTrue(Files.isDirectory(dir.resolve("d"), LinkOption.NOFOLLOW_LINKS));
        assertErrno(Errno.EEXIST, () -> root.createDirectory("d"));
        root.createFile("f", false);
        assertErrno(Errno.EEXIST, () -> root.createDirectory("f"));
    }

    @Test
    void lookupErrors() throws Exception {
        assertErrno(Errno.ENOENT, () -> root.lookup("missing"));
        Files.writeString(dir.resolve("f"), "x");
        Node f = root.lookup("f");
        assertErrno(Errno.ENOTDIR, () -> f.lookup("x"));
        assertErrno(Errno.ENOTDIR, () -> f.createFile("x", false));
        assertErrno(Errno.ENOTDIR, () -> f.list());
    }

    @Test
    void listReportsTypes() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Files.createDirectory(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
        assertEquals(Map.of("f", Wasi.FILETYPE_REGULAR_FILE, "d", Wasi.FILETYPE_DIRECTORY,
                "l", Wasi.FILETYPE_SYMBOLIC_LINK, "dangling", Wasi.FILETYPE_SYMBOLIC_LINK), listing(root));
    }

    @Test
    void unlinkAndRemoveDirectory() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Files.createDirectory(dir.resolve("d"));
        Files.writeString(dir.resolve("d/inner"), "x");
        assertErrno(Errno.EISDIR, () -> root.unlink("d"));
        assertErrno(Errno.ENOTDIR, () -> root.removeDirectory("f"));
        assertErrno(Errno.ENOTEMPTY, () -> root.removeDirectory("d"));
        assertErrno(Errno.ENOENT, () -> root.unlink("missing"));
        assertErrno(Errno.ENOENT, () -> root.removeDirectory("missing"));
        root.lookup("d").unlink("inner");
        root.removeDirectory("d");
        root.unlink("f");
        assertTrue(root.list().isEmpty());
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void unlinkASymlinkRemovesTheLinkNotTheTarget() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        Files.createDirectory(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("ld"), Path.of("d"));
        root.unlink("l");
        root.unlink("ld"); // a link to a directory is not a directory
        assertTrue(Files.exists(dir.resolve("f")));
        assertTrue(Files.isDirectory(dir.resolve("d")));
        assertFalse(Files.exists(dir.resolve("l"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void renameSemantics() throws Exception {
        Files.writeString(dir.resolve("a"), "A");
        Files.writeString(dir.resolve("b"), "B");
        Files.createDirectory(dir.resolve("d"));
        Files.createDirectory(dir.resolve("e"));
        Files.createDirectory(dir.resolve("full"));
        Files.writeString(dir.resolve("full/x"), "x");

        root.rename("a", root, "b");
        assertFalse(Files.exists(dir.resolve("a")));
        assertEquals("A", Files.readString(dir.resolve("b")));

        assertErrno(Errno.EISDIR, () -> root.rename("b", root, "d"));
        assertErrno(Errno.ENOTDIR, () -> root.rename("d", root, "b"));
        assertErrno(Errno.ENOTEMPTY, () -> root.rename("d", root, "full"));
        assertErrno(Errno.ENOENT, () -> root.rename("missing", root, "x"));

        root.rename("d", root, "e"); // a directory over an empty directory
        assertFalse(Files.exists(dir.resolve("d")));
        assertTrue(Files.isDirectory(dir.resolve("e")));

        root.rename("b", root.lookup("e"), "moved");
        assertEquals("A", Files.readString(dir.resolve("e/moved")));
    }

    @Test
    void renameDirectoryIntoItselfIsEinval() throws Exception {
        Files.createDirectories(dir.resolve("a/b/c"));
        Node a = root.lookup("a");
        Node c = a.lookup("b").lookup("c");
        assertErrno(Errno.EINVAL, () -> root.rename("a", a, "x"));
        assertErrno(Errno.EINVAL, () -> root.rename("a", c, "x"));
        assertTrue(Files.isDirectory(dir.resolve("a/b/c")));
        // a sibling whose name starts with the same letters is not inside
        Files.createDirectory(dir.resolve("ab"));
        root.rename("a", root.lookup("ab"), "a");
        assertTrue(Files.isDirectory(dir.resolve("ab/a/b/c")));
    }

    @Test
    void renameAcrossFileSystemsIsExdev() throws Exception {
        Path otherDir = Files.createDirectory(tmp.resolve("other"));
        HostFs other = new HostFs(new LinuxHost(), otherDir, false);
        Files.writeString(dir.resolve("f"), "x");
        assertErrno(Errno.EXDEV, () -> root.rename("f", other.root(), "f"));
        assertErrno(Errno.EXDEV, () -> other.root().link("f", root.lookup("f")));
        assertTrue(Files.exists(dir.resolve("f")));
        assertFalse(Files.exists(otherDir.resolve("f")));
    }

    @Test
    void hardLinks() throws Exception {
        Files.writeString(dir.resolve("f"), "shared");
        Node f = root.lookup("f");
        root.link("g", f);
        assertEquals(2, f.stat().links());
        assertEquals(f.stat().inode(), root.lookup("g").stat().inode());
        write(root.lookup("g"), 0, "SH");
        assertEquals("SHared", Files.readString(dir.resolve("f")));
        root.unlink("f");
        assertEquals(1, root.lookup("g").stat().links());
        Files.createDirectory(dir.resolve("d"));
        assertErrno(Errno.EPERM, () -> root.link("d2", root.lookup("d")));
        assertErrno(Errno.EEXIST, () -> root.link("d", root.lookup("g")));
    }

    private void assertSymlinkVerbatim(String target) throws Exception {
        String name = "l" + Integer.toHexString(target.hashCode());
        root.createSymlink(name, target);
        assertEquals(target, Files.readSymbolicLink(dir.resolve(name)).toString(), "target on the host");
        Node l = root.lookup(name);
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, l.filetype(), "lookup does not follow links");
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, l.stat().filetype());
        assertEquals(target, l.readlink(), "readlink");
    }

    @Test
    void symlinkTargetsAreStoredVerbatim() throws Exception {
        for (String target : List.of("../secret", "/nonexistent/abs", "x/../../y", "./a/./b", "no such thing", "..")) {
            assertSymlinkVerbatim(target);
        }
        assertErrno(Errno.EEXIST, () -> root.createSymlink(root.list().get(0).name(), "x"));
    }

    /**
     * A trailing slash or a doubled slash in a target is part of it: "f/" on a regular file must
     * resolve to ENOTDIR, and readlink must give back what symlink was given.
     */
    @Test
    void symlinkTargetsKeepTrailingAndRepeatedSlashes() throws Exception {
        assertSymlinkVerbatim("f/");
        assertSymlinkVerbatim("a//b");
        assertSymlinkVerbatim("a//b/./c/");
    }

    @Test
    void readlinkOfANonLinkIsEinval() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        assertErrno(Errno.EINVAL, () -> root.lookup("f").readlink());
        assertErrno(Errno.EINVAL, () -> root.readlink());
    }

    @Test
    void openingALinkNeverFollowsIt() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "TOP SECRET");
        Files.createSymbolicLink(dir.resolve("abs"), secret);
        Files.createSymbolicLink(dir.resolve("rel"), Path.of("../secret"));
        for (String name : List.of("abs", "rel")) {
            Node l = root.lookup(name);
            assertErrno(Errno.ELOOP, () -> l.open(true, false));
            assertErrno(Errno.ELOOP, () -> l.open(true, true));
        }
        // createFile on an existing link hands back the link itself, which cannot be opened
        Node viaCreate = root.createFile("rel", false);
        assertErrno(Errno.ELOOP, () -> viaCreate.open(true, true));
        assertEquals("TOP SECRET", Files.readString(secret));
    }

    @Test
    void openDirectoryIsEisdir() throws Exception {
        Files.createDirectory(dir.resolve("d"));
        assertErrno(Errno.EISDIR, () -> root.lookup("d").open(true, false));
        assertErrno(Errno.EISDIR, () -> root.lookup("d").truncate(0));
    }

    @Test
    void readWriteAndTruncateThroughHandles() throws Exception {
        Node f = root.createFile("f", false);
        FileHandle h = f.open(true, true);
        try {
            assertEquals(6, h.write(ByteBuffer.wrap("abcdef".getBytes()), 0));
            assertEquals(2, h.write(ByteBuffer.wrap("XY".getBytes()), 8));
            assertEquals(10, h.size());
            assertArrayEquals(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 0, 0, 'X', 'Y'}, Files.readAllBytes(dir.resolve("f")));
            ByteBuffer dst = ByteBuffer.allocate(4);
            assertEquals(4, h.read(dst, 2));
            assertEquals("cdef", new String(dst.array()));
            assertEquals(0, h.read(ByteBuffer.allocate(4), 10), "end of file");
            assertEquals(0, h.read(ByteBuffer.allocate(4), 100), "past the end of file");
            h.truncate(3);
            assertEquals(3, h.size());
            h.truncate(5);
            assertArrayEquals(new byte[] {'a', 'b', 'c', 0, 0}, Files.readAllBytes(dir.resolve("f")));
        } finally {
            h.close();
        }
        f.truncate(1);
        assertEquals("a", Files.readString(dir.resolve("f")));
        f.truncate(4);
        assertEquals(4, Files.size(dir.resolve("f")));
    }

    @Test
    void aReadOnlyHandleCannotWrite() throws Exception {
        Files.writeString(dir.resolve("f"), "abc");
        FileHandle h = root.lookup("f").open(true, false);
        try {
            assertErrno(Errno.EBADF, () -> h.write(ByteBuffer.wrap("x".getBytes()), 0));
            assertErrno(Errno.EBADF, () -> h.truncate(0));
        } finally {
            h.close();
        }
        assertEquals("abc", Files.readString(dir.resolve("f")));
    }

    @Test
    void setTimes() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Node f = root.lookup("f");
        long a = 1_000_000_000_123_000_000L;
        long m = 1_100_000_000_456_000_000L;
        f.setTimes(a, m);
        assertEquals(a, f.stat().atime());
        assertEquals(m, f.stat().mtime());
        f.setTimes(Times.OMIT, 1_200_000_000_000_000_000L);
        assertEquals(a, f.stat().atime());
        assertEquals(FileTime.from(1_200_000_000L, TimeUnit.SECONDS), Files.getLastModifiedTime(dir.resolve("f")));
    }

    @Test
    void readOnlyHostFsRefusesChangesButReads() throws Exception {
        Files.writeString(dir.resolve("f"), "data");
        Files.createDirectory(dir.resolve("d"));
        HostFs ro = new HostFs(new LinuxHost(), dir, true);
        Node r = ro.root();
        assertTrue(ro.readOnly());
        assertErrno(Errno.EROFS, () -> r.createFile("new", false));
        assertErrno(Errno.EROFS, () -> r.createDirectory("new"));
        assertErrno(Errno.EROFS, () -> r.createSymlink("new", "f"));
        assertErrno(Errno.EROFS, () -> r.link("new", r.lookup("f")));
        assertErrno(Errno.EROFS, () -> r.unlink("f"));
        assertErrno(Errno.EROFS, () -> r.removeDirectory("d"));
        assertErrno(Errno.EROFS, () -> r.rename("f", r, "g"));
        assertErrno(Errno.EROFS, () -> r.lookup("f").open(true, true));
        assertErrno(Errno.EROFS, () -> r.lookup("f").truncate(0));
        assertErrno(Errno.EROFS, () -> r.lookup("f").setTimes(1, 1));
        assertEquals("data", read(r.lookup("f")));
        assertEquals(Map.of("f", Wasi.FILETYPE_REGULAR_FILE, "d", Wasi.FILETYPE_DIRECTORY), listing(r));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count());
        }
        assertEquals("data", Files.readString(dir.resolve("f")));
    }

    @Test
    void aNodeWhoseHostFileVanishedReportsEnoent() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Node f = root.lookup("f");
        Files.delete(dir.resolve("f"));
        assertErrno(Errno.ENOENT, f::stat);
        assertErrno(Errno.ENOENT, () -> f.open(true, false));
    }
}
