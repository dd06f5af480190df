package dev.arca.syscall.wasi;

import static dev.arca.abi.Wasi.*;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.Stat;
import dev.arca.fs.Times;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.fd.StreamHandle;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The fd_* calls: I/O, offsets, metadata and flags of open descriptors. */
public final class Files {
    private Files() {}

    /** Largest copy between guest memory and a file in one step. */
    static final int CHUNK = 64 * 1024;
    /** Most bytes one read or write transfers, as Linux's MAX_RW_COUNT: longer requests are cut to it. */
    static final long MAX_RW_COUNT = 0x7FFF_F000L;

    // ---- scatter/gather --------------------------------------------------------------------
    //
    // A request is copied in chunks of CHUNK bytes, but it is one call for the guest, with
    // Linux's semantics: a read returns what is there once something is (only the first chunk
    // may wait; the others take what is ready now), a non-blocking write returns the part that
    // fit, a blocking one returns early only when a signal stops it; and an error after some
    // progress returns the progress (the error comes again at the next call), never losing it.
    //
    // Each chunk goes straight between the handle and guest memory (a view of it) when the engine
    // gives one, else through a staging copy. A handle takes or fills the buffer within its call
    // and keeps no reference to it, and the memory cannot be replaced meanwhile (an unshared
    // memory grows only by its own process's thread, which is in this call; a shared memory's
    // array is its capacity). What a failed read put in the buffer past what it returned is the
    // guest's own buffer's undefined content, as on Linux.

    /**
     * Checks an iovec array and every buffer it names; returns {ptr, len} pairs, cut so that
     * they add up to at most {@link #MAX_RW_COUNT}.
     */
    static long[] checkIovecs(GuestMemory m, long iovs, long count) throws ErrnoException {
        long n = count & 0xFFFF_FFFFL;
        if (n > 1024) throw Errno.EINVAL.fail("more than IOV_MAX iovecs");
        m.checkArray(iovs, n, 8);
        long[] out = new long[(int) n * 2];
        long total = 0;
        for (int i = 0; i < n; i++) {
            long ptr = m.readU32(iovs + 8L * i);
            long len = m.readU32(iovs + 8L * i + 4);
            m.check(ptr, len);
            out[2 * i] = ptr;
            out[2 * i + 1] = Math.min(len, MAX_RW_COUNT - total);
            total += out[2 * i + 1];
        }
        return out;
    }

    /**
     * A view of guest memory to read or write a stream (a pipe, a socket, standard input)
     * through without a staging copy, or null (other files, or an engine without views). Only
     * streams: their handles take the buffer as it is, and a reader blocked in one is inside its
     * own call, so its memory cannot grow under a writer that fills the view.
     */
    private static ByteBuffer streamView(GuestMemory m, FileDescription f, long ptr, long len) throws ErrnoException {
        return f.handle() instanceof StreamHandle ? m.view(ptr, len) : null;
    }

    /** Reads into the iovecs until one is short; {@code offset} < 0 uses the file offset. */
    static long readv(GuestMemory m, FileDescription f, long[] iov, long offset) throws ErrnoException {
        long total = 0;
        byte[] buf = null;
        for (int i = 0; i < iov.length; i += 2) {
            long ptr = iov[i], len = iov[i + 1];
            long done = 0;
            ByteBuffer view = offset < 0 && len > 0 ? streamView(m, f, ptr, len) : null;
            if (view != null) { // the whole buffer at once, straight into guest memory
                int n;
                try {
                    n = total == 0 ? f.read(view) : f.readReady(view);
                } catch (ErrnoException e) {
                    if (total > 0) return total;
                    throw e;
                }
                total += n;
                if (n < len) return total;
                continue;
            }
            while (done < len) {
                int want = (int) Math.min(CHUNK, len - done);
                ByteBuffer bb = m.view(ptr + done, want); // straight into guest memory (see the class comment)
                boolean staged = bb == null;
                if (staged) {
                    if (buf == null) buf = m.scratch();
                    if (buf.length < want) buf = new byte[want];
                    bb = ByteBuffer.wrap(buf, 0, want);
                }
                int n;
                try {
                    n = offset >= 0 ? f.pread(bb, offset + total) : total == 0 ? f.read(bb) : f.readReady(bb);
                } catch (ErrnoException e) {
                    if (total > 0) return total;
                    throw e;
                }
                if (n > 0 && staged) m.writeBytes(ptr + done, buf, 0, n);
                done += n;
                total += n;
                if (n < want) return total;
            }
        }
        return total;
    }

