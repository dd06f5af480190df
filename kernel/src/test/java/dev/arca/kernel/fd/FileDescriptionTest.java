package dev.arca.kernel.fd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.ramfs.RamFs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FileDescriptionTest {
    private Node file;

    static void assertErrno(Errno expected, Executable call) {
        assertErrno(expected, call, "");
    }

    static void assertErrno(Errno expected, Executable call, String what) {
        ErrnoException e = assertThrows(ErrnoException.class, call, what);
        assertEquals(expected, e.errno(), what + ": " + e.getMessage());
    }

    @BeforeEach
    void setUp() throws Exception {
        RamFs fs = new RamFs(() -> 0L, 1 << 20);
        file = fs.root().createFile("f", false);
        file.open(false, true).write(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.UTF_8)), 0);
    }

    private FileDescription open(boolean read, boolean write, int flags) throws ErrnoException {
        return new FileDescription(null, file.open(read, write), Wasi.FILETYPE_REGULAR_FILE, read, write, flags);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(FileDescription d, int n) throws ErrnoException {
        ByteBuffer dst = ByteBuffer.allocate(n);
        int got = d.read(dst);
        return new String(dst.array(), 0, got, StandardCharsets.UTF_8);
    }

    @Test
    void readsAdvanceTheOffset() throws Exception {
        FileDescription d = open(true, false, 0);
        assertEquals("012", read(d, 3));
        assertEquals("345", read(d, 3));
        assertEquals(6, d.tell());
        assertEquals("6789", read(d, 100));
        assertEquals("", read(d, 1), "end of file");
        assertEquals(10, d.tell());
    }

    @Test
    void seekWithEveryWhence() throws Exception {
        FileDescription d = open(true, false, 0);
        assertEquals(4, d.seek(4, Wasi.WHENCE_SET));
        assertEquals("45", read(d, 2));
        assertEquals(3, d.seek(-3, Wasi.WHENCE_CUR));
        assertEquals(5, d.seek(2, Wasi.WHENCE_CUR));
        assertEquals(10, d.seek(0, Wasi.WHENCE_END));
        assertEquals(8, d.seek(-2, Wasi.WHENCE_END));
        assertEquals("89", read(d, 5));
        // past the end is allowed and reads nothing
        assertEquals(100, d.seek(90, Wasi.WHENCE_END));
        assertEquals("", read(d, 5));
        assertEquals(0, d.seek(0, Wasi.WHENCE_SET));
    }

    @Test
    void seekToANegativeOffsetIsEinvalAndKeepsTheOffset() throws Exception {
        FileDescription d = open(true, false, 0);
        d.seek(5, Wasi.WHENCE_SET);
        assertErrno(Errno.EINVAL, () -> d.seek(-1, Wasi.WHENCE_SET));
        assertErrno(Errno.EINVAL, () -> d.seek(-6, Wasi.WHENCE_CUR));
        assertErrno(Errno.EINVAL, () -> d.seek(-11, Wasi.WHENCE_END));
        assertErrno(Errno.EINVAL, () -> d.seek(Long.MIN_VALUE, Wasi.WHENCE_CUR));
        assertErrno(Errno.EINVAL, () -> d.seek(Long.MAX_VALUE, Wasi.WHENCE_CUR), "overflow");
        assertErrno(Errno.EINVAL, () -> d.seek(Long.MAX_VALUE, Wasi.WHENCE_END), "overflow");
        assertErrno(Errno.EINVAL, () -> d.seek(0, 3), "bad whence");
        assertErrno(Errno.EINVAL, () -> d.seek(0, -1), "bad whence");
        assertEquals(5, d.tell());
    }

    @Test
    void writesAdvanceTheOffset() throws Exception {
        FileDescription d = open(true, true, 0);
        assertEquals(2, d.write(bytes("ab")));
        assertEquals(2, d.tell());
        d.seek(12, Wasi.WHENCE_SET);
        d.write(bytes("Z"));
        assertEquals(13, file.stat().size());
        d.seek(0, Wasi.WHENCE_SET);
        ByteBuffer all = ByteBuffer.allocate(13);
        d.read(all);
        assertArrayEquals("ab23456789\0\0Z".getBytes(StandardCharsets.UTF_8), all.array());
    }

    @Test
    void appendModeWritesAtTheEnd() throws Exception {
        FileDescription d = open(true, true, Wasi.FDFLAGS_APPEND);
        d.seek(2, Wasi.WHENCE_SET);
        d.write(bytes("AB"));
        assertEquals(12, d.tell(), "the offset follows the write");
        assertEquals(12, file.stat().size());
        // another writer grows the file: append still goes to the (new) end
        file.open(false, true).write(bytes("xyz"), 12);
        d.seek(0, Wasi.WHENCE_SET);
        d.write(bytes("C"));
        assertEquals(16, file.stat().size());
        d.seek(0, Wasi.WHENCE_SET);
        assertEquals("0123456789ABxyzC", read(d, 100));
        // pwrite is positional even in append mode here (as WASI runtimes do)
        d.pwrite(bytes("!"), 0);
        d.seek(0, Wasi.WHENCE_SET);
        assertEquals("!123456789ABxyzC", read(d, 100));
        // turning append off
        d.setFlags(0);
        d.seek(1, Wasi.WHENCE_SET);
        d.write(bytes("?"));
        assertEquals(16, file.stat().size());
        assertEquals(0, d.flags());
    }

    @Test
    void preadAndPwriteDoNotMoveTheOffset() throws Exception {
        FileDescription d = open(true, true, 0);
        d.seek(3, Wasi.WHENCE_SET);
        ByteBuffer dst = ByteBuffer.allocate(2);
        assertEquals(2, d.pread(dst, 7));
        assertEquals("78", new String(dst.array(), StandardCharsets.UTF_8));
        assertEquals(1, d.pwrite(bytes("X"), 0));
        assertEquals(3, d.tell());
        assertErrno(Errno.EINVAL, () -> d.pread(ByteBuffer.allocate(1), -1));
        assertErrno(Errno.EINVAL, () -> d.pwrite(bytes("x"), -1));
        assertEquals(10, file.stat().size());
    }

    @Test
    void accessModeIsEnforced() throws Exception {
        FileDescription ro = open(true, false, 0);
        assertErrno(Errno.EBADF, () -> ro.write(bytes("x")));
        assertErrno(Errno.EBADF, () -> ro.pwrite(bytes("x"), 0));
        FileDescription wo = open(false, true, 0);
        assertErrno(Errno.EBADF, () -> wo.read(ByteBuffer.allocate(1)));
        assertErrno(Errno.EBADF, () -> wo.pread(ByteBuffer.allocate(1), 0));
        assertEquals(10, file.stat().size());
    }

    @Test
    void streamsAreNotSeekable() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileDescription o = new FileDescription(null, StreamHandles.output(out), Wasi.FILETYPE_CHARACTER_DEVICE, false, true, 0);
        assertErrno(Errno.ESPIPE, () -> o.seek(0, Wasi.WHENCE_SET));
        assertErrno(Errno.ESPIPE, () -> o.seek(0, Wasi.WHENCE_CUR));
        assertErrno(Errno.ESPIPE, o::tell);
        assertErrno(Errno.ESPIPE, () -> o.pwrite(bytes("x"), 0));
        assertEquals(5, o.write(bytes("hello")));
        assertEquals(6, o.write(bytes(" world")));
        assertEquals("hello world", out.toString(StandardCharsets.UTF_8));
        // an append flag makes no difference to a stream
        o.setFlags(Wasi.FDFLAGS_APPEND);
        o.write(bytes("!"));
        assertEquals("hello world!", out.toString(StandardCharsets.UTF_8));

        FileDescription i = new FileDescription(null, StreamHandles.input(new ByteArrayInputStream("abc".getBytes())),
                Wasi.FILETYPE_CHARACTER_DEVICE, true, false, 0);
        assertErrno(Errno.ESPIPE, () -> i.seek(1, Wasi.WHENCE_SET));
        assertErrno(Errno.ESPIPE, () -> i.pread(ByteBuffer.allocate(1), 0));
        assertEquals("abc", read(i, 10));
        assertEquals("", read(i, 10), "end of stream");
    }

    @Test
    void directoriesHaveNoData() throws Exception {
        List<DirEntry> entries = List.of(new DirEntry("a", 1, Wasi.FILETYPE_REGULAR_FILE),
                new DirEntry("b", 2, Wasi.FILETYPE_REGULAR_FILE), new DirEntry("c", 3, Wasi.FILETYPE_DIRECTORY));
        FileDescription d = new FileDescription(null, null, Wasi.FILETYPE_DIRECTORY, true, false, 0);
        assertTrue(d.isDirectory());
        assertErrno(Errno.EISDIR, () -> d.read(ByteBuffer.allocate(1)));
        assertErrno(Errno.EISDIR, () -> d.seek(0, Wasi.WHENCE_SET));
        assertErrno(Errno.EISDIR, () -> d.pread(ByteBuffer.allocate(1), 0));
        // readdir pages through one snapshot taken at cookie 0
        List<List<DirEntry>> listings = new ArrayList<>();
        listings.add(entries);
        FileDescription.Lister lister = dir -> listings.get(listings.size() - 1);
        assertEquals(entries, d.entries(0, lister));
        listings.add(List.of());
        assertEquals(entries.subList(1, 3), d.entries(1, lister), "the snapshot from cookie 0");
        assertEquals(List.of(), d.entries(3, lister));
        assertEquals(List.of(), d.entries(Long.MAX_VALUE, lister));
        assertEquals(List.of(), d.entries(0, lister), "cookie 0 takes a fresh listing");
        FileDescription f = open(true, false, 0);
        assertErrno(Errno.ENOTDIR, () -> f.entries(0, lister));
    }

    private static FileDescription standardInput(PipedInputStream in) {
        return new FileDescription(null, StreamHandles.input(in), Wasi.FILETYPE_CHARACTER_DEVICE, true, false, 0);
    }

    /**
     * Standard input as Linux reads a pipe: a non-blocking read with nothing there is EAGAIN, and
     * readReady (the rest of a large request) never waits, while a blocking read does.
     */
    @Test
    void standardInputCanBeReadWithoutWaiting() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(host, 1 << 20);
        host.write(new byte[65536]);
        FileDescription i = standardInput(in);
        assertEquals(65536, i.read(ByteBuffer.allocate(65536)), "what was there");
        assertErrno(Errno.EAGAIN, () -> i.readReady(ByteBuffer.allocate(65536)), "the rest of the request waits for nothing");
        i.setFlags(Wasi.FDFLAGS_NONBLOCK);
        assertErrno(Errno.EAGAIN, () -> i.read(ByteBuffer.allocate(10)), "O_NONBLOCK with nothing there");
        host.write("late".getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!i.handle().readReady() && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals("late", read(i, 10));
        host.close();
        while (!i.handle().readReady() && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals("", read(i, 10), "end of stream, not EAGAIN");
    }

    /** A blocking read of standard input takes no more of the host's stream than it asks for. */
    @Test
    void aBlockingReadOfStandardInputTakesWhatItAsks() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(host, 1 << 16);
        host.write(new byte[100]);
        FileDescription i = standardInput(in);
        assertEquals(10, i.read(ByteBuffer.allocate(10)));
        Thread.sleep(100);
        assertEquals(90, in.available(), "the rest is left to whoever reads the host's stream next");
    }

    /** A kill (an interrupt of the process's thread) ends a read of standard input that waits. */
    @Test
    void aBlockingReadOfStandardInputCanBeStopped() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(host);
        FileDescription i = standardInput(in);
        var result = new CompletableFuture<Object>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                result.complete(i.read(ByteBuffer.allocate(10)));
            } catch (ErrnoException e) {
                result.complete(e.errno());
            }
        });
        Thread.sleep(200);
        reader.interrupt();
        assertEquals(Errno.EINTR, result.get(5, TimeUnit.SECONDS));
        host.close();
    }
}
