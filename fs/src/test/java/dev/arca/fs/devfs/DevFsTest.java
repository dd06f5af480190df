package dev.arca.fs.devfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.host.LinuxHost;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DevFsTest {
    private final DevFs fs = new DevFs(new LinuxHost());
    private final Node root = fs.root();

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    private FileHandle open(String name) throws ErrnoException {
        return root.lookup(name).open(true, true);
    }

    private static ByteBuffer filled(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return ByteBuffer.wrap(b);
    }

    @Test
    void listsTheFixedDevices() throws Exception {
        assertEquals("devfs", fs.type());
        assertEquals(Wasi.FILETYPE_DIRECTORY, root.filetype());
        List<DirEntry> list = root.list();
        assertEquals(List.of("null", "zero", "urandom", "random", "full", "stdin", "stdout", "stderr"),
                list.stream().map(DirEntry::name).toList());
        for (DirEntry e : list) {
            assertEquals(Wasi.FILETYPE_CHARACTER_DEVICE, e.filetype(), e.name());
            Node n = root.lookup(e.name());
            assertEquals(Wasi.FILETYPE_CHARACTER_DEVICE, n.filetype());
            assertEquals(e.inode(), n.stat().inode());
        }
        assertEquals(list.size(), list.stream().map(DirEntry::inode).distinct().count(), "distinct inodes");
        assertErrno(Errno.ENOENT, () -> root.lookup("sda"));
    }

    @Test
    void devNullReadsEndOfFileAndSwallowsWrites() throws Exception {
        FileHandle h = open("null");
        ByteBuffer dst = filled(16, (byte) 7);
        assertEquals(0, h.read(dst, 0));
        assertEquals(0, dst.position());
        ByteBuffer src = filled(1000, (byte) 1);
        assertEquals(1000, h.write(src, 0));
        assertFalse(src.hasRemaining(), "all bytes consumed");
        assertEquals(0, h.size());
    }

    @Test
    void devZeroReadsZeros() throws Exception {
        FileHandle h = open("zero");
        ByteBuffer dst = filled(4096, (byte) 0x55);
        assertEquals(4096, h.read(dst, 12345));
        for (byte b : dst.array()) assertEquals(0, b);
        ByteBuffer src = filled(10, (byte) 1);
        assertEquals(10, h.write(src, 0));
    }

    @Test
    void devUrandomReadsRandomBytes() throws Exception {
        for (String name : List.of("urandom", "random")) {
            FileHandle h = open(name);
            ByteBuffer a = ByteBuffer.allocate(64);
            ByteBuffer b = ByteBuffer.allocate(64);
            assertEquals(64, h.read(a, 0));
            assertEquals(64, h.read(b, 0));
            assertFalse(Arrays.equals(a.array(), new byte[64]), "not all zeros");
            assertFalse(Arrays.equals(a.array(), b.array()), "two reads differ");
            // a large read returns at least something and never more than asked
            ByteBuffer big = ByteBuffer.allocate(200_000);
            int n = h.read(big, 0);
            assertTrue(n > 0 && n <= 200_000);
            assertEquals(n, big.position());
        }
    }

    @Test
    void devFullRefusesWritesWithEnospcAndReadsZeros() throws Exception {
        FileHandle h = open("full");
        assertErrno(Errno.ENOSPC, () -> h.write(filled(1, (byte) 1), 0));
        ByteBuffer dst = filled(32, (byte) 9);
        assertEquals(32, h.read(dst, 0));
        for (byte b : dst.array()) assertEquals(0, b);
    }

    @Test
    void nothingCanBeCreatedOrRemoved() throws Exception {
        assertErrno(Errno.EACCES, () -> root.createFile("newfile", false));
        assertErrno(Errno.EACCES, () -> root.createFile("newfile", true));
        assertErrno(Errno.EACCES, () -> root.createDirectory("d"));
        assertErrno(Errno.EACCES, () -> root.createSymlink("l", "null"));
        assertErrno(Errno.EACCES, () -> root.link("n2", root.lookup("null")));
        assertErrno(Errno.EACCES, () -> root.unlink("null"));
        assertErrno(Errno.EACCES, () -> root.removeDirectory("null"));
        assertErrno(Errno.EACCES, () -> root.rename("null", root, "void"));
        assertErrno(Errno.EPERM, () -> root.setTimes(1, 1));
        assertErrno(Errno.EPERM, () -> root.lookup("null").setTimes(1, 1));
        assertErrno(Errno.ENOENT, () -> root.lookup("newfile"));
        assertEquals(8, root.list().size());
    }

    @Test
    void createOnAnExistingDeviceOpensIt() throws Exception {
        // open("/dev/null", O_CREAT) works; with O_EXCL it is EEXIST
        assertSame(root.lookup("null"), root.createFile("null", false));
        assertErrno(Errno.EEXIST, () -> root.createFile("null", true));
    }

    @Test
    void truncatingADeviceDoesNothing() throws Exception {
        root.lookup("null").truncate(0);
        assertEquals(0, root.lookup("null").stat().size());
    }

    @Test
    void stdioDevicesAreDescriptorAliases() throws Exception {
        assertEquals(0, root.lookup("stdin").descriptorAlias());
        assertEquals(1, root.lookup("stdout").descriptorAlias());
        assertEquals(2, root.lookup("stderr").descriptorAlias());
        assertEquals(-1, root.lookup("null").descriptorAlias());
        assertErrno(Errno.ENXIO, () -> root.lookup("stdout").open(false, true));
    }

    @Test
    void devicesAreNotDirectories() throws Exception {
        Node n = root.lookup("null");
        assertErrno(Errno.ENOTDIR, () -> n.lookup("x"));
        assertErrno(Errno.ENOTDIR, () -> n.createFile("x", false));
        assertErrno(Errno.ENOTDIR, () -> n.list());
        assertErrno(Errno.EINVAL, n::readlink);
    }
}