    /** Writes the iovecs in order; {@code offset} < 0 uses the file offset (or the end with APPEND). */
    static long writev(GuestMemory m, FileDescription f, long[] iov, long offset) throws ErrnoException {
        long total = 0;
        // gather small vectors into one write, so that a line printed as several iovecs stays whole
        long sum = 0;
        for (int i = 1; i < iov.length; i += 2) sum += iov[i];
        ByteBuffer view = offset < 0 && iov.length == 2 ? streamView(m, f, iov[0], sum) : null;
        if (view != null) return f.write(view); // one buffer to a stream: straight from guest memory
        if (iov.length == 2 && sum <= CHUNK) { // one buffer: straight from guest memory, or one copy out of it
            ByteBuffer bb = m.view(iov[0], sum);
            if (bb == null) bb = ByteBuffer.wrap(m.readBytes(iov[0], sum));
            return offset < 0 ? f.write(bb) : f.pwrite(bb, offset);
        }
        if (sum <= CHUNK) {
            byte[] all = new byte[(int) sum];
            int at = 0;
            for (int i = 0; i < iov.length; i += 2) {
                m.readBytes(iov[i], all, at, (int) iov[i + 1]);
                at += (int) iov[i + 1];
            }
            ByteBuffer bb = ByteBuffer.wrap(all);
            return offset < 0 ? f.write(bb) : f.pwrite(bb, offset);
        }
        byte[] buf = null;
        for (int i = 0; i < iov.length; i += 2) {
            long ptr = iov[i], len = iov[i + 1];
            for (long done = 0; done < len; ) {
                int want = (int) Math.min(CHUNK, len - done);
                ByteBuffer bb = m.view(ptr + done, want);
                if (bb == null) {
                    if (buf == null) buf = new byte[CHUNK];
                    m.readBytes(ptr + done, buf, 0, want);
                    bb = ByteBuffer.wrap(buf, 0, want);
                }
                int n;
                try {
                    n = offset < 0 ? f.write(bb) : f.pwrite(bb, offset + total);
                } catch (ErrnoException e) {
                    if (total > 0) return total;
                    throw e;
                }
                done += n;
                total += n;
                if (n < want) return total;
            }
        }
        return total;
    }

    // ---- calls -----------------------------------------------------------------------------

    public static int read(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long[] iov = checkIovecs(m, a[1], a[2]);
        m.check(a[3], 4);
        Descriptor d = c.fd(a[0], RIGHT_FD_READ);
        m.writeI32(a[3], (int) readv(m, d.file(), iov, -1));
        return 0;
    }

    public static int pread(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long[] iov = checkIovecs(m, a[1], a[2]);
        m.check(a[4], 4);
        Descriptor d = c.fd(a[0], RIGHT_FD_READ | RIGHT_FD_SEEK);
        if (a[3] < 0) throw Errno.EINVAL.fail("negative offset");
        m.writeI32(a[4], (int) readv(m, d.file(), iov, a[3]));
        return 0;
    }

    public static int write(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long[] iov = checkIovecs(m, a[1], a[2]);
        m.check(a[3], 4);
        Descriptor d = c.fd(a[0], RIGHT_FD_WRITE);
        try {
            m.writeI32(a[3], (int) writev(m, d.file(), iov, -1));
        } catch (ErrnoException e) {
            // writing to a pipe nobody reads: SIGPIPE as well as EPIPE, as on Linux
            if (e.errno() == Errno.EPIPE) c.kernel().signal(c.process(), dev.arca.kernel.Signals.SIGPIPE);
            throw e;
        }
        return 0;
    }

    public static int pwrite(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long[] iov = checkIovecs(m, a[1], a[2]);
        m.check(a[4], 4);
        Descriptor d = c.fd(a[0], RIGHT_FD_WRITE | RIGHT_FD_SEEK);
        if (a[3] < 0) throw Errno.EINVAL.fail("negative offset");
        m.writeI32(a[4], (int) writev(m, d.file(), iov, a[3]));
        return 0;
    }

