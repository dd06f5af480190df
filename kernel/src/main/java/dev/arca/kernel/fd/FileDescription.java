package dev.arca.kernel.fd;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.kernel.vfs.Location;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An open file description: what a descriptor refers to, with the file offset and status flags
 * that descriptors duplicated from one another share. Its monitor guards {@code position},
 * {@code flags} and {@code listing}.
 */
public final class FileDescription {
    private final Location location; // null for streams outside the namespace (host stdio, pipes)
    private final FileHandle handle; // null for directories
    private final byte filetype;
    private final boolean readable;
    private final boolean writable;
    private int flags; // Wasi.FDFLAGS_*
    private long position;
    private List<DirEntry> listing; // directory entries as of the last rewind
    private int references = 1; // descriptors that refer to this description

    public FileDescription(Location location, FileHandle handle, byte filetype, boolean readable, boolean writable, int flags) {
        this.location = location;
        this.handle = handle;
        this.filetype = filetype;
        this.readable = readable;
        this.writable = writable;
        this.flags = flags;
    }

    public Location location() {
        return location;
    }

    public FileHandle handle() {
        return handle;
    }

    public byte filetype() {
        return filetype;
    }

    public boolean isDirectory() {
        return filetype == Wasi.FILETYPE_DIRECTORY;
    }

    public synchronized int flags() {
        return flags;
    }

    public synchronized void setFlags(int newFlags) {
        flags = newFlags;
    }

    private FileHandle data() throws ErrnoException {
        if (handle == null) throw Errno.EISDIR.fail();
        return handle;
    }

    /** Reads at the current offset and advances it. */
    public int read(ByteBuffer dst) throws ErrnoException {
        FileHandle h = data();
        if (!readable) throw Errno.EBADF.fail("not open for reading");
        if (h instanceof StreamHandle st) return st.read(dst, (flags() & Wasi.FDFLAGS_NONBLOCK) != 0);
        if (!h.seekable()) return h.read(dst, 0); // a stream may block: do not hold the monitor
        synchronized (this) {
            int n = h.read(dst, position);
            position += n;
            return n;
        }
    }

    /** Writes at the current offset (at the end with FDFLAGS_APPEND) and advances it. */
    public int write(ByteBuffer src) throws ErrnoException {
        FileHandle h = data();
        if (!writable) throw Errno.EBADF.fail("not open for writing");
        if (h instanceof StreamHandle st) return st.write(src, (flags() & Wasi.FDFLAGS_NONBLOCK) != 0);
        if (!h.seekable()) return h.write(src, 0);
        synchronized (this) {
            if ((flags & Wasi.FDFLAGS_APPEND) != 0) position = h.size();
            int n = h.write(src, position);
            position += n;
            return n;
        }
    }

    public int pread(ByteBuffer dst, long offset) throws ErrnoException {
        FileHandle h = data();
        if (!readable) throw Errno.EBADF.fail("not open for reading");
        if (!h.seekable()) throw Errno.ESPIPE.fail();
        if (offset < 0) throw Errno.EINVAL.fail();
        return h.read(dst, offset);
    }

    public int pwrite(ByteBuffer src, long offset) throws ErrnoException {
        FileHandle h = data();
        if (!writable) throw Errno.EBADF.fail("not open for writing");
        if (!h.seekable()) throw Errno.ESPIPE.fail();
        if (offset < 0) throw Errno.EINVAL.fail();
        return h.write(src, offset);
    }

    /** lseek(2). Errors: ESPIPE on streams, EINVAL for a negative result or bad whence. */
    public synchronized long seek(long offset, int whence) throws ErrnoException {
        FileHandle h = data();
        if (!h.seekable()) throw Errno.ESPIPE.fail();
        long base = switch (whence) {
            case Wasi.WHENCE_SET -> 0;
            case Wasi.WHENCE_CUR -> position;
            case Wasi.WHENCE_END -> h.size();
            default -> throw Errno.EINVAL.fail("whence " + whence);
        };
        long target = base + offset;
        if ((offset > 0 && target < base) || target < 0) throw Errno.EINVAL.fail("offset out of range");
        position = target;
        return target;
    }

    public synchronized long tell() throws ErrnoException {
        if (!data().seekable()) throw Errno.ESPIPE.fail();
        return position;
    }

    /**
     * Directory entries from index {@code cookie} on. A cookie of 0 takes a fresh listing; later
     * cookies page through the same listing, so a reader sees a consistent snapshot.
     */
    public synchronized List<DirEntry> entries(long cookie, Lister lister) throws ErrnoException {
        if (!isDirectory()) throw Errno.ENOTDIR.fail();
        if (cookie == 0 || listing == null) listing = lister.list(location);
        if (cookie >= listing.size()) return List.of();
        return listing.subList((int) cookie, listing.size());
    }

    /** Where directory listings come from (the VFS). */
    public interface Lister {
        List<DirEntry> list(Location dir) throws ErrnoException;
    }

    public boolean readable() {
        return readable;
    }

    public boolean writable() {
        return writable;
    }

    /** One more descriptor refers to this description. */
    public synchronized void retain() {
        references++;
    }

    /** Drops one reference; closes the handle and unpins the node with the last one. */
    public void release() {
        boolean last;
        synchronized (this) {
            last = --references == 0;
        }
        if (!last) return;
        if (handle != null) handle.close();
        if (location != null) location.node().unpin();
    }
}
