package dev.arca.fs.ramfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.Times;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A node of a {@link RamFs}. Every field is guarded by the file system's {@code mu}. */
final class RamNode implements Node {
    /** Files larger than this are refused with EFBIG (data lives in one Java array). */
    static final long MAX_FILE_SIZE = Integer.MAX_VALUE - 8;

    private final RamFs fs;
    private final byte type;
    private final long inode;
    private long links;
    private long atime, mtime, ctime;
    // directory
    private final Map<String, RamNode> children;
    private RamNode parent;
    // regular file
    private byte[] data = new byte[0]; // null once freed (no names, no open handles)
    private long size;
    private int openHandles;
    // symbolic link
    private String target;

    /** Requires fs.mu. */
    RamNode(RamFs fs, byte type) {
        this.fs = fs;
        this.type = type;
        this.inode = fs.allocateInode();
        this.links = 1;
        this.children = type == Wasi.FILETYPE_DIRECTORY ? new TreeMap<>() : null;
        this.atime = this.mtime = this.ctime = fs.now();
    }

    @Override
    public FileSystem fileSystem() {
        return fs;
    }

    @Override
    public byte filetype() {
        return type;
    }

    @Override
    public Stat stat() {
        synchronized (fs.mu) {
            long sz = switch (type) {
                case Wasi.FILETYPE_REGULAR_FILE -> size;
                case Wasi.FILETYPE_SYMBOLIC_LINK -> target.length();
                default -> 0;
            };
            long n = type == Wasi.FILETYPE_DIRECTORY ? 2 + subdirectories() : links;
            return new Stat(0, inode, type, n, sz, atime, mtime, ctime);
        }
    }

    private long subdirectories() {
        return children.values().stream().filter(c -> c.type == Wasi.FILETYPE_DIRECTORY).count();
    }

    private void requireDirectory() throws ErrnoException {
        if (type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail();
    }

    private void touchDirectory() {
        mtime = ctime = fs.now();
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            RamNode child = children.get(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            return child;
        }
    }

    private RamNode addChild(String name, byte childType) throws ErrnoException {
        fs.checkWritable();
        if (children.containsKey(name)) throw Errno.EEXIST.fail(name);
        RamNode child = new RamNode(fs, childType);
        if (childType == Wasi.FILETYPE_DIRECTORY) child.parent = this;
        children.put(name, child);
        touchDirectory();
        return child;
    }

    @Override
    public Node createFile(String name, boolean exclusive) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            RamNode existing = children.get(name);
            if (existing != null) {
                if (exclusive) throw Errno.EEXIST.fail(name);
                if (existing.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail(name);
                return existing;
            }
            return addChild(name, Wasi.FILETYPE_REGULAR_FILE);
        }
    }

