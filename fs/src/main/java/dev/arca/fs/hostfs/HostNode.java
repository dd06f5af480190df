package dev.arca.fs.hostfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.Times;
import dev.arca.host.HostDirEntry;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.HostStat;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file, directory or link of a {@link HostFs}: a path below a host descriptor (the mount's root,
 * or for a pinned node its own descriptor and the path ""). Holds no host resource unless pinned;
 * every call asks the host anew, through {@code Host}'s confined resolution.
 */
final class HostNode implements Node {
    private static final int NEW_FILE_MODE = 0666; // less the host's umask, as open(2) does

    private final HostFs fs;
    private final HostFd base;
    private final String path; // below base; "" is base itself
    private final Pin pin; // non-null: base is this node's own descriptor, shared by its pins
    private final HostStat.Kind kind; // as seen when the node was reached

    HostNode(HostFs fs, HostFd base, String path, Pin pin, HostStat.Kind kind) {
        this.fs = fs;
        this.base = base;
        this.path = path;
        this.pin = pin;
        this.kind = kind;
    }

    /** The references to a pinned node (each open file description holds one). */
    private static final class Pin {
        final HostFd fd;
        final AtomicInteger references = new AtomicInteger(1);

        Pin(HostFd fd) {
            this.fd = fd;
        }
    }

    private String child(String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }

    private HostNode node(String childPath, HostStat.Kind k) {
        return new HostNode(fs, base, childPath, null, k);
    }

    @Override
    public FileSystem fileSystem() {
        return fs;
    }

    @Override
    public Stat stat() throws ErrnoException {
        HostStat s = fs.host.stat(base, path);
        return new Stat(0, s.inode(), filetype(s.kind()), s.links(), s.size(), s.atime(), s.mtime(), s.ctime());
    }

    @Override
    public byte filetype() {
        return filetype(kind);
    }

    static byte filetype(HostStat.Kind k) {
        return switch (k) {
            case FILE -> Wasi.FILETYPE_REGULAR_FILE;
            case DIRECTORY -> Wasi.FILETYPE_DIRECTORY;
            case SYMLINK -> Wasi.FILETYPE_SYMBOLIC_LINK;
            case CHARACTER_DEVICE -> Wasi.FILETYPE_CHARACTER_DEVICE;
            case BLOCK_DEVICE -> Wasi.FILETYPE_BLOCK_DEVICE;
            case SOCKET -> Wasi.FILETYPE_SOCKET_STREAM;
            default -> Wasi.FILETYPE_UNKNOWN;
        };
    }

    private void requireDirectory() throws ErrnoException {
        if (kind != HostStat.Kind.DIRECTORY) throw Errno.ENOTDIR.fail();
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
        requireDirectory();
        String p = child(name);
        return node(p, fs.host.stat(base, p).kind());
    }

    @Override
    public Node createFile(String name, boolean exclusive) throws ErrnoException {
        requireDirectory();
        String p = child(name);
        fs.checkWritable();
        try {
            fs.host.open(base, p, OpenMode.createNew(NEW_FILE_MODE)).close();
            return node(p, HostStat.Kind.FILE);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST || exclusive) throw e;
        }
        HostStat.Kind k = fs.host.stat(base, p).kind();
        if (k == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail(name);
        return node(p, k);
    }

    @Override
    public void createDirectory(String name) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        fs.host.createDirectory(base, child(name));
    }

    @Override
    public void createSymlink(String name, String target) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        fs.host.symlink(target, base, child(name));
    }

    @Override
    public void link(String name, Node existing) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        if (!(existing instanceof HostNode other) || other.fs != fs) throw Errno.EXDEV.fail();
        if (other.kind == HostStat.Kind.DIRECTORY) throw Errno.EPERM.fail("hard link to a directory");
        fs.host.link(other.base, other.path, base, child(name));
    }

    @Override
    public void unlink(String name) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        fs.host.removeFile(base, child(name)); // EISDIR for a directory, from the host
    }

    @Override
    public void removeDirectory(String name) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        fs.host.removeDirectory(base, child(name)); // ENOTDIR, ENOTEMPTY from the host
    }

    @Override
    public void rename(String name, Node newParent, String newName) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        if (!(newParent instanceof HostNode dst) || dst.fs != fs) throw Errno.EXDEV.fail();
        dst.requireDirectory();
        // the host checks the rest as rename(2) does: ENOTDIR, EISDIR, ENOTEMPTY, EINVAL for a
        // directory moved into itself
        fs.host.rename(base, child(name), dst.base, dst.child(newName));
    }

    @Override
    public List<DirEntry> list() throws ErrnoException {
        requireDirectory();
        List<HostDirEntry> entries = fs.host.list(base, path);
        List<DirEntry> out = new ArrayList<>(entries.size());
        for (HostDirEntry e : entries) out.add(new DirEntry(e.name(), e.inode(), filetype(e.kind())));
        return out;
    }

    @Override
    public String readlink() throws ErrnoException {
        if (kind != HostStat.Kind.SYMLINK) throw Errno.EINVAL.fail("not a symbolic link");
        return fs.host.readlink(base, path);
    }

    @Override
    public FileHandle open(boolean read, boolean write) throws ErrnoException {
        if (kind == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail();
        if (kind == HostStat.Kind.SYMLINK) throw Errno.ELOOP.fail();
        if (kind != HostStat.Kind.FILE) throw Errno.EACCES.fail("only regular host files can be opened");
        if (write) fs.checkWritable();
        return new FileData(fs.host.open(base, path, write ? OpenMode.READ_WRITE : OpenMode.READ), write);
    }

    @Override
    public void truncate(long size) throws ErrnoException {
        if (kind == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail();
        fs.checkWritable();
        try (FileData f = (FileData) open(false, true)) {
            f.truncate(size);
        }
    }

    @Override
    public void setTimes(long atime, long mtime) throws ErrnoException {
        fs.checkWritable();
        fs.host.setTimes(base, path, atime == Times.OMIT ? -1 : atime, mtime == Times.OMIT ? -1 : mtime);
    }

    @Override
    public Node pin() throws ErrnoException {
        if (pin != null) { // pinned already (a descriptor opened from a descriptor, "."): share it
            pin.references.incrementAndGet();
            return this;
        }
        if (path.isEmpty()) return this; // the mount's root: open as long as the mount
        HostFd fd = fs.host.pin(base, path);
        return new HostNode(fs, fd, "", new Pin(fd), kind);
    }

    @Override
    public void unpin() {
        if (pin != null && pin.references.decrementAndGet() == 0) pin.fd.close();
    }

    /** An open host file. */
    private static final class FileData implements FileHandle, AutoCloseable {
        private final HostFile file;
        private final boolean writable;

        FileData(HostFile file, boolean writable) {
            this.file = file;
            this.writable = writable;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws ErrnoException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws ErrnoException {
            if (!writable) throw Errno.EBADF.fail("not open for writing");
            return file.write(src, position);
        }

        @Override
        public long size() throws ErrnoException {
            return file.size();
        }

        @Override
        public void truncate(long size) throws ErrnoException {
            if (!writable) throw Errno.EBADF.fail("not open for writing");
            file.setSize(size);
        }

        @Override
        public void sync(boolean dataOnly) throws ErrnoException {
            file.sync(dataOnly);
        }

        @Override
        public void close() {
            file.close();
        }
    }
}
