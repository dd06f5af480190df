package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.Times;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An inode of an {@link EncFs}: its metadata, and its content as a {@link BlockTree} (file data,
 * a directory's entries, or a symbolic link's target). One object per inode, shared by every
 * name (hard links) and every open handle, so all writers and readers of a file see one state.
 * Every field is guarded by the file system's {@code mu}.
 */
final class EncNode implements Node {
    /** Larger files are refused with EFBIG. */
    static final long MAX_FILE_SIZE = 1L << 40;
    private static final int BLOCK = BlockStore.BLOCK_SIZE;

    private final EncFs fs;
    final long ino;
    final byte type;
    final BlockTree tree;
    long links = 1;
    long size; // bytes of content (for a directory: of its serialised entries)
    long atime, mtime, ctime;
    boolean destroyed;
    private int openHandles;
    // directory
    private final TreeMap<String, EncNode> children;
    private EncNode parent;
    // symbolic link
    private String target;

    EncNode(EncFs fs, long ino, byte type, BlockTree tree) {
        this.fs = fs;
        this.ino = ino;
        this.type = type;
        this.tree = tree;
        this.children = type == Wasi.FILETYPE_DIRECTORY ? new TreeMap<>() : null;
    }

    // ---- persistence (require mu) ----------------------------------------------------------

    private byte[] readContent() throws ErrnoException {
        if (size > Integer.MAX_VALUE - 8) throw fs.damaged("inode " + ino + ": metadata object too large");
        byte[] out = new byte[(int) size];
        for (long i = 0; i * BLOCK < size; i++) {
            int n = (int) Math.min(BLOCK, size - i * BLOCK);
            System.arraycopy(tree.read(i), 0, out, (int) (i * BLOCK), n);
        }
        return out;
    }

    /** After every inode is loaded: a directory's entries, a link's target. */
    void loadContent() throws ErrnoException {
        if (type == Wasi.FILETYPE_SYMBOLIC_LINK) {
            target = new String(readContent(), StandardCharsets.UTF_8);
        } else if (type == Wasi.FILETYPE_DIRECTORY) {
            ByteBuffer b = ByteBuffer.wrap(readContent());
            try {
                int count = b.getInt();
                for (int i = 0; i < count; i++) {
                    byte[] name = new byte[b.getShort() & 0xFFFF];
                    b.get(name);
                    long childIno = b.getLong();
                    EncNode child = fs.nodes.get(childIno);
                    if (child == null || childIno == EncFs.ROOT_INO) throw fs.damaged("directory " + ino + " names a missing inode " + childIno);
                    children.put(new String(name, StandardCharsets.UTF_8), child);
                    if (child.type == Wasi.FILETYPE_DIRECTORY) child.parent = this;
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw fs.damaged("directory " + ino + " is cut short");
            }
        }
    }

    /** Before a commit: a directory's entries into its tree. */
    void storeContent() throws ErrnoException {
        if (type != Wasi.FILETYPE_DIRECTORY || destroyed) return;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(4).putInt(children.size());
        out.writeBytes(head.array());
        for (Map.Entry<String, EncNode> e : children.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(2 + name.length + 8).putShort((short) name.length).put(name)
                    .putLong(e.getValue().ino).array());
        }
        writeContent(out.toByteArray());
    }

    private void writeContent(byte[] content) throws ErrnoException {
        long nblocks = (content.length + BLOCK - 1) / BLOCK;
        tree.resize(nblocks);
        size = content.length;
        for (int i = 0; i < nblocks; i++) {
            byte[] blk = Arrays.copyOfRange(content, i * BLOCK, i * BLOCK + BLOCK);
            if (!Arrays.equals(blk, tree.read(i))) tree.write(i, blk);
        }
    }

    /** Frees the inode and its blocks: no name and no handle refers to it any more. */
    void destroy() throws ErrnoException {
        if (destroyed) return;
        tree.releaseAll();
        destroyed = true;
        fs.forget(this);
    }

