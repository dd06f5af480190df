package dev.arca.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host door's confinement, with openat2 and with the component walk: no call on a tree
 * follows a symbolic link in any component or leaves its base, operator files must be regular,
 * and descriptors are closed once and never under a call in flight.
 */
class LinuxHostTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "SECRET");
        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/e/f"), "inside");
        Files.createSymbolicLink(root.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("abs"), outside);
        Files.createSymbolicLink(root.resolve("d/rel"), Path.of("e"));
    }

    static LinuxHost host(boolean openat2) {
        return new LinuxHost(openat2);
    }

    private static Errno errno(ThrowingCall c) {
        return assertThrows(ErrnoException.class, c::run).errno();
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void linksInAnyComponentAreRefused(boolean openat2) throws Exception {
        LinuxHost h = host(openat2);
        try (HostFd r = h.openDirectory(root)) {
            assertEquals(Errno.ELOOP, errno(() -> h.stat(r, "up/outside/secret")));
            assertEquals(Errno.ELOOP, errno(() -> h.open(r, "abs/secret", OpenMode.READ)));
            assertEquals(Errno.ELOOP, errno(() -> h.open(r, "d/rel/f", OpenMode.READ)));
            assertEquals(Errno.ENOTDIR, errno(() -> h.list(r, "abs"))); // a final link is not a directory
            assertEquals(Errno.ELOOP, errno(() -> h.createDirectory(r, "abs/made")));
            assertEquals(Errno.ELOOP, errno(() -> h.open(r, "abs/new", OpenMode.create(0644))));
            assertEquals(Errno.ELOOP, errno(() -> h.removeFile(r, "abs/secret")));
            assertEquals(Errno.ELOOP, errno(() -> h.rename(r, "abs/secret", r, "stolen")));
            assertEquals(Errno.ELOOP, errno(() -> h.link(r, "abs/secret", r, "stolen")));
            assertEquals(Errno.ELOOP, errno(() -> h.setTimes(r, "abs/secret", 0, 0)));
            assertEquals(Errno.ELOOP, errno(() -> h.pin(r, "abs/secret")));
            // a final link is acted on itself, never followed
            assertEquals(HostStat.Kind.SYMLINK, h.stat(r, "abs").kind());
            assertEquals(outside.toString(), h.readlink(r, "abs"));
            assertEquals(Errno.ELOOP, errno(() -> h.open(r, "abs", OpenMode.READ)));
            h.removeFile(r, "abs"); // removes the link, not its target
        }
        assertTrue(Files.exists(outside.resolve("secret")));
        assertEquals(List.of("secret"), List.of(outside.toFile().list()));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void uncheckedPathsAreRefused(boolean openat2) throws Exception {
        LinuxHost h = host(openat2);
        try (HostFd r = h.openDirectory(root)) {
            for (String p : new String[] {"..", "../outside/secret", "d/../..", "/etc/passwd", "d//e", "./d", "d/.", "a\0b"}) {
                assertEquals(Errno.EINVAL, errno(() -> h.stat(r, p)), p);
                assertEquals(Errno.EINVAL, errno(() -> h.open(r, p, OpenMode.READ)), p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void treeCallsWork(boolean openat2) throws Exception {
        LinuxHost h = host(openat2);
        try (HostFd r = h.openDirectory(root)) {
            h.createDirectory(r, "d/new");
            try (HostFile f = h.open(r, "d/new/file", OpenMode.createNew(0644))) {
                f.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), 0);
                assertEquals(5, f.size());
            }
            assertEquals(Errno.EEXIST, errno(() -> h.open(r, "d/new/file", OpenMode.createNew(0644))));
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), h.readFile(r, "d/new/file", 100));
            assertEquals(Errno.EFBIG, errno(() -> h.readFile(r, "d/new/file", 4)));
            h.symlink("x/../y//", r, "d/new/link");
            assertEquals("x/../y//", h.readlink(r, "d/new/link")); // byte for byte
            h.link(r, "d/new/file", r, "d/new/file2");
            assertEquals(2, h.stat(r, "d/new/file").links());
            h.rename(r, "d/new/file2", r, "d/file3");
            List<String> names = new ArrayList<>();
            for (HostDirEntry e : h.list(r, "d/new")) names.add(e.name() + ":" + e.kind());
            names.sort(null);
            assertEquals(List.of("file:FILE", "link:SYMLINK"), names);
            h.setTimes(r, "d/file3", 1_000_000_000L, 2_000_000_000L);
            assertEquals(2_000_000_000L, h.stat(r, "d/file3").mtime());
            assertEquals(Errno.EISDIR, errno(() -> h.removeFile(r, "d/new")));
            assertEquals(Errno.ENOTDIR, errno(() -> h.removeDirectory(r, "d/file3")));
            assertEquals(Errno.ENOTEMPTY, errno(() -> h.removeDirectory(r, "d/new")));
            assertEquals(Errno.EINVAL, errno(() -> h.rename(r, "d", r, "d/new/inside")));
            h.replaceFile(r, "d/file3", "replaced".getBytes(StandardCharsets.UTF_8), 0600);
            assertEquals("replaced", new String(h.readFile(r, "d/file3", 100), StandardCharsets.UTF_8));
            assertEquals(Errno.EISDIR, errno(() -> h.open(r, "d", OpenMode.READ)));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aPinKeepsNamingItsDirectoryAcrossRenames(boolean openat2) throws Exception {
        LinuxHost h = host(openat2);
        try (HostFd r = h.openDirectory(root); HostFd e = h.pin(r, "d/e")) {
            h.rename(r, "d", r, "moved");
            h.symlink("../outside", r, "d");
            assertEquals("inside", new String(h.readFile(e, "f", 100), StandardCharsets.UTF_8));
            assertEquals(HostStat.Kind.DIRECTORY, h.stat(e, "").kind());
            assertEquals(List.of("f"), h.list(e, "").stream().map(HostDirEntry::name).toList());
            h.createDirectory(e, "sub");
            assertTrue(Files.isDirectory(root.resolve("moved/e/sub")));
        }
    }

    @Test
    void aDirectoryIsSyncedThroughItsPathDescriptorAndNotOnceClosed() throws Exception {
        LinuxHost h = new LinuxHost();
        HostFd d = h.openOrCreateDirectory(root.resolve("state"));
        try (HostFile f = h.open(d, "record", OpenMode.createNew(0600))) {
            f.write(ByteBuffer.wrap(new byte[] {1}), 0);
            f.sync(true);
        }
        h.syncDirectory(d); // the descriptor is O_PATH, which fsync alone refuses
        assertTrue(Files.exists(root.resolve("state").resolve("record")));
        d.close();
        assertEquals(Errno.EBADF, errno(() -> h.syncDirectory(d)));
    }

    @Test
    void operatorFilesMustBeRegular() throws Exception {
        LinuxHost h = new LinuxHost();
        assertEquals(Errno.EACCES, errno(() -> h.readFile(Path.of("/dev/zero"), 1 << 20)));
        assertEquals(Errno.EISDIR, errno(() -> h.readFile(tmp, 1 << 20)));
        assertEquals(Errno.ENOENT, errno(() -> h.readFile(tmp.resolve("missing"), 1 << 20)));
        Path big = tmp.resolve("big");
        Files.write(big, new byte[4096]);
        assertEquals(Errno.EFBIG, errno(() -> h.readFile(big, 4095)));
        assertEquals(4096, h.readFile(big, 4096).length);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFifoNeverBlocks() throws Exception {
        Path fifo = root.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        LinuxHost h = new LinuxHost();
        assertEquals(Errno.EACCES, errno(() -> h.readFile(fifo, 100)));
        try (HostFd r = h.openDirectory(root)) {
            assertEquals(HostStat.Kind.FIFO, h.stat(r, "fifo").kind());
            assertEquals(Errno.EACCES, errno(() -> h.open(r, "fifo", OpenMode.READ)));
        }
    }

    @Test
    void efbigReachesTheCallerAsEfbig() throws Exception {
        LinuxHost h = new LinuxHost();
        try (HostFd r = h.openDirectory(root); HostFile f = h.open(r, "huge", OpenMode.createNew(0644))) {
            // past the largest file any Linux file system takes (ext4: 16 TiB, xfs/btrfs/tmpfs: 8 EiB - 1)
            assertEquals(Errno.EFBIG, errno(() -> f.write(ByteBuffer.wrap(new byte[] {1}), Long.MAX_VALUE - 1)));
        }
    }

    @Test
    void locksExcludeASecondOpenFile() throws Exception {
        LinuxHost h = new LinuxHost();
        Path vol = tmp.resolve("vol");
        try (HostFile a = h.openFile(vol, OpenMode.create(0600)); HostFile b = h.openFile(vol, OpenMode.READ_WRITE)) {
            assertTrue(a.tryLock(true));
            assertFalse(b.tryLock(true));
            assertFalse(b.tryLock(false));
        }
    }

    @Test
    void aClosedDescriptorIsRefusedAndClosesOnce() throws Exception {
        LinuxHost h = new LinuxHost();
        HostFd r = h.openDirectory(root);
        r.close();
        r.close();
        assertEquals(Errno.EBADF, errno(() -> h.stat(r, "d")));
    }

    /** close() while calls are in flight on other threads: never EBADF mid-call, never a reused number. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closingUnderConcurrentCallsIsSafe() throws Exception {
        LinuxHost h = new LinuxHost();
        AtomicBoolean wrong = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        for (int round = 0; round < 200; round++) {
            HostFd r = h.openDirectory(root);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int k = 0; k < 50; k++) {
                        try {
                            if (h.stat(r, "d/e/f").kind() != HostStat.Kind.FILE) wrong.set(true);
                            calls.incrementAndGet();
                        } catch (ErrnoException e) {
                            if (e.errno() != Errno.EBADF) wrong.set(true); // only "closed" is acceptable
                        }
                    }
                }));
            }
            r.close();
            // descriptors opened meanwhile would take the number if it were closed under a call
            for (int i = 0; i < 4; i++) h.openDirectory(outside).close();
            for (Thread t : ts) t.join();
        }
        assertFalse(wrong.get());
        assertTrue(calls.get() > 0);
    }

    /**
     * Operator files are read with the JDK's own calls (no native binding on a warm start): the
     * same refusals as before, without blocking on a FIFO or reading a device.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void operatorFilesMustBeRegularAndWithinTheCap() throws Exception {
        LinuxHost h = new LinuxHost();
        Path f = tmp.resolve("prog");
        Files.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, h.readFile(f, 3));
        Files.createSymbolicLink(tmp.resolve("link"), f);
        assertArrayEquals(new byte[] {1, 2, 3}, h.readFile(tmp.resolve("link"), 3), "an operator's link is followed");
        assertEquals(Errno.EFBIG, errno(() -> h.readFile(f, 2)));
        assertEquals(Errno.ENOENT, errno(() -> h.readFile(tmp.resolve("nope"), 10)));
        assertEquals(Errno.EISDIR, errno(() -> h.readFile(tmp, 10)));
        Path fifo = tmp.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        ErrnoException e = assertThrows(ErrnoException.class, () -> h.readFile(fifo, 10)); // and no wait for a writer
        assertTrue(e.getMessage().contains("not a regular file (fifo)"), e.getMessage());
        e = assertThrows(ErrnoException.class, () -> h.readFile(Path.of("/dev/zero"), 10));
        assertTrue(e.getMessage().contains("not a regular file (character_device)"), e.getMessage());
        Path sparse = tmp.resolve("sparse");
        try (var ch = java.nio.channels.FileChannel.open(sparse, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), 1L << 40); // a terabyte, sparse: refused by size, not read
        }
        assertEquals(Errno.EFBIG, errno(() -> h.readFile(sparse, 1 << 20)));
    }

    @Test
    void statFileFollowsLinksAndNamesEachKind() throws Exception {
        LinuxHost h = new LinuxHost();
        Path f = tmp.resolve("file");
        Files.write(f, new byte[] {1, 2, 3, 4, 5});
        HostStat s = h.statFile(f);
        assertEquals(HostStat.Kind.FILE, s.kind());
        assertEquals(5, s.size());
        assertEquals(Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS), s.mtime());
        assertEquals(HostStat.Kind.DIRECTORY, h.statFile(tmp).kind());
        assertEquals(HostStat.Kind.DIRECTORY, h.statFile(root.resolve("abs")).kind(), "a link is followed");
        assertEquals(HostStat.Kind.CHARACTER_DEVICE, h.statFile(Path.of("/dev/null")).kind());
        assertEquals(Errno.ENOENT, errno(() -> h.statFile(tmp.resolve("nope"))));
        Errno under = errno(() -> h.statFile(f.resolve("x"))); // the JDK reports ENOTDIR as a missing file
        assertTrue(under == Errno.ENOTDIR || under == Errno.ENOENT, under.name());
    }

    @Test
    void aPipeOrDevNullIsNotATerminal() throws Exception {
        // run in a child JVM whose standard streams are a pipe, /dev/null and a file
        Path out = tmp.resolve("out");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", Terminals.class.getName())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertEquals("false false false", Files.readString(out).trim());
    }

    /** Prints isTerminal of fds 0-2 (for {@link #aPipeOrDevNullIsNotATerminal}). */
    static final class Terminals {
        public static void main(String[] args) {
            LinuxHost h = new LinuxHost();
            System.out.println(h.isTerminal(0) + " " + h.isTerminal(1) + " " + h.isTerminal(2));
        }
    }

    /**
     * The random source (/dev/urandom read directly): whole buffers filled, from several threads at
     * once, and the bytes look uniform (a chi-square test over 1 MiB: a source of zeros, a short
     * read left unfilled or a repeated block fails it).
     */
    @Test
    void randomBytesFillWholeBuffersUniformly() throws Exception {
        LinuxHost h = new LinuxHost();
        h.randomBytes(new byte[0]);
        byte[] big = new byte[1 << 20];
        List<Thread> others = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            others.add(Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 200; k++) h.randomBytes(new byte[4096 + k]);
            }));
        }
        h.randomBytes(big);
        for (Thread t : others) t.join();
        long[] count = new long[256];
        for (byte b : big) count[b & 0xff]++;
        double expected = big.length / 256.0, chi = 0;
        for (long c : count) chi += (c - expected) * (c - expected) / expected;
        // 255 degrees of freedom: the 1e-9 tail starts near 420
        assertTrue(chi < 420, "chi-square " + chi);
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(big, 0, 4096), java.util.Arrays.copyOfRange(big, 4096, 8192)));
        byte[] a = new byte[32], b = new byte[32];
        h.randomBytes(a);
        h.randomBytes(b);
        assertFalse(java.util.Arrays.equals(a, b));
    }

    /**
     * Random bytes are read only from the kernel's device: a regular file, a link, another device
     * or a missing path where /dev/urandom should be is refused (the host falls back to
     * SecureRandom), never read as a source of "random" bytes.
     */
    @Test
    void onlyTheKernelsRandomDeviceIsReadForRandomBytes() throws Exception {
        java.io.FileInputStream real = LinuxHost.openDevice(Path.of("/dev/urandom"), 1, 9);
        assertTrue(real != null);
        real.close();
        Path dir = Files.createTempDirectory("urandom");
        Path zeros = Files.write(dir.resolve("urandom"), new byte[4096]);
        assertEquals(null, LinuxHost.openDevice(zeros, 1, 9), "a regular file of zeros");
        assertEquals(null, LinuxHost.openDevice(Path.of("/dev/null"), 1, 9), "/dev/null (1:3)");
        assertEquals(null, LinuxHost.openDevice(Path.of("/dev/zero"), 1, 9), "/dev/zero (1:5)");
        assertEquals(null, LinuxHost.openDevice(dir.resolve("missing"), 1, 9), "a missing path");
        assertEquals(null, LinuxHost.openDevice(dir, 1, 9), "a directory");
        Files.delete(zeros);
        Files.delete(dir);
    }
}