    @Override
    public void createDirectory(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            addChild(name, Wasi.FILETYPE_DIRECTORY);
        }
    }

    @Override
    public void createSymlink(String name, String linkTarget) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            addChild(name, Wasi.FILETYPE_SYMBOLIC_LINK).target = linkTarget;
        }
    }

    @Override
    public void link(String name, Node existing) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            if (!(existing instanceof RamNode other) || other.fs != fs) throw Errno.EXDEV.fail();
            if (other.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EPERM.fail("hard link to a directory");
            if (children.containsKey(name)) throw Errno.EEXIST.fail(name);
            children.put(name, other);
            other.links++;
            other.ctime = fs.now();
            touchDirectory();
        }
    }

    @Override
    public void unlink(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            RamNode child = children.get(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            if (child.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail(name);
            children.remove(name);
            child.dropLink();
            touchDirectory();
        }
    }

    /** Requires mu. Frees the data once the last link is gone (open handles keep their node). */
    private void dropLink() {
        links--;
        ctime = fs.now();
        freeIfUnused();
    }

    /** Requires mu. Returns the data's space once no name and no open handle refers to it. */
    private void freeIfUnused() {
        if (links > 0 || openHandles > 0 || type != Wasi.FILETYPE_REGULAR_FILE || data == null) return;
        try {
            fs.charge(-size);
        } catch (ErrnoException impossible) {
            throw new AssertionError(impossible);
        }
        data = null;
        size = 0;
    }

    @Override
    public void removeDirectory(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            RamNode child = children.get(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            if (child.type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(name);
            if (!child.children.isEmpty()) throw Errno.ENOTEMPTY.fail(name);
            children.remove(name);
            child.links = 0;
            child.parent = null;
            touchDirectory();
        }
    }

    @Override
    public void rename(String name, Node newParent, String newName) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            if (!(newParent instanceof RamNode dst) || dst.fs != fs) throw Errno.EXDEV.fail();
            dst.requireDirectory();
            RamNode moving = children.get(name);
            if (moving == null) throw Errno.ENOENT.fail(name);
            RamNode replaced = dst.children.get(newName);
            if (replaced == moving) return;
            if (moving.type == Wasi.FILETYPE_DIRECTORY) {
                for (RamNode p = dst; p != null; p = p.parent) {
                    if (p == moving) throw Errno.EINVAL.fail("directory into itself");
                }
            }
            if (replaced != null) {
                if (moving.type == Wasi.FILETYPE_DIRECTORY) {
                    if (replaced.type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(newName);
                    if (!replaced.children.isEmpty()) throw Errno.ENOTEMPTY.fail(newName);
                } else if (replaced.type == Wasi.FILETYPE_DIRECTORY) {
                    throw Errno.EISDIR.fail(newName);
                }
            }
            children.remove(name);
            if (replaced != null) {
                dst.children.remove(newName);
                replaced.dropLink();
            }
            dst.children.put(newName, moving);
            if (moving.type == Wasi.FILETYPE_DIRECTORY) moving.parent = dst;
            moving.ctime = fs.now();
            touchDirectory();
            dst.touchDirectory();
        }
    }

    @Override
    public List<DirEntry> list() throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            List<DirEntry> out = new ArrayList<>(children.size());
            children.forEach((n, c) -> out.add(new DirEntry(n, c.inode, c.type)));
            return out;
        }
    }

    @Override
    public String readlink() throws ErrnoException {
        synchronized (fs.mu) {
            if (type != Wasi.FILETYPE_SYMBOLIC_LINK) throw Errno.EINVAL.fail("not a symbolic link");
            return target;
        }
    }

    @Override
    public FileHandle open(boolean read, boolean write) throws ErrnoException {
        if (type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
        if (type != Wasi.FILETYPE_REGULAR_FILE) throw Errno.ELOOP.fail();
        if (write) fs.checkWritable();
        synchronized (fs.mu) {
            openHandles++;
        }
        return new Handle();
    }

    @Override
    public void truncate(long newSize) throws ErrnoException {
        synchronized (fs.mu) {
            if (type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
            if (type != Wasi.FILETYPE_REGULAR_FILE) throw Errno.EINVAL.fail();
            fs.checkWritable();
            resize(newSize);
            mtime = ctime = fs.now();
        }
    }

    /** Requires mu. */
    private void resize(long newSize) throws ErrnoException {
        if (newSize > MAX_FILE_SIZE) throw Errno.EFBIG.fail();
        fs.charge(newSize - size);
        if (newSize > data.length) {
            data = java.util.Arrays.copyOf(data, (int) Math.min(MAX_FILE_SIZE, Math.max(newSize, data.length * 2L)));
        } else if (newSize < size) {
            java.util.Arrays.fill(data, (int) newSize, (int) size, (byte) 0);
        }
        size = newSize;
    }

    @Override
    public void setTimes(long a, long m) throws ErrnoException {
        synchronized (fs.mu) {
            fs.checkWritable();
            if (a != Times.OMIT) atime = a;
            if (m != Times.OMIT) mtime = m;
            ctime = fs.now();
        }
    }

    private final class Handle implements FileHandle {
        private boolean closed; // guarded by mu
        @Override
        public int read(ByteBuffer dst, long position) {
            synchronized (fs.mu) {
                if (position >= size) return 0;
                int n = (int) Math.min(dst.remaining(), size - position);
                dst.put(data, (int) position, n);
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws ErrnoException {
            synchronized (fs.mu) {
                int n = src.remaining();
                long end = position + n;
                if (end > MAX_FILE_SIZE || end < 0) throw Errno.EFBIG.fail();
                if (end > size) resize(end);
                src.get(data, (int) position, n);
                mtime = ctime = fs.now();
                return n;
            }
        }

        @Override
        public long size() {
            synchronized (fs.mu) {
                return size;
            }
        }

        @Override
        public void truncate(long newSize) throws ErrnoException {
            RamNode.this.truncate(newSize);
        }

        @Override
        public long available() {
            return -1;
        }

        @Override
        public void close() {
            synchronized (fs.mu) {
                if (closed) return;
                closed = true;
                openHandles--;
                freeIfUnused();
            }
        }
    }
}
