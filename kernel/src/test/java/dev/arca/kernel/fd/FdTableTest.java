package dev.arca.kernel.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.FileHandle;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FdTableTest {

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    /** A handle that counts how often it is closed. */
    static final class CountingHandle implements FileHandle {
        int closes;

        @Override
        public int read(ByteBuffer dst, long position) {
            return 0;
        }

        @Override
        public int write(ByteBuffer src, long position) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private static Descriptor descriptor(FileHandle h) {
        FileDescription fd = new FileDescription(null, h, Wasi.FILETYPE_REGULAR_FILE, true, true, 0);
        return new Descriptor(fd, Wasi.RIGHTS_REGULAR_FILE, 0, null);
    }

    private static Descriptor descriptor() {
        return descriptor(new CountingHandle());
    }

    @Test
    void numbersStartAtZeroAndTheLowestFreeIsReused() throws Exception {
        FdTable t = new FdTable(16);
        Descriptor[] d = new Descriptor[5];
        for (int i = 0; i < 5; i++) {
            d[i] = descriptor();
            assertEquals(i, t.add(d[i]));
        }
        t.close(3);
        t.close(1);
        assertEquals(1, t.add(descriptor()), "lowest free first");
        assertEquals(3, t.add(descriptor()));
        assertEquals(5, t.add(descriptor()));
        assertSame(d[0], t.get(0));
        assertSame(d[4], t.get(4));
    }

    @Test
    void emfileAtTheLimit() throws Exception {
        FdTable t = new FdTable(3);
        t.add(descriptor());
        t.add(descriptor());
        t.add(descriptor());
        assertErrno(Errno.EMFILE, () -> t.add(descriptor()));
        assertEquals(3, t.size());
        t.close(2);
        assertEquals(2, t.add(descriptor()));
        assertErrno(Errno.EMFILE, () -> t.add(descriptor()));
    }

    @Test
    void closeThenEbadf() throws Exception {
        FdTable t = new FdTable(8);
        CountingHandle h = new CountingHandle();
        int fd = t.add(descriptor(h));
        t.close(fd);
        assertEquals(1, h.closes);
        assertErrno(Errno.EBADF, () -> t.get(fd));
        assertErrno(Errno.EBADF, () -> t.close(fd));
        assertEquals(1, h.closes, "closed once");
        assertErrno(Errno.EBADF, () -> t.get(-1));
        assertErrno(Errno.EBADF, () -> t.get(7));
        assertErrno(Errno.EBADF, () -> t.get(Integer.MAX_VALUE));
        assertErrno(Errno.EBADF, () -> t.close(-5));
    }

    @Test
    void rightsAreChecked() throws Exception {
        FdTable t = new FdTable(8);
        FileDescription file = new FileDescription(null, new CountingHandle(), Wasi.FILETYPE_REGULAR_FILE, true, false, 0);
        int fd = t.add(new Descriptor(file, Wasi.RIGHT_FD_READ | Wasi.RIGHT_FD_SEEK, 0, null));
        assertSame(file, t.get(fd, Wasi.RIGHT_FD_READ).file());
        assertSame(file, t.get(fd, Wasi.RIGHT_FD_READ | Wasi.RIGHT_FD_SEEK).file());
        assertSame(file, t.get(fd, 0).file());
        // the access mode: as Linux answers
        assertErrno(Errno.EBADF, () -> t.get(fd, Wasi.RIGHT_FD_WRITE));
        assertErrno(Errno.EINVAL, () -> t.get(fd, Wasi.RIGHT_FD_FILESTAT_SET_SIZE));
        // any other capability
        assertErrno(Errno.ENOTCAPABLE, () -> t.get(fd, Wasi.RIGHT_PATH_OPEN));
        assertErrno(Errno.ENOTCAPABLE, () -> t.get(fd, Wasi.RIGHT_FD_READ | Wasi.RIGHT_FD_TELL));
        assertErrno(Errno.EBADF, () -> t.get(fd + 1, Wasi.RIGHT_FD_READ));
    }

    @Test
    void renumberMovesAndClosesTheTarget() throws Exception {
        FdTable t = new FdTable(8);
        CountingHandle h0 = new CountingHandle();
        CountingHandle h1 = new CountingHandle();
        Descriptor d0 = descriptor(h0);
        t.add(d0);
        t.add(descriptor(h1));
        t.renumber(0, 1);
        assertSame(d0, t.get(1));
        assertErrno(Errno.EBADF, () -> t.get(0));
        assertEquals(1, h1.closes, "what fd 1 held is closed");
        assertEquals(0, h0.closes);
        assertEquals(0, t.add(descriptor()), "the old number is free");
    }

    @Test
    void renumberErrors() throws Exception {
        FdTable t = new FdTable(8);
        CountingHandle h = new CountingHandle();
        Descriptor d = descriptor(h);
        t.add(d);
        assertErrno(Errno.EBADF, () -> t.renumber(0, 1));
        assertErrno(Errno.EBADF, () -> t.renumber(1, 0));
        assertErrno(Errno.EBADF, () -> t.renumber(-1, 0));
        assertSame(d, t.get(0), "nothing changed");
        t.renumber(0, 0);
        assertSame(d, t.get(0), "onto itself: nothing happens");
        assertEquals(0, h.closes);
    }

    @Test
    void duplicatesShareTheDescriptionUntilTheLastClose() throws Exception {
        FdTable t = new FdTable(8);
        CountingHandle h = new CountingHandle();
        Descriptor d = descriptor(h);
        int a = t.add(d);
        int b = t.duplicate(d);
        assertEquals(1, b);
        assertSame(t.get(a).file(), t.get(b).file());
        t.close(a);
        assertEquals(0, h.closes);
        t.close(b);
        assertEquals(1, h.closes);
    }

    @Test
    void aFailedDuplicateDoesNotLeakAReference() throws Exception {
        FdTable t = new FdTable(3);
        CountingHandle h = new CountingHandle();
        Descriptor d = descriptor(h);
        t.add(d);
        t.add(descriptor());
        t.add(descriptor());
        assertErrno(Errno.EMFILE, () -> t.duplicate(d));
        assertEquals(0, h.closes, "the original is still open");
        t.close(0);
        assertEquals(1, h.closes, "and its close is the last");
    }

    @Test
    void closeAllReleasesEverything() throws Exception {
        FdTable t = new FdTable(8);
        CountingHandle h1 = new CountingHandle();
        CountingHandle h2 = new CountingHandle();
        Descriptor d1 = descriptor(h1);
        t.add(d1);
        t.duplicate(d1);
        t.add(descriptor(h2));
        t.close(1);
        t.closeAll();
        assertEquals(1, h1.closes);
        assertEquals(1, h2.closes);
        assertEquals(0, t.size());
        assertErrno(Errno.EBADF, () -> t.get(0));
        assertEquals(0, t.add(descriptor()));
    }

    @Test
    void aSpawnedChildGetsCloseOnSpawnDescriptorsUntilItsFileActionsAreDone() throws Exception {
        FdTable parent = new FdTable(8);
        CountingHandle kept = new CountingHandle(), marked = new CountingHandle(), moved = new CountingHandle();
        parent.add(descriptor(kept));
        parent.add(descriptor(marked).withCloseOnSpawn(true));
        int m = parent.add(descriptor(moved).withCloseOnSpawn(true));
        FdTable child = parent.inherit(8);
        // a file action (dup2) from a close-on-spawn descriptor works, and its copy is not marked
        child.duplicateTo(child.get(m), 5);
        child.closeMarked();
        assertErrno(Errno.EBADF, () -> child.get(1));
        assertErrno(Errno.EBADF, () -> child.get(m));
        assertEquals(false, child.get(5).closeOnSpawn());
        child.get(0);
        child.closeAll();
        assertEquals(0, kept.closes + marked.closes + moved.closes, "the parent still holds them all");
        parent.closeAll();
        assertEquals(1, kept.closes);
        assertEquals(1, marked.closes);
        assertEquals(1, moved.closes);
    }

    @Test
    void replaceKeepsTheNumber() throws Exception {
        FdTable t = new FdTable(8);
        Descriptor d = descriptor();
        int fd = t.add(d);
        Descriptor narrowed = new Descriptor(d.file(), Wasi.RIGHT_FD_READ, 0, null);
        t.replace(fd, narrowed);
        assertSame(narrowed, t.get(fd));
        assertErrno(Errno.EBADF, () -> t.replace(5, narrowed));
    }
}