    public static int seek(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[3], 8);
        int whence = (int) a[2];
        long rights = (a[1] == 0 && whence == WHENCE_CUR) ? RIGHT_FD_TELL : RIGHT_FD_SEEK;
        Descriptor d = c.fd(a[0], rights);
        if (d.file().isDirectory()) throw Errno.EBADF.fail("seek on a directory");
        c.memory().writeI64(a[3], d.file().seek(a[1], whence));
        return 0;
    }

    public static int tell(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[1], 8);
        Descriptor d = c.fd(a[0], RIGHT_FD_TELL);
        if (d.file().isDirectory()) throw Errno.EBADF.fail("tell on a directory");
        c.memory().writeI64(a[1], d.file().tell());
        return 0;
    }

    public static int close(SyscallContext c, long[] a) throws ErrnoException {
        c.process().fds().close((int) a[0]);
        return 0;
    }

    public static int renumber(SyscallContext c, long[] a) throws ErrnoException {
        c.process().fds().renumber((int) a[0], (int) a[1]);
        return 0;
    }

    public static int sync(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_SYNC);
        syncDescription(d, false);
        return 0;
    }

    public static int datasync(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_DATASYNC);
        syncDescription(d, true);
        return 0;
    }

    /** A file's data (and metadata unless {@code dataOnly}), or a directory's names, made durable. */
    private static void syncDescription(Descriptor d, boolean dataOnly) throws ErrnoException {
        if (d.file().handle() != null) {
            d.file().handle().sync(dataOnly);
        } else if (d.file().isDirectory() && d.file().location() != null) {
            var at = d.file().location();
            at.mount().fileSystem().sync(at.node());
        }
    }

    public static int advise(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_ADVISE);
        int advice = (int) a[3];
        if (advice < ADVICE_NORMAL || advice > ADVICE_NOREUSE) throw Errno.EINVAL.fail("advice " + advice);
        if (a[1] < 0 || a[2] < 0) throw Errno.EINVAL.fail("negative range");
        if (d.file().isDirectory()) throw Errno.EBADF.fail("advice on a directory");
        return 0;
    }

    public static int allocate(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_ALLOCATE);
        long offset = a[1], len = a[2];
        if (offset < 0 || len <= 0 || offset + len < 0) throw Errno.EINVAL.fail("bad range");
        FileDescription f = d.file();
        if (f.isDirectory()) throw Errno.EBADF.fail("allocate on a directory");
        if (!f.writable()) throw Errno.EBADF.fail("not open for writing");
        if (f.handle().size() < offset + len) f.handle().truncate(offset + len);
        return 0;
    }

    public static int fdstatGet(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        m.check(a[1], 24);
        Descriptor d = c.process().fds().get((int) a[0]);
        m.zero(a[1], 24);
        m.writeU8(a[1], d.file().filetype());
        m.writeU16(a[1] + 2, d.file().flags());
        m.writeI64(a[1] + 8, d.rightsBase());
        m.writeI64(a[1] + 16, d.rightsInheriting());
        return 0;
    }

    public static int fdstatSetFlags(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_FDSTAT_SET_FLAGS);
        int flags = (int) a[1];
        if ((flags & ~0x1F) != 0) throw Errno.EINVAL.fail("flags 0x" + Integer.toHexString(flags));
        d.file().setFlags(flags);
        return 0;
    }

    public static int fdstatSetRights(SyscallContext c, long[] a) throws ErrnoException {
        int fd = (int) a[0];
        Descriptor d = c.process().fds().get(fd);
        long base = a[1], inheriting = a[2];
        if ((base & ~d.rightsBase()) != 0 || (inheriting & ~d.rightsInheriting()) != 0) {
            throw Errno.ENOTCAPABLE.fail("rights can only be dropped");
        }
        c.process().fds().replace(fd, new Descriptor(d.file(), base, inheriting, d.preopenPath(), d.closeOnSpawn()));
        return 0;
    }

    /** The metadata of an open description; streams outside the namespace report a device. */
    static Stat stat(SyscallContext c, FileDescription f) throws ErrnoException {
        if (f.location() != null) return c.kernel().vfs().stat(f.location());
        return new Stat(0, 0, f.filetype(), 1, 0, 0, 0, 0);
    }

    static void writeFilestat(GuestMemory m, long ptr, Stat s) throws ErrnoException {
        m.check(ptr, 64);
        m.zero(ptr, 64);
        m.writeI64(ptr, s.device());
        m.writeI64(ptr + 8, s.inode());
        m.writeU8(ptr + 16, s.filetype());
        m.writeI64(ptr + 24, s.links());
        m.writeI64(ptr + 32, s.size());
        m.writeI64(ptr + 40, s.atime());
        m.writeI64(ptr + 48, s.mtime());
        m.writeI64(ptr + 56, s.ctime());
    }

    public static int filestatGet(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[1], 64);
        Descriptor d = c.fd(a[0], RIGHT_FD_FILESTAT_GET);
        writeFilestat(c.memory(), a[1], stat(c, d.file()));
        return 0;
    }

    public static int filestatSetSize(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_FILESTAT_SET_SIZE);
        if (a[1] < 0) throw Errno.EINVAL.fail("negative size");
        FileDescription f = d.file();
        if (f.isDirectory()) throw Errno.EISDIR.fail();
        f.handle().truncate(a[1]);
        return 0;
    }

    /** Resolves fstflags to (atime, mtime) for Node.setTimes. Errors: EINVAL for contradictions. */
    static long[] times(SyscallContext c, long atim, long mtim, int fst) throws ErrnoException {
        if ((fst & ~0xF) != 0) throw Errno.EINVAL.fail("fstflags 0x" + Integer.toHexString(fst));
        if ((fst & FSTFLAGS_ATIM) != 0 && (fst & FSTFLAGS_ATIM_NOW) != 0) throw Errno.EINVAL.fail("ATIM and ATIM_NOW");
        if ((fst & FSTFLAGS_MTIM) != 0 && (fst & FSTFLAGS_MTIM_NOW) != 0) throw Errno.EINVAL.fail("MTIM and MTIM_NOW");
        long now = c.kernel().host().realtimeNanos();
        long at = (fst & FSTFLAGS_ATIM_NOW) != 0 ? now : (fst & FSTFLAGS_ATIM) != 0 ? atim : Times.OMIT;
        long mt = (fst & FSTFLAGS_MTIM_NOW) != 0 ? now : (fst & FSTFLAGS_MTIM) != 0 ? mtim : Times.OMIT;
        return new long[] {at, mt};
    }

    public static int filestatSetTimes(SyscallContext c, long[] a) throws ErrnoException {
        Descriptor d = c.fd(a[0], RIGHT_FD_FILESTAT_SET_TIMES);
        long[] t = times(c, a[1], a[2], (int) a[3]);
        FileDescription f = d.file();
        if (f.location() == null) throw Errno.EBADF.fail("not a file");
        if (!f.location().mount().writable()) throw Errno.EROFS.fail();
        f.location().node().setTimes(t[0], t[1]);
        return 0;
    }

    public static int prestatGet(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[1], 8);
        Descriptor d = c.process().fds().get((int) a[0]);
        if (d.preopenPath() == null) throw Errno.EBADF.fail("not a preopened directory");
        c.memory().zero(a[1], 8);
        c.memory().writeU8(a[1], PREOPENTYPE_DIR);
        c.memory().writeI32(a[1] + 4, d.preopenPath().getBytes(StandardCharsets.UTF_8).length);
        return 0;
    }

    public static int prestatDirName(SyscallContext c, long[] a) throws ErrnoException {
        long len = a[2] & 0xFFFF_FFFFL;
        c.memory().check(a[1], len);
        Descriptor d = c.process().fds().get((int) a[0]);
        if (d.preopenPath() == null) throw Errno.EBADF.fail("not a preopened directory");
        byte[] name = d.preopenPath().getBytes(StandardCharsets.UTF_8);
        if (len < name.length) throw Errno.ENAMETOOLONG.fail("buffer of " + len + " for " + name.length);
        c.memory().writeBytes(a[1], name);
        return 0;
    }

    /**
     * Fills the buffer with dirents from {@code cookie} on. When the buffer is full, the last
     * entry is cut short and bufused equals the buffer's size, which tells the caller to ask again.
     */
    public static int readdir(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long buf = a[1], len = a[2] & 0xFFFF_FFFFL;
        long cookie = a[3];
        m.check(buf, len);
        m.check(a[4], 4);
        Descriptor d = c.fd(a[0], RIGHT_FD_READDIR);
        if (!d.file().isDirectory()) throw Errno.ENOTDIR.fail();
        if (cookie < 0) throw Errno.EINVAL.fail("cookie");
        List<DirEntry> entries = d.file().entries(cookie, c.kernel().vfs()::list);
        long needed = 0;
        for (DirEntry e : entries) needed += 24 + e.name().getBytes(StandardCharsets.UTF_8).length;
        byte[] out = new byte[(int) Math.min(len, needed)]; // never more than the entries need
        ByteBuffer bb = ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long next = cookie;
        for (DirEntry e : entries) {
            next++;
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer ent = ByteBuffer.allocate(24 + name.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ent.putLong(next).putLong(e.inode()).putInt(name.length).put(e.filetype()).put(new byte[3]).put(name);
            int n = Math.min(ent.capacity(), bb.remaining());
            bb.put(ent.array(), 0, n);
            if (!bb.hasRemaining()) break;
        }
        m.writeBytes(buf, out, 0, bb.position());
        m.writeI32(a[4], bb.position());
        return 0;
    }
}
