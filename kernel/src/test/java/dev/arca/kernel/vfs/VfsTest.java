package dev.arca.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.ramfs.RamFs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class VfsTest {
    private MountTable mounts;
    private RamFs rootFs;
    private Vfs vfs;
    private Location root;

    @BeforeEach
    void setUp() throws Exception {
        mounts = new MountTable();
        rootFs = new RamFs(() -> 0L, 1 << 20);
        mounts.mount("/", rootFs, false);
        vfs = new Vfs(mounts);
        root = vfs.root();
    }

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    private void mkdir(String path) throws ErrnoException {
        vfs.createDirectory(root, path);
    }

    private void write(String path, String text) throws ErrnoException {
        FileHandle h = vfs.open(root, path, true, true, false, false, true, false, true).handle();
        h.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        h.close();
    }

    private String read(Location start, String path) throws ErrnoException {
        FileHandle h = vfs.open(start, path, true, false, false, false, false, true, false).handle();
        ByteBuffer dst = ByteBuffer.allocate((int) h.size());
        h.read(dst, 0);
        h.close();
        return new String(dst.array(), StandardCharsets.UTF_8);
    }

    private void symlink(String target, String path) throws ErrnoException {
        vfs.symlink(target, root, path);
    }

    private Location lookup(String path) throws ErrnoException {
        return vfs.lookup(root, path, true);
    }

    private static List<String> names(List<DirEntry> entries) {
        return entries.stream().map(DirEntry::name).toList();
    }

    // ---- "." and ".." ------------------------------------------------------------------------

    @Test
    void dotAndDotDotAreResolved() throws Exception {
        mkdir("a");
        mkdir("a/b");
        write("a/b/f", "x");
        assertEquals("/a/b/f", lookup("a/./b/../b/f").path());
        assertEquals("/a/b/f", lookup("./a//b///f").path());
        assertEquals("/a", lookup("a/b/..").path());
        assertEquals("/", lookup("a/b/../..").path());
        assertEquals("/", lookup(".").path());
        assertEquals("/", lookup("/").path());
        assertEquals("/", lookup("///").path());
        assertEquals("/a/b", lookup("/a/b/").path());
        assertSame(rootFs.root(), lookup("a/..").node());
        assertSame(lookup("a/b/f").node(), lookup("/a/../a/b/./f").node());

        Location a = lookup("a");
        assertSame(a.node(), vfs.lookup(a, ".", true).node());
        assertEquals("/a", vfs.lookup(a, "b/..", true).path());
        assertEquals("/a/b/f", vfs.lookup(a, "b/./f", true).path());
    }

    @Test
    void dotDotCannotLeaveTheStartDirectory() throws Exception {
        mkdir("a");
        mkdir("a/b");
        assertErrno(Errno.ENOTCAPABLE, () -> lookup(".."));
        assertErrno(Errno.ENOTCAPABLE, () -> lookup("a/../.."));
        assertErrno(Errno.ENOTCAPABLE, () -> lookup("/.."));
        Location a = lookup("a");
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "..", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "../a", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "b/../..", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "b/../../a/b", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.createDirectory(a, "../c"));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.open(a, "../new", true, true, false, false, false, false, true));
        assertErrno(Errno.ENOENT, () -> lookup("c"));
        assertErrno(Errno.ENOENT, () -> lookup("new"));
    }

    @Test
    void absolutePathsNeedTheRootAsStart() throws Exception {
        mkdir("a");
        write("a/f", "x");
        assertEquals("/a/f", lookup("/a/f").path());
        Location a = lookup("a");
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "/a/f", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "/", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.stat(a, "/a", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.unlink(a, "/a/f"));
        assertNotNull(lookup("/a/f"));
        // the root of another mount is not the namespace root
        mounts.mount("/m", new RamFs(() -> 0L, 1 << 20), false);
        Location m = vfs.lookupAbsolute("/m");
        assertEquals("/m", m.path());
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(m, "/", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(m, "..", true));
    }

    @Test
    void badPaths() throws Exception {
        assertErrno(Errno.ENOENT, () -> lookup(""));
        assertErrno(Errno.EILSEQ, () -> lookup("a\0b"));
        assertErrno(Errno.ENAMETOOLONG, () -> lookup("x".repeat(Vfs.NAME_MAX + 1)));
        assertErrno(Errno.ENAMETOOLONG, () -> lookup("x".repeat(Vfs.NAME_MAX + 1) + "/y"));
        assertErrno(Errno.ENAMETOOLONG, () -> lookup("a/".repeat(Vfs.PATH_MAX / 2 + 1)));
        assertErrno(Errno.ENOENT, () -> lookup("missing"));
        assertErrno(Errno.ENOENT, () -> lookup("missing/x"));
        String longest = "x".repeat(Vfs.NAME_MAX);
        vfs.createDirectory(root, longest);
        assertEquals("/" + longest, lookup(longest).path());
    }

    // ---- symbolic links ------------------------------------------------------------------------

    @Test
    void symlinksAreFollowedAndNotFollowed() throws Exception {
        mkdir("a");
        mkdir("a/b");
        write("a/b/f", "content");
        symlink("a/b", "ld");
        symlink("b/f", "a/lf");
        symlink("..", "a/up");
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, vfs.lookup(root, "ld", false).node().filetype());
        assertEquals(Wasi.FILETYPE_DIRECTORY, lookup("ld").node().filetype());
        assertSame(lookup("a/b/f").node(), lookup("ld/f").node());
        assertSame(lookup("a/b/f").node(), lookup("a/lf").node());
        assertEquals("content", read(root, "a/lf"));
        assertEquals("a/b", vfs.readlink(root, "ld"));
        // ".." after a link goes to the parent of the link's target, as on Linux
        assertSame(lookup("a").node(), lookup("ld/..").node());
        assertSame(rootFs.root(), lookup("a/up").node());
        assertSame(lookup("a/b/f").node(), lookup("a/up/a/up/ld/f").node());
        // a link is resolved relative to the directory holding it, inside the start's capability
        Location a = lookup("a");
        assertSame(lookup("a/b/f").node(), vfs.lookup(a, "lf", true).node());
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "up", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "up/a", true));
        assertEquals("..", vfs.readlink(a, "up"));
    }

    /**
     * A link in the middle of a path whose target ends in "." or ".." names a directory that is
     * already on the walk's stack; ".." after it must still go to that directory's parent.
     * (up -> ".." in /a/b is /a, so a/b/up/.. is /; self -> "." in /a is /a, so a/self/.. is /.)
     */
    @Test
    void dotDotAfterALinkEndingInDotDot() throws Exception {
        mkdir("a");
        mkdir("a/b");
        symlink("..", "a/b/up");
        symlink(".", "a/self");
        symlink("../..", "a/b/top");
        assertEquals("/a", lookup("a/b/up").path());
        assertEquals("/", lookup("a/b/up/..").path());
        assertEquals("/", lookup("a/self/..").path());
        assertEquals("/", lookup("a/b/top").path());
        assertEquals("/a", lookup("a/b/top/a/b/..").path());
        Location a = lookup("a");
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "self/..", true));
        assertErrno(Errno.ENOTCAPABLE, () -> vfs.lookup(a, "b/up/..", true));
    }

    @Test
    void absoluteSymlinksAreRefusedOnCreation() throws Exception {
        assertErrno(Errno.EPERM, () -> symlink("/etc/passwd", "l"));
        assertErrno(Errno.ENOENT, () -> symlink("", "l"));
        assertErrno(Errno.EILSEQ, () -> symlink("a\0b", "l"));
        assertErrno(Errno.ENOENT, () -> vfs.lookup(root, "l", false));
    }

    @Test
    void symlinkChainsUpToMaxSymlinks() throws Exception {
        write("target", "end");
        symlink("target", "l0");
        for (int i = 1; i <= Vfs.MAX_SYMLINKS; i++) symlink("l" + (i - 1), "l" + i);
        // resolving l<k> follows k+1 links
        int last = Vfs.MAX_SYMLINKS - 1;
        assertSame(lookup("target").node(), lookup("l" + last).node());
        assertEquals("end", read(root, "l" + last));
        assertErrno(Errno.ELOOP, () -> lookup("l" + Vfs.MAX_SYMLINKS));
        assertErrno(Errno.ELOOP, () -> read(root, "l" + Vfs.MAX_SYMLINKS));
        assertErrno(Errno.ELOOP, () -> vfs.stat(root, "l" + Vfs.MAX_SYMLINKS, true));
        // not following the last one needs no hop
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, vfs.lookup(root, "l" + Vfs.MAX_SYMLINKS, false).node().filetype());
        assertEquals("l" + (Vfs.MAX_SYMLINKS - 1), vfs.readlink(root, "l" + Vfs.MAX_SYMLINKS));
    }

    @Test
    void directorySymlinkChainsInTheMiddleOfAPath() throws Exception {
        mkdir("dir");
        write("dir/f", "x");
        symlink("dir", "d0");
        for (int i = 1; i <= Vfs.MAX_SYMLINKS; i++) symlink("d" + (i - 1), "d" + i);
        assertSame(lookup("dir/f").node(), lookup("d" + (Vfs.MAX_SYMLINKS - 1) + "/f").node());
        assertErrno(Errno.ELOOP, () -> lookup("d" + Vfs.MAX_SYMLINKS + "/f"));
        assertErrno(Errno.ELOOP, () -> vfs.lookup(root, "d" + Vfs.MAX_SYMLINKS + "/f", false));
    }

    @Test
    void theLimitCountsEveryLinkOfOnePath() throws Exception {
        mkdir("dir");
        write("dir/f", "x");
        symlink(".", "dir/self");
        String ok = "dir/" + "self/".repeat(Vfs.MAX_SYMLINKS) + "f";
        assertSame(lookup("dir/f").node(), lookup(ok).node());
        String tooMany = "dir/" + "self/".repeat(Vfs.MAX_SYMLINKS + 1) + "f";
        assertErrno(Errno.ELOOP, () -> lookup(tooMany));
    }

    @Test
    void symlinkLoopsAreEloop() throws Exception {
        symlink("b", "a");
        symlink("a", "b");
        symlink("self", "self");
        symlink("inner/x", "inner");
        mkdir("d");
        symlink("../d/loop", "d/loop");
        for (String p : List.of("a", "b", "self", "inner", "d/loop", "a/x", "self/")) {
            assertErrno(Errno.ELOOP, () -> lookup(p));
        }
        assertErrno(Errno.ELOOP, () -> vfs.open(root, "a", true, true, false, false, false, false, true));
        assertErrno(Errno.ELOOP, () -> vfs.createDirectory(root, "self/x"));
        assertErrno(Errno.ELOOP, () -> vfs.stat(root, "b", true));
        // not following: the link itself
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, vfs.lookup(root, "a", false).node().filetype());
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, vfs.stat(root, "self", false).filetype());
        assertErrno(Errno.ELOOP, () -> vfs.open(root, "a", false, false, false, false, false, true, false));
        vfs.unlink(root, "a");
        assertErrno(Errno.ENOENT, () -> lookup("b"));
    }

    @Test
    void openCreatesTheTargetOfADanglingLink() throws Exception {
        mkdir("d");
        symlink("d/made", "dangling");
        vfs.open(root, "dangling", true, true, false, false, false, false, true).handle().close();
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, vfs.lookup(root, "d/made", false).node().filetype());
        // O_EXCL never follows: the link itself exists
        assertErrno(Errno.EEXIST, () -> vfs.open(root, "dangling", true, true, true, false, false, false, true));
    }

    // ---- trailing slashes ----------------------------------------------------------------------

    @Test
    void trailingSlashRules() throws Exception {
        write("f", "x");
        mkdir("d");
        symlink("f", "lf");
        symlink("d", "ld");
        symlink("f/", "lfslash");
        assertErrno(Errno.ENOTDIR, () -> lookup("f/"));
        assertErrno(Errno.ENOTDIR, () -> vfs.lookup(root, "f/", false));
        assertErrno(Errno.ENOTDIR, () -> lookup("f/."));
        assertErrno(Errno.ENOTDIR, () -> lookup("f/x"));
        assertErrno(Errno.ENOTDIR, () -> vfs.stat(root, "f/", true));
        assertEquals("/d", lookup("d/").path());
        // a trailing slash follows a final link even without follow
        assertEquals(Wasi.FILETYPE_DIRECTORY, vfs.lookup(root, "ld/", false).node().filetype());
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, vfs.lookup(root, "ld", false).node().filetype());
        assertErrno(Errno.ENOTDIR, () -> vfs.lookup(root, "lf/", false));
        assertErrno(Errno.ENOTDIR, () -> lookup("lf/"));
        // and a link whose target ends in a slash names a directory
        assertErrno(Errno.ENOTDIR, () -> lookup("lfslash"));
        // opening
        assertErrno(Errno.ENOTDIR, () -> vfs.open(root, "f/", true, false, false, false, false, true, false));
        assertErrno(Errno.EISDIR, () -> vfs.open(root, "new/", true, true, false, false, false, false, true));
        assertErrno(Errno.ENOENT, () -> lookup("new"));
        // unlink / rmdir / mkdir / rename
        assertErrno(Errno.ENOTDIR, () -> vfs.unlink(root, "f/"));
        assertErrno(Errno.EISDIR, () -> vfs.unlink(root, "d/"));
        assertErrno(Errno.ENOTDIR, () -> vfs.rename(root, "f/", root, "g"));
        assertErrno(Errno.ENOTDIR, () -> vfs.rename(root, "f", root, "g/"));
        assertNotNull(lookup("f"));
        vfs.createDirectory(root, "e/");
        assertEquals(Wasi.FILETYPE_DIRECTORY, lookup("e").node().filetype());
        vfs.rename(root, "e/", root, "e2/");
        vfs.removeDirectory(root, "e2/");
        assertErrno(Errno.ENOENT, () -> lookup("e2"));
    }

    // ---- mounts --------------------------------------------------------------------------------

    @Test
    void crossingIntoAMountWhosePointIsNotInTheParent() throws Exception {
        RamFs data = new RamFs(() -> 0L, 1 << 20);
        data.root().createFile("inside", false);
        mounts.mount("/data", data, false);
        assertErrno(Errno.ENOENT, () -> rootFs.root().lookup("data"));
        Location d = lookup("/data");
        assertSame(data.root(), d.node());
        assertEquals("/data", d.path());
        assertTrue(d.isMountRoot());
        assertSame(mounts.at("/data"), d.mount());
        assertSame(data.root().lookup("inside"), lookup("data/inside").node());
        assertSame(rootFs.root(), lookup("data/..").node());
        assertEquals("/", lookup("data/..").path());
        // new files land in the mounted file system
        write("/data/new", "x");
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, data.root().lookup("new").filetype());
        assertErrno(Errno.ENOENT, () -> rootFs.root().lookup("new"));
        // st_dev tells the mounts apart
        assertNotEquals(vfs.stat(root, "/", true).device(), vfs.stat(root, "/data", true).device());
        assertEquals(vfs.stat(root, "/data", true).device(), vfs.stat(root, "/data/new", true).device());
        // a symlink can lead into the mount
        symlink("data/inside", "toData");
        assertSame(data.root().lookup("inside"), lookup("toData").node());
    }

    @Test
    void aMountHidesTheDirectoryBelowIt() throws Exception {
        mkdir("m");
        write("m/hidden", "x");
        RamFs over = new RamFs(() -> 0L, 1 << 20);
        over.root().createFile("shown", false);
        mounts.mount("/m", over, false);
        assertErrno(Errno.ENOENT, () -> lookup("m/hidden"));
        assertSame(over.root(), lookup("m").node());
        assertEquals(List.of(".", "..", "shown"), names(vfs.list(lookup("m"))));
        assertEquals(List.of(".", "..", "m"), names(vfs.list(root)), "the mount point is listed once");
    }

    /**
     * A mount point need not exist in the file system below it, and the directories above a
     * nested mount point are ordinary directories of the parent (the CLI creates them in the
     * in-memory root, as mkdir -p before mount on Linux).
     */
    @Test
    void aNestedMountIsReachableBelowAnOrdinaryDirectory() throws Exception {
        mkdir("mnt");
        RamFs data = new RamFs(() -> 0L, 1 << 20);
        data.root().createFile("inside", false);
        mounts.mount("/mnt/data", data, false);
        assertSame(data.root(), lookup("/mnt/data").node());
        assertSame(data.root().lookup("inside"), lookup("/mnt/data/inside").node());
        assertSame(data.root(), vfs.lookupAbsolute("/mnt/data").node());
        assertSame(data.root(), vfs.lookupAbsolute("/mnt/./data/").node());
        assertEquals("/mnt", lookup("/mnt/data/..").path());
        // not listed, since it is not a directory of the parent file system (as designed)
        assertEquals(List.of(".", ".."), names(vfs.list(lookup("mnt"))));
    }

    @Test
    void listingHasDotsFirstThenTheEntries() throws Exception {
        mkdir("b");
        write("a", "x");
        symlink("a", "c");
        List<DirEntry> list = vfs.list(root);
        assertEquals(List.of(".", "..", "a", "b", "c"), names(list));
        assertEquals(Wasi.FILETYPE_DIRECTORY, list.get(0).filetype());
        assertEquals(Wasi.FILETYPE_DIRECTORY, list.get(1).filetype());
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, list.get(2).filetype());
        assertEquals(Wasi.FILETYPE_DIRECTORY, list.get(3).filetype());
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, list.get(4).filetype());
        assertEquals(rootFs.root().stat().inode(), list.get(0).inode());
        assertEquals(lookup("a").node().stat().inode(), list.get(2).inode());
        assertEquals(List.of(".", ".."), names(vfs.list(lookup("b"))));
    }

    @Test
    void listingShowsMountPointsThatAreDirectoriesOfTheParent() throws Exception {
        mkdir("data");
        mkdir("b");
        mkdir("b/deep");
        RamFs dataFs = new RamFs(() -> 0L, 1 << 20);
        dataFs.root().createFile("x", false);
        mounts.mount("/data", dataFs, false);
        mounts.mount("/b/deep", new RamFs(() -> 0L, 1 << 20), false);
        mounts.mount("/ghost", new RamFs(() -> 0L, 1 << 20), false);
        assertEquals(List.of(".", "..", "b", "data"), names(vfs.list(root)));
        assertEquals(List.of(".", "..", "deep"), names(vfs.list(lookup("b"))));
        assertEquals(List.of(".", "..", "x"), names(vfs.list(lookup("data"))));
        assertEquals(List.of(".", ".."), names(vfs.list(lookup("ghost"))), "reachable, though not listed");
        assertEquals(dataFs.root().stat().inode(), vfs.list(lookup("data")).get(0).inode(), "'.' of a mount root is its root");
    }

    @Test
    void mountPointsCannotBeRemovedOrReplaced() throws Exception {
        mounts.mount("/data", new RamFs(() -> 0L, 1 << 20), false);
        write("f", "x");
        mkdir("d");
        assertErrno(Errno.EBUSY, () -> vfs.removeDirectory(root, "data"));
        assertErrno(Errno.EISDIR, () -> vfs.unlink(root, "data"));
        assertErrno(Errno.EEXIST, () -> vfs.createDirectory(root, "data"));
        assertErrno(Errno.EEXIST, () -> symlink("f", "data"));
        assertErrno(Errno.EBUSY, () -> vfs.rename(root, "data", root, "data2"));
        assertErrno(Errno.EBUSY, () -> vfs.rename(root, "d", root, "data"));
        assertErrno(Errno.EBUSY, () -> vfs.rename(root, "f", root, "data"));
        assertSame(mounts.at("/data").fileSystem().root(), lookup("data").node());
    }

    @Test
    void readOnlyMountRefusesChangesWithErofs() throws Exception {
        RamFs fs = new RamFs(() -> 0L, 1 << 20);
        fs.root().createDirectory("d");
        Node f = fs.root().createFile("f", false);
        f.open(false, true).write(ByteBuffer.wrap("data".getBytes()), 0);
        mounts.mount("/ro", fs, true);
        assertErrno(Errno.EROFS, () -> vfs.createDirectory(root, "/ro/x"));
        assertErrno(Errno.EROFS, () -> vfs.open(root, "/ro/new", true, true, false, false, false, false, true));
        assertErrno(Errno.EROFS, () -> vfs.open(root, "/ro/f", true, false, false, false, false, false, true));
        assertErrno(Errno.EROFS, () -> vfs.open(root, "/ro/f", true, false, false, false, true, true, false));
        assertErrno(Errno.EROFS, () -> vfs.unlink(root, "/ro/f"));
        assertErrno(Errno.EROFS, () -> vfs.removeDirectory(root, "/ro/d"));
        assertErrno(Errno.EROFS, () -> vfs.rename(root, "/ro/f", root, "/ro/g"));
        assertErrno(Errno.EROFS, () -> vfs.link(root, "/ro/f", false, root, "/ro/g"));
        assertErrno(Errno.EROFS, () -> symlink("f", "/ro/l"));
        assertErrno(Errno.EROFS, () -> vfs.setTimes(root, "/ro/f", true, 1, 1));
        assertEquals("data", read(root, "/ro/f"));
        assertEquals("data", read(root, "/ro/f")); // opened again: still intact
        assertEquals(4, f.stat().size());
        assertEquals(List.of(".", "..", "d", "f"), names(vfs.list(lookup("/ro"))));
        // O_CREAT on an existing file only reads: allowed
        vfs.open(root, "/ro/f", true, true, false, false, false, true, false).handle().close();
        assertFalse(mounts.at("/ro").writable());
    }

    @Test
    void readOnlyFileSystemOnAWritableMountIsErofs() throws Exception {
        mounts.mount("/rofs", new RamFs(() -> 0L, 1 << 20, true), false);
        assertErrno(Errno.EROFS, () -> vfs.createDirectory(root, "/rofs/x"));
        assertErrno(Errno.EROFS, () -> vfs.open(root, "/rofs/new", true, true, false, false, false, false, true));
    }

    @Test
    void renameAndLinkAcrossMountsAreExdev() throws Exception {
        RamFs data = new RamFs(() -> 0L, 1 << 20);
        mounts.mount("/data", data, false);
        mkdir("a");
        write("a/f", "x");
        assertErrno(Errno.EXDEV, () -> vfs.rename(root, "a/f", root, "data/f"));
        assertErrno(Errno.EXDEV, () -> vfs.rename(root, "a", root, "data/a"));
        assertErrno(Errno.EXDEV, () -> vfs.link(root, "a/f", false, root, "data/f"));
        assertNotNull(lookup("a/f"));
        assertTrue(data.root().list().isEmpty());
        // within one mount both work
        vfs.rename(root, "a/f", root, "g");
        vfs.link(root, "g", false, root, "a/h");
        assertSame(lookup("g").node(), lookup("a/h").node());
        assertEquals(2, vfs.stat(root, "g", true).links());
    }

    @Test
    void mountTableRules() throws Exception {
        MountTable t = new MountTable();
        assertErrno(Errno.EINVAL, () -> t.mount("/data", new RamFs(() -> 0L, 1), false));
        t.mount("/", new RamFs(() -> 0L, 1), false);
        assertErrno(Errno.EEXIST, () -> t.mount("/", new RamFs(() -> 0L, 1), false));
        t.mount("/a/./b//", new RamFs(() -> 0L, 1), false);
        assertNotNull(t.at("/a/b"));
        assertErrno(Errno.EEXIST, () -> t.mount("/a/c/../b", new RamFs(() -> 0L, 1), false));
        assertErrno(Errno.EINVAL, () -> t.mount("relative", new RamFs(() -> 0L, 1), false));
        assertEquals("/", MountTable.normalise("/../.."));
        assertNull(t.at("/a"));
        assertEquals(List.of("/", "/a/b"), t.all().stream().map(Mount::path).toList());
        assertNotEquals(t.at("/").id(), t.at("/a/b").id());
    }

    // ---- other operations ----------------------------------------------------------------------

    @Test
    void openRules() throws Exception {
        mkdir("d");
        write("f", "abc");
        symlink("f", "lf");
        assertNull(vfs.open(root, "d", true, false, false, false, false, true, false).handle(), "directories have no handle");
        assertErrno(Errno.EISDIR, () -> vfs.open(root, "d", true, false, false, false, false, true, true));
        assertErrno(Errno.EISDIR, () -> vfs.open(root, "d", true, false, false, false, true, true, false));
        assertErrno(Errno.ENOTDIR, () -> vfs.open(root, "f", true, false, false, true, false, true, false));
        assertErrno(Errno.ELOOP, () -> vfs.open(root, "lf", false, false, false, false, false, true, false));
        assertErrno(Errno.EEXIST, () -> vfs.open(root, "f", true, true, true, false, false, true, true));
        assertErrno(Errno.ENOENT, () -> vfs.open(root, "missing", true, false, false, false, false, true, false));
        assertErrno(Errno.ENOENT, () -> vfs.open(root, "missing", true, true, false, true, false, true, false));
        vfs.open(root, "lf", true, false, false, false, true, false, true).handle().close();
        assertEquals(0, vfs.stat(root, "f", true).size(), "truncated through the link");
        assertEquals(Wasi.FILETYPE_SYMBOLIC_LINK, vfs.stat(root, "lf", false).filetype());
    }

    @Test
    void removeRules() throws Exception {
        mkdir("d");
        write("d/f", "x");
        assertErrno(Errno.ENOTEMPTY, () -> vfs.removeDirectory(root, "d"));
        assertErrno(Errno.EINVAL, () -> vfs.removeDirectory(root, "d/."));
        assertErrno(Errno.ENOTEMPTY, () -> vfs.removeDirectory(root, "d/.."));
        assertErrno(Errno.EISDIR, () -> vfs.unlink(root, "d"));
        assertErrno(Errno.ENOTDIR, () -> vfs.removeDirectory(root, "d/f"));
        assertErrno(Errno.EBUSY, () -> vfs.rename(root, "d/.", root, "e"));
        assertErrno(Errno.EPERM, () -> vfs.link(root, "d", false, root, "d2"));
        vfs.unlink(root, "d/f");
        vfs.removeDirectory(root, "d");
        assertEquals(List.of(".", ".."), names(vfs.list(root)));
    }
}
