package dev.arca.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.devfs.DevFs;
import dev.arca.fs.hostfs.HostFs;
import dev.arca.host.LinuxHost;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.pipe.Pipe;
import dev.arca.kernel.vfs.MountTable;
import dev.arca.kernel.vfs.Vfs;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * The kernel's part of spawn, with a loader that records what it is given: what is refused before
 * any byte of the program is read, and that a refused spawn leaves none of the child's
 * descriptors open. (The C test tests/c/spawn_errors.c compares the same cases with Linux.)
 */
class SpawnTest {
    @TempDir
    Path tmp;

    private Kernel kernel;
    private final List<Integer> loaded = Collections.synchronizedList(new ArrayList<>());
    private volatile java.util.concurrent.CountDownLatch gate; // when set, the loader waits for it
    private Process parent;

    @BeforeEach
    void setUp() throws Exception {
        LinuxHost host = new LinuxHost();
        MountTable mounts = new MountTable();
        mounts.mount("/", new HostFs(host, tmp, false), false);
        mounts.mount("/dev", new DevFs(host), false);
        kernel = new Kernel(host, new Vfs(mounts), 4);
        kernel.setLoader((name, module) -> {
            loaded.add(module.length);
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Program() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public void start(Process p) {
                    kernel.exited(p, 0);
                }
            };
        });
        parent = kernel.createProcess(List.of("parent"), List.of(), Limits.DEFAULT);
    }

    private Process spawn(String path, List<Spawn.FileAction> actions) throws ErrnoException {
        return kernel.spawn(parent, path, List.of(path), List.of(), actions, 0);
    }

    private static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    @Test
    void aRegularFileIsReadWhole() throws Exception {
        Files.write(tmp.resolve("prog"), new byte[100_000]);
        spawn("/prog", List.of());
        assertEquals(List.of(100_000), loaded);
    }

    @Test
    void devicesAndDirectoriesAreRefusedUnread() throws Exception {
        Files.createDirectory(tmp.resolve("dir"));
        for (String path : List.of("/dev/zero", "/dev/urandom", "/dev/null", "/dev/stdin", "/dir", "/")) {
            assertErrno(Errno.EACCES, () -> spawn(path, List.of()));
        }
        assertEquals(List.of(), loaded, "nothing reached the loader");
    }

    @Test
    void aFileOverTheModuleLimitIsRefusedUnread() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("huge").toFile(), "rw")) {
            f.setLength(Spawn.MAX_MODULE_BYTES + 1L); // sparse: costs no disk
        }
        long heapBefore = usedHeap();
        assertErrno(Errno.ENOEXEC, () -> spawn("/huge", List.of()));
        assertEquals(List.of(), loaded);
        assertTrue(usedHeap() - heapBefore < Spawn.MAX_MODULE_BYTES / 2, "the file was not read into memory");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void argumentsBeyondLinuxLimitsAreE2big() throws ErrnoException {
        String oneTooLong = "a".repeat(Spawn.MAX_ARG_STRLEN);
        assertErrno(Errno.E2BIG, () -> Spawn.checkArguments(List.of("x", oneTooLong), List.of()));
        String part = "b".repeat(100 * 1024);
        List<String> many = Collections.nCopies(21, part);
        assertErrno(Errno.E2BIG, () -> Spawn.checkArguments(List.of("x"), many));
        // 100,000 empty strings (9 bytes each, as Linux counts) and 1000 KiB of environment: 1.9 MiB
        Spawn.checkArguments(Collections.nCopies(100_000, ""), Collections.nCopies(10, part));
    }

    /** A write end of a pipe in the parent at fd 0 and the read end at fd 1. */
    private Pipe pipeInParent() throws ErrnoException {
        Pipe p = new Pipe();
        parent.fds().add(new Descriptor(new FileDescription(null, p.writeEnd(), Wasi.FILETYPE_UNKNOWN, false, true, 0), Wasi.RIGHTS_ALL, 0, null));
        parent.fds().add(new Descriptor(new FileDescription(null, p.readEnd(), Wasi.FILETYPE_UNKNOWN, true, false, Wasi.FDFLAGS_NONBLOCK), Wasi.RIGHTS_ALL, 0, null));
        return p;
    }

    /** After the parent closes its write end, a non-blocking read sees end of file: no child holds it. */
    private void assertNoWriterLeft() throws ErrnoException {
        parent.fds().close(0);
        assertEquals(0, parent.fds().get(1).file().read(ByteBuffer.allocate(1)), "end of file");
    }

    @Test
    void aSpawnRefusedAtTheProcessLimitLeavesNoDescriptorOpen() throws Exception {
        Files.write(tmp.resolve("prog"), new byte[10]);
        pipeInParent();
        for (int i = 0; i < 3; i++) kernel.createProcess(parent, 0, List.of("other"), List.of(), Limits.DEFAULT, null); // the limit is 4
        assertErrno(Errno.EAGAIN, () -> spawn("/prog", List.of(new Spawn.FileAction.Dup2(0, 5))));
        assertNoWriterLeft();
    }

    @Test
    void aSpawnRefusedForItsProgramLeavesNoDescriptorOpen() throws Exception {
        pipeInParent();
        assertErrno(Errno.EACCES, () -> spawn("/dev/zero", List.of(new Spawn.FileAction.Dup2(0, 5))));
        assertErrno(Errno.ENOENT, () -> spawn("/missing", List.of(new Spawn.FileAction.Dup2(0, 5))));
        assertErrno(Errno.EBADF, () -> spawn("/missing", List.of(new Spawn.FileAction.Dup2(0, 5), new Spawn.FileAction.Dup2(9, 6))));
        assertNoWriterLeft();
    }

    @Test
    void fileActionsRunBeforeTheProgramIsRead() throws Exception {
        Files.write(tmp.resolve("prog"), new byte[1000]);
        spawn("/prog", List.of(new Spawn.FileAction.Open(5, "/prog", Wasi.OFLAGS_TRUNC, 0, false, true)));
        assertEquals(List.of(0), loaded, "the loader saw the program as the actions left it, as execve does");
    }

    @Test
    void closingADescriptorThatIsNotOpenIsNoError() throws Exception {
        Files.write(tmp.resolve("prog"), new byte[10]);
        spawn("/prog", List.of(new Spawn.FileAction.Close(77)));
        assertEquals(1, loaded.size());
    }

    @Test
    void tooManyFileActionsAreRefused() throws Exception {
        Files.write(tmp.resolve("prog"), new byte[10]);
        List<Spawn.FileAction> many = Collections.nCopies(Spawn.MAX_FILE_ACTIONS + 1, new Spawn.FileAction.Close(50));
        assertErrno(Errno.ENOMEM, () -> spawn("/prog", many));
        spawn("/prog", Collections.nCopies(5000, new Spawn.FileAction.Close(50)));
    }

    @Test
    void anInstanceBeingStoppedMakesNoNewProcess() throws Exception {
        Files.write(tmp.resolve("prog"), new byte[10]);
        kernel.killAll("CPU time limit of 1 ms exceeded");
        assertEquals("CPU time limit of 1 ms exceeded", parent.killReason());
        assertErrno(Errno.EAGAIN, () -> spawn("/prog", List.of()));
        assertEquals(List.of(), loaded);
    }

    /**
     * Spawns of large programs at once: the bytes read or being compiled are bounded by one
     * module's limit per instance, so a second large spawn waits for the first (and a kill
     * ends its wait) instead of both holding their bytes.
     */
    @Test
    void largeProgramsAreLoadedOneAtATime() throws Exception {
        long big = Spawn.MAX_MODULE_BYTES / 2 + 1;
        for (String name : List.of("big1", "big2")) {
            try (RandomAccessFile f = new RandomAccessFile(tmp.resolve(name).toFile(), "rw")) {
                f.setLength(big);
            }
        }
        Process other = kernel.createProcess(parent, 0, List.of("other"), List.of(), Limits.DEFAULT, null);
        gate = new java.util.concurrent.CountDownLatch(1);
        var first = new java.util.concurrent.CompletableFuture<Object>();
        var second = new java.util.concurrent.CompletableFuture<Object>();
        Thread t1 = Thread.ofPlatform().start(() -> complete(first, () -> spawn("/big1", List.of())));
        for (int i = 0; loaded.isEmpty() && i < 1000; i++) Thread.sleep(5);
        assertEquals(1, loaded.size(), "the first reached the loader: " + first.getNow(null));
        Thread t2 = Thread.ofPlatform().start(() -> complete(second, () -> kernel.spawn(other, "/big2", List.of("b"), List.of(), List.of(), 0)));
        Thread.sleep(300);
        assertEquals(1, loaded.size(), "the second waits while the first holds the budget");
        t2.interrupt();
        assertEquals(Errno.EINTR, second.get(5, java.util.concurrent.TimeUnit.SECONDS), "a kill ends the wait");
        gate.countDown();
        assertTrue(first.get(5, java.util.concurrent.TimeUnit.SECONDS) instanceof Process);
        gate = null;
        spawn("/big2", List.of());
        assertEquals(List.of((int) big, (int) big), loaded);
        t1.join();
    }

    private interface Call {
        Object call() throws ErrnoException;
    }

    private static void complete(java.util.concurrent.CompletableFuture<Object> f, Call c) {
        try {
            f.complete(c.call());
        } catch (ErrnoException e) {
            f.complete(e.errno());
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
    }
}