    // ---- Node ------------------------------------------------------------------------------

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
            long sz = type == Wasi.FILETYPE_DIRECTORY ? 0 : size;
            long n = type == Wasi.FILETYPE_DIRECTORY ? (destroyed ? 0 : 2 + subdirectories()) : links;
            return new Stat(0, ino, type, n, sz, atime, mtime, ctime);
        }
    }

    private long subdirectories() {
        return children.values().stream().filter(c -> c.type == Wasi.FILETYPE_DIRECTORY).count();
    }

    private void requireDirectory() throws ErrnoException {
        if (type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail();
        fs.checkOpen();
    }

    private void touchDirectory() {
        mtime = ctime = fs.now();
        fs.markChanged(this);
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            EncNode child = children.get(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            return child;
        }
    }

    private EncNode addChild(String name, byte childType) throws ErrnoException {
        fs.checkWritable();
        if (destroyed) throw Errno.ENOENT.fail("directory was removed");
        if (children.containsKey(name)) throw Errno.EEXIST.fail(name);
        if (name.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) throw Errno.ENAMETOOLONG.fail();
        long childIno = fs.allocateInode();
        EncNode child = new EncNode(fs, childIno, childType, BlockTree.empty(fs, childIno));
        child.atime = child.mtime = child.ctime = fs.now();
        if (childType == Wasi.FILETYPE_DIRECTORY) child.parent = this;
        fs.nodes.put(childIno, child);
        children.put(name, child);
        fs.markChanged(child);
        touchDirectory();
        return child;
    }

    @Override
    public Node createFile(String name, boolean exclusive) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            EncNode existing = children.get(name);
            if (existing != null) {
                if (exclusive) throw Errno.EEXIST.fail(name);
                if (existing.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail(name);
                return existing;
            }
            EncNode n = addChild(name, Wasi.FILETYPE_REGULAR_FILE);
            fs.namespaceChanged();
            return n;
        }
    }

    @Override
    public void createDirectory(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            addChild(name, Wasi.FILETYPE_DIRECTORY);
            fs.namespaceChanged();
        }
    }

    @Override
    public void createSymlink(String name, String linkTarget) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            EncNode link = addChild(name, Wasi.FILETYPE_SYMBOLIC_LINK);
            link.target = linkTarget;
            link.writeContent(linkTarget.getBytes(StandardCharsets.UTF_8));
            fs.namespaceChanged();
        }
    }

    @Override
    public void link(String name, Node existing) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            if (!(existing instanceof EncNode other) || other.fs != fs) throw Errno.EXDEV.fail();
            if (other.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EPERM.fail("hard link to a directory");
            if (other.destroyed || other.links == 0) throw Errno.ENOENT.fail();
            if (destroyed) throw Errno.ENOENT.fail("directory was removed");
            if (children.containsKey(name)) throw Errno.EEXIST.fail(name);
            children.put(name, other);
            other.links++;
            other.ctime = fs.now();
            fs.markChanged(other);
            touchDirectory();
            fs.namespaceChanged();
        }
    }

    @Override
    public void unlink(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            EncNode child = children.get(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            if (child.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail(name);
            children.remove(name);
            child.dropLink();
            touchDirectory();
            fs.namespaceChanged();
        }
    }

    private void dropLink() throws ErrnoException {
        links--;
        ctime = fs.now();
        fs.markChanged(this);
        if (links == 0 && openHandles == 0) destroy();
    }

    @Override
    public void removeDirectory(String name) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            EncNode child = children.get(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            if (child.type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(name);
            if (!child.children.isEmpty()) throw Errno.ENOTEMPTY.fail(name);
            children.remove(name);
            child.links = 0;
            child.parent = null;
            child.destroy();
            touchDirectory();
            fs.namespaceChanged();
        }
    }

    @Override
    public void rename(String name, Node newParent, String newName) throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            fs.checkWritable();
            if (!(newParent instanceof EncNode dst) || dst.fs != fs) throw Errno.EXDEV.fail();
            dst.requireDirectory();
            EncNode moving = children.get(name);
            if (moving == null) throw Errno.ENOENT.fail(name);
            if (dst.destroyed) throw Errno.ENOENT.fail("directory was removed");
            EncNode replaced = dst.children.get(newName);
            if (replaced == moving) return;
            if (moving.type == Wasi.FILETYPE_DIRECTORY) {
                for (EncNode p = dst; p != null; p = p.parent) {
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
                if (replaced.type == Wasi.FILETYPE_DIRECTORY) {
                    replaced.links = 0;
                    replaced.parent = null;
                    replaced.destroy();
                } else {
                    replaced.dropLink();
                }
            }
            dst.children.put(newName, moving);
            if (moving.type == Wasi.FILETYPE_DIRECTORY) moving.parent = dst;
            moving.ctime = fs.now();
            fs.markChanged(moving);
            touchDirectory();
            dst.touchDirectory();
            fs.namespaceChanged();
        }
    }

    @Override
    public List<DirEntry> list() throws ErrnoException {
        synchronized (fs.mu) {
            requireDirectory();
            List<DirEntry> out = new ArrayList<>(children.size());
            children.forEach((n, c) -> out.add(new DirEntry(n, c.ino, c.type)));
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
        synchronized (fs.mu) {
            fs.checkOpen();
            if (write) fs.checkWritable();
            if (destroyed) throw Errno.ENOENT.fail();
            openHandles++;
        }
        return new Handle();
    }

    @Override
    public void truncate(long newSize) throws ErrnoException {
        synchronized (fs.mu) {
            if (type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
            if (type != Wasi.FILETYPE_REGULAR_FILE) throw Errno.EINVAL.fail();
            fs.checkOpen();
            fs.checkWritable();
            if (newSize < 0) throw Errno.EINVAL.fail();
            if (newSize > MAX_FILE_SIZE) throw Errno.EFBIG.fail();
            resize(newSize);
            mtime = ctime = fs.now();
            fs.markChanged(this);
        }
    }

    /** Requires mu. Bytes past the size are always zero, so growing needs no writes (holes). */
    private void resize(long newSize) throws ErrnoException {
        long nblocks = (newSize + BLOCK - 1) / BLOCK;
        if (newSize < size && newSize % BLOCK != 0) {
            long last = newSize / BLOCK;
            byte[] blk = tree.read(last).clone();
            Arrays.fill(blk, (int) (newSize % BLOCK), BLOCK, (byte) 0);
            tree.resize(nblocks);
            tree.write(last, blk);
        } else {
            tree.resize(nblocks);
        }
        size = newSize;
    }

    @Override
    public void setTimes(long a, long m) throws ErrnoException {
        synchronized (fs.mu) {
            fs.checkOpen();
            fs.checkWritable();
            if (a != Times.OMIT) atime = a;
            if (m != Times.OMIT) mtime = m;
            ctime = fs.now();
            fs.markChanged(this);
        }
    }

    private final class Handle implements FileHandle {
        private boolean closed; // guarded by mu
        private boolean wrote; // guarded by mu

        @Override
        public int read(ByteBuffer dst, long position) throws ErrnoException {
            synchronized (fs.mu) {
                if (closed) throw Errno.EBADF.fail();
                fs.checkOpen();
                if (position < 0) throw Errno.EINVAL.fail();
                if (position >= size) return 0;
                int n = (int) Math.min(dst.remaining(), size - position);
                int done = 0;
                while (done < n) {
                    long p = position + done;
                    int off = (int) (p % BLOCK);
                    int len = Math.min(BLOCK - off, n - done);
                    dst.put(tree.read(p / BLOCK), off, len);
                    done += len;
                }
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws ErrnoException {
            synchronized (fs.mu) {
                if (closed) throw Errno.EBADF.fail();
                fs.checkOpen();
                fs.checkWritable();
                int n = src.remaining();
                long end = position + n;
                if (position < 0) throw Errno.EINVAL.fail();
                if (end > MAX_FILE_SIZE || end < 0) throw Errno.EFBIG.fail();
                if (end > size) {
                    tree.resize((end + BLOCK - 1) / BLOCK);
                    size = end;
                }
                int done = 0;
                while (done < n) {
                    long p = position + done;
                    int off = (int) (p % BLOCK);
                    int len = Math.min(BLOCK - off, n - done);
                    byte[] blk = len == BLOCK ? new byte[BLOCK] : tree.read(p / BLOCK).clone();
                    src.get(blk, off, len);
                    tree.write(p / BLOCK, blk);
                    done += len;
                }
                mtime = ctime = fs.now();
                wrote = true;
                fs.markChanged(EncNode.this);
                fs.relieve();
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
            EncNode.this.truncate(newSize);
            synchronized (fs.mu) {
                wrote = true;
            }
        }

        @Override
        public void sync(boolean dataOnly) throws ErrnoException {
            synchronized (fs.mu) {
                if (closed) throw Errno.EBADF.fail();
                fs.checkOpen();
                fs.commit();
            }
        }

        @Override
        public void close() {
            synchronized (fs.mu) {
                if (closed) return;
                closed = true;
                openHandles--;
                try {
                    if (links == 0 && openHandles == 0) destroy();
                    if (wrote && fs.options.commitEagerly()) fs.commit(); // close acknowledges the writes made through it
                } catch (ErrnoException e) {
                    // close cannot fail in WASI; the change stays in memory for the next commit
                    fs.options.securityLog().accept("volume " + fs.name() + ": commit at close failed: " + e.getMessage());
                }
            }
        }
    }
}
