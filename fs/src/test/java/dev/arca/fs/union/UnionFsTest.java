package dev.arca.fs.union;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.fs.ramfs.RamFs;
import dev.arca.host.LinuxHost;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A writable layer over a read-only one: precedence, copy-up, whiteouts, rename, listings. */
class UnionFsTest {
    private final RamFs lowerFs = new RamFs(() -> 1_000L, 1 << 24);
    private final RamFs upperFs = new RamFs(() -> 2_000L, 1 << 24);
    private UnionFs union;

    /** Lower: /a.txt, /etc/conf, /etc/old, /etc/sub/x, /lib/l, /link -> a.txt. */
    private void layers() throws ErrnoException {
        Node r = lowerFs.root();
        write(r.createFile("a.txt", true), "lower a");
        r.createDirectory("etc");
        Node etc = r.lookup("etc");
        write(etc.createFile("conf", true), "lower conf");
        write(etc.createFile("old", true), "old");
        etc.createDirectory("sub");
        write(etc.lookup("sub").createFile("x", true), "x");
        r.createDirectory("lib");
        write(r.lookup("lib").createFile("l", true), "l");
        r.createSymlink("link", "a.txt");
        union = new UnionFs(upperFs, lowerFs);
    }

    static void write(Node f, String s) throws ErrnoException {
        FileHandle h = f.open(false, true);
        h.truncate(0);
        h.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)), 0);
        h.close();
    }

    static String read(Node f) throws ErrnoException {
        FileHandle h = f.open(true, false);
        ByteBuffer b = ByteBuffer.allocate((int) h.size());
        while (b.hasRemaining() && h.read(b, b.position()) > 0) {}
        h.close();
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    static Node at(FileSystem fs, String path) throws ErrnoException {
        Node n = fs.root();
        for (String c : path.split("/")) if (!c.isEmpty()) n = n.lookup(c);
        return n;
    }

    static List<String> names(Node dir) throws ErrnoException {
        return dir.list().stream().map(DirEntry::name).sorted().toList();
    }

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    /** Every path of a file system with its type and content. */
    static TreeMap<String, String> tree(FileSystem fs) throws ErrnoException {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs.root(), "", out);
        return out;
    }

    private static void walk(Node dir, String path, TreeMap<String, String> out) throws ErrnoException {
        for (DirEntry e : dir.list()) {
            Node c = dir.lookup(e.name());
            String p = path + "/" + e.name();
            switch (c.filetype()) {
                case Wasi.FILETYPE_DIRECTORY -> {
                    out.put(p, "dir");
                    walk(c, p, out);
                }
                case Wasi.FILETYPE_SYMBOLIC_LINK -> out.put(p, "-> " + c.readlink());
                default -> out.put(p, read(c));
            }
        }
    }

    @Test
    void lookupPrefersTheUpperLayerAndMergesDirectories() throws ErrnoException {
        layers();
        Node ur = upperFs.root();
        write(ur.createFile("a.txt", true), "upper a");
        ur.createDirectory("etc");
        write(ur.lookup("etc").createFile("extra", true), "extra");
        ur.createDirectory("lib"); // shadows nothing: merges
        write(ur.createFile("lib2", true), "f");
        TreeMap<String, String> before = tree(lowerFs);
        union = new UnionFs(upperFs, lowerFs);

        assertEquals("upper a", read(at(union, "a.txt")));
        assertEquals("lower conf", read(at(union, "etc/conf")));
        assertEquals("extra", read(at(union, "etc/extra")));
        assertEquals(List.of("conf", "extra", "old", "sub"), names(at(union, "etc")));
        assertEquals(List.of("a.txt", "etc", "lib", "lib2", "link"), names(union.root()));
        assertEquals("-> a.txt", "-> " + at(union, "link").readlink());
        assertSame(at(union, "etc/conf"), at(union, "etc/conf"), "one node per path");
        assertSame(union.root(), union.root());
        // inode numbers of the two layers never collide
        assertNotEquals(at(union, "a.txt").stat().inode(), at(union, "etc/conf").stat().inode());
        assertTrue((at(union, "etc/conf").stat().inode() & UnionFs.LOWER_BIT) != 0);
        assertErrno(Errno.ENOENT, () -> union.root().lookup("nope"));
        assertErrno(Errno.ENOTDIR, () -> at(union, "a.txt").lookup("x"));
        assertEquals(before, tree(lowerFs));
    }

    @Test
    void writingALowerFileCopiesItUp() throws ErrnoException {
        layers();
        TreeMap<String, String> before = tree(lowerFs);
        Node conf = at(union, "etc/conf");
        long lowerMtime = conf.stat().mtime();
        assertEquals("lower conf", read(conf));
        conf.open(false, true).close(); // copied up, not yet changed
        assertEquals(lowerMtime, at(upperFs, "etc/conf").stat().mtime(), "times come along");
        FileHandle h = conf.open(true, true);
        h.write(ByteBuffer.wrap("LOWER".getBytes(StandardCharsets.UTF_8)), 0);
        h.close();
        assertEquals("LOWER conf", read(conf));
        assertEquals("LOWER conf", read(at(union, "etc/conf")));
        assertEquals("LOWER conf", read(at(upperFs, "etc/conf")));
        assertEquals(List.of("conf"), names(at(upperFs, "etc")), "only the path is copied, not its siblings");
        assertEquals(List.of("conf", "old", "sub"), names(at(union, "etc")));
        // truncate and set-times copy up too
        at(union, "lib/l").truncate(0);
        assertEquals("", read(at(upperFs, "lib/l")));
        at(union, "a.txt").setTimes(5, 6);
        assertEquals("lower a", read(at(upperFs, "a.txt")));
        assertEquals(6, at(union, "a.txt").stat().mtime());
        assertEquals(before, tree(lowerFs), "the lower layer is never written");
        assertFalse(names(upperFs.root()).stream().anyMatch(n -> n.startsWith(".wh..wh..cu")), "no copy left behind");
    }

    @Test
    void deletingLeavesWhiteouts() throws ErrnoException {
        layers();
        TreeMap<String, String> before = tree(lowerFs);
        union.root().unlink("a.txt");
        assertErrno(Errno.ENOENT, () -> union.root().lookup("a.txt"));
        assertTrue(upperFs.root().lookup(".wh.a.txt") != null);
        assertFalse(names(union.root()).contains("a.txt"));
        assertFalse(names(union.root()).stream().anyMatch(n -> n.startsWith(".wh.")), "whiteouts are hidden");
        assertErrno(Errno.ENOENT, () -> union.root().lookup(".wh.a.txt"));
        assertErrno(Errno.EINVAL, () -> union.root().createFile(".wh.x", false));
        // recreate: the whiteout goes, the new file is upper only
        write(union.root().createFile("a.txt", true), "new a");
        assertEquals("new a", read(at(union, "a.txt")));
        assertErrno(Errno.ENOENT, () -> upperFs.root().lookup(".wh.a.txt"));

        // a lower directory: not empty until its entries are gone
        Node etc = at(union, "etc");
        assertErrno(Errno.ENOTEMPTY, () -> union.root().removeDirectory("etc"));
        etc.unlink("conf");
        etc.unlink("old");
        at(union, "etc/sub").unlink("x");
        etc.removeDirectory("sub");
        assertEquals(List.of(), names(etc));
        union.root().removeDirectory("etc");
        assertErrno(Errno.ENOENT, () -> union.root().lookup("etc"));
        // made again, it is opaque: nothing of the old lower directory shows through
        union.root().createDirectory("etc");
        assertEquals(List.of(), names(at(union, "etc")));
        assertErrno(Errno.ENOENT, () -> at(union, "etc").lookup("conf"));
        union.root().unlink("link");
        assertErrno(Errno.EISDIR, () -> union.root().unlink("lib"));
        assertErrno(Errno.ENOTDIR, () -> union.root().removeDirectory("a.txt"));
        assertEquals(List.of("a.txt", "etc", "lib"), names(union.root()));
        assertEquals(before, tree(lowerFs));
    }

    @Test
    void renameCopiesUpAndWhitesOutTheOldName() throws ErrnoException {
        layers();
        TreeMap<String, String> before = tree(lowerFs);
        Node a = at(union, "a.txt");
        union.root().rename("a.txt", at(union, "lib"), "moved");
        assertErrno(Errno.ENOENT, () -> union.root().lookup("a.txt"));
        assertSame(a, at(union, "lib/moved"), "an open node follows its file");
        assertEquals("lower a", read(at(union, "lib/moved")));
        assertEquals(List.of("l", "moved"), names(at(union, "lib")));
        // over an existing lower file
        at(union, "lib").rename("moved", union.root(), "link");
        assertEquals(Wasi.FILETYPE_REGULAR_FILE, at(union, "link").filetype());
        assertEquals("lower a", read(at(union, "link")));
        // a whole lower directory, onto a new name, and back over a deleted lower directory
        union.root().rename("etc", union.root(), "etc2");
        assertErrno(Errno.ENOENT, () -> union.root().lookup("etc"));
        assertEquals(List.of("conf", "old", "sub"), names(at(union, "etc2")));
        assertEquals("x", read(at(union, "etc2/sub/x")));
        at(union, "etc2").unlink("old");
        union.root().createDirectory("etc");
        union.root().rename("etc2", union.root(), "etc");
        assertEquals(List.of("conf", "sub"), names(at(union, "etc")), "no lower entry comes back");
        assertErrno(Errno.EINVAL, () -> union.root().rename("etc", at(union, "etc/sub"), "loop"));
        assertErrno(Errno.ENOTEMPTY, () -> union.root().rename("lib", union.root(), "etc"));
        assertErrno(Errno.EISDIR, () -> union.root().rename("link", union.root(), "lib"));
        assertErrno(Errno.ENOTDIR, () -> union.root().rename("lib", union.root(), "link"));
        assertEquals(List.of("etc", "lib", "link"), names(union.root()));
        assertEquals(before, tree(lowerFs));
    }

    @Test
    void readdirMergesWithoutDuplicates() throws ErrnoException {
        layers();
        Node lib = at(union, "lib");
        write(lib.createFile("l", false), "upper l"); // same name as the lower file
        write(lib.createFile("u", true), "u");
        lib.createSymlink("s", "u");
        lib.createDirectory("d");
        lib.link("h", at(union, "lib/l"));
        assertEquals(List.of("d", "h", "l", "s", "u"), names(lib));
        assertEquals("upper l", read(at(union, "lib/h")));
        assertEquals(2, at(union, "lib/l").stat().links());
        TreeMap<String, String> t = tree(union);
        assertEquals("upper l", t.get("/lib/l"));
        assertEquals("-> u", t.get("/lib/s"));
        assertEquals("x", t.get("/etc/sub/x"));
        assertEquals(13, t.size());
    }

    @Test
    void anEncryptedVolumeOverAnImage(@TempDir Path dir) throws ErrnoException {
        LinuxHost host = new LinuxHost();
        EncFs.Options o = EncFs.Options.defaults(() -> 1L).withSecurityLog(l -> {});
        try (HostBlockStore s = HostBlockStore.open(host, dir.resolve("app.img"), true, true)) {
            EncFs img = EncFs.create(s, null, b -> {}, o.withCommitEagerly(false));
            img.root().createDirectory("app");
            write(at(img, "app").createFile("main.lua", true), "print(1)");
            img.close();
        }
        VolumeKey key = VolumeKey.fromKeyFile(new byte[32]);
        byte[] rootHash;
        try (HostBlockStore is = HostBlockStore.open(host, dir.resolve("app.img"), false, false);
                HostBlockStore vs = HostBlockStore.open(host, dir.resolve("data.vol"), true, true)) {
            EncFs img = EncFs.open(is, null, b -> {}, o, null);
            rootHash = img.rootHash();
            EncFs vol = EncFs.create(vs, key, host::randomBytes, o);
            UnionFs u = new UnionFs(vol, img);
            write(at(u, "app/main.lua"), "print(2)");
            at(u, "app").createDirectory("data");
            vol.close();
            img.close();
        }
        try (HostBlockStore is = HostBlockStore.open(host, dir.resolve("app.img"), false, false);
                HostBlockStore vs = HostBlockStore.open(host, dir.resolve("data.vol"), true, false)) {
            EncFs img = EncFs.open(is, null, b -> {}, o, rootHash);
            EncFs vol = EncFs.open(vs, key, host::randomBytes, o, null);
            UnionFs u = new UnionFs(vol, img);
            assertEquals("print(2)", read(at(u, "app/main.lua")));
            assertEquals(List.of("data", "main.lua"), names(at(u, "app")));
            assertEquals("print(1)", read(at(img, "app/main.lua")));
            assertErrno(Errno.EROFS, () -> new UnionFs(img, vol));
            vol.close();
            img.close();
        }
    }
}
