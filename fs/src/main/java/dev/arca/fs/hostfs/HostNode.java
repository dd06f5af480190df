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
import dev.arca.host.HostStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A path under a {@link HostFs} root. Holds no host resource; each call asks the host anew. */
final class HostNode implements Node {
    private final HostFs fs;
    private final Path path;

    HostNode(HostFs fs, Path path) {
        this.fs = fs;
        this.path = path;
    }

    private Path child(String name) {
        return path.resolve(name);
    }

    @Override
    public FileSystem fileSystem() {
        return fs;
    }

    @Override
    public Stat stat() throws ErrnoException {
        HostStat s = fs.host.stat(path);
        return new Stat(0, s.inode(), filetype(s.kind()), s.links(), s.size(), s.atime(), s.mtime(), s.ctime());
    }

    @Override
    public byte filetype() throws ErrnoException {
        return filetype(fs.host.stat(path).kind());
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
        if (filetype() != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail();
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
        requireDirectory();
        Path p = child(name);
        fs.host.stat(p); // ENOENT when absent
        return new HostNode(fs, p);
    }

    @Override
    public Node createFile(String name, boolean exclusive) throws ErrnoException {
        requireDirectory();
        Path p = child(name);
        HostStat existing = statOrNull(p);
        if (existing != null) {
            if (exclusive) throw Errno.EEXIST.fail(name);
            if (existing.kind() == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail(name);
            return new HostNode(fs, p);
        }
        fs.checkWritable();
        try (FileChannel ch = fs.host.open(p, false, true, true, true)) {
            return new HostNode(fs, p);
        } catch (IOException e) {
            throw Errno.EIO.fail(e.getMessage());
        }
    }

    private HostStat statOrNull(Path p) throws ErrnoException {
        try {
            return fs.host.stat(p);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }

    @Override
    public void createDirectory(String name) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        fs.host.createDirectory(child(name));
    }

    @Override
    public void createSymlink(String name, String target) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        fs.host.symlink(child(name), target);
    }

    @Override
    public void link(String name, Node existing) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        if (!(existing instanceof HostNode other) || other.fs != fs) throw Errno.EXDEV.fail();
        if (other.filetype() == Wasi.FILETYPE_DIRECTORY) throw Errno.EPERM.fail("hard link to a directory");
        fs.host.link(other.path, child(name));
    }

    @Override
    public void unlink(String name) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        Path p = child(name);
        if (fs.host.stat(p).kind() == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail(name);
        fs.host.delete(p);
    }

    @Override
    public void removeDirectory(String name) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        Path p = child(name);
        if (fs.host.stat(p).kind() != HostStat.Kind.DIRECTORY) throw Errno.ENOTDIR.fail(name);
        fs.host.delete(p);
    }

    @Override
    public void rename(String name, Node newParent, String newName) throws ErrnoException {
        requireDirectory();
        fs.checkWritable();
        if (!(newParent instanceof HostNode dst) || dst.fs != fs) throw Errno.EXDEV.fail();
        Path from = child(name);
        Path to = dst.child(newName);
        HostStat src = fs.host.stat(from);
        HostStat old = statOrNull(to);
        if (old != null) {
            boolean srcDir = src.kind() == HostStat.Kind.DIRECTORY;
            boolean oldDir = old.kind() == HostStat.Kind.DIRECTORY;
            if (srcDir && !oldDir) throw Errno.ENOTDIR.fail(newName);
            if (!srcDir && oldDir) throw Errno.EISDIR.fail(newName);
        }
        if (src.kind() == HostStat.Kind.DIRECTORY && to.startsWith(from) && !to.equals(from)) {
            throw Errno.EINVAL.fail("directory into itself");
        }
        fs.host.rename(from, to);
    }

    @Override
    public List<DirEntry> list() throws ErrnoException {
        requireDirectory();
        List<String> names = fs.host.list(path);
        List<DirEntry> out = new ArrayList<>(names.size());
        for (String n : names) {
            HostStat s = statOrNull(child(n));
            if (s != null) out.add(new DirEntry(n, s.inode(), filetype(s.kind())));
        }
        return out;
    }

    @Override
    public String readlink() throws ErrnoException {
        if (filetype() != Wasi.FILETYPE_SYMBOLIC_LINK) throw Errno.EINVAL.fail("not a symbolic link");
        return fs.host.readlink(path);
    }

    @Override
    public FileHandle open(boolean read, boolean write) throws ErrnoException {
        byte t = filetype();
        if (t == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
        if (t == Wasi.FILETYPE_SYMBOLIC_LINK) throw Errno.ELOOP.fail();
        if (t != Wasi.FILETYPE_REGULAR_FILE) throw Errno.EACCES.fail("only regular host files can be opened");
        if (write) fs.checkWritable();
        return new ChannelHandle(fs.host.open(path, true, write, false, false));
    }

    @Override
    public void truncate(long size) throws ErrnoException {
        byte t = filetype();
        if (t == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
        fs.checkWritable();
        fs.host.truncate(path, size);
    }

    @Override
    public void setTimes(long atime, long mtime) throws ErrnoException {
        fs.checkWritable();
        fs.host.setTimes(path, atime == Times.OMIT ? -1 : atime, mtime == Times.OMIT ? -1 : mtime);
    }

    /** An open host file. */
    private static final class ChannelHandle implements FileHandle {
        private final FileChannel ch;

        ChannelHandle(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws ErrnoException {
            try {
                int n = ch.read(dst, position);
                return Math.max(n, 0);
            } catch (IOException e) {
                throw dev.arca.host.HostErrors.map(e);
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws ErrnoException {
            try {
                int total = 0;
                while (src.hasRemaining()) {
                    total += ch.write(src, position + total);
                }
                return total;
            } catch (java.nio.channels.NonWritableChannelException e) {
                throw Errno.EBADF.fail("not open for writing");
            } catch (IOException e) {
                throw dev.arca.host.HostErrors.map(e);
            }
        }

        @Override
        public long size() throws ErrnoException {
            try {
                return ch.size();
            } catch (IOException e) {
                throw dev.arca.host.HostErrors.map(e);
            }
        }

        @Override
        public void truncate(long size) throws ErrnoException {
            try {
                long current = ch.size();
                if (size < current) ch.truncate(size);
                else if (size > current) ch.write(ByteBuffer.allocate(1), size - 1);
            } catch (java.nio.channels.NonWritableChannelException e) {
                throw Errno.EBADF.fail("not open for writing");
            } catch (IOException e) {
                throw dev.arca.host.HostErrors.map(e);
            }
        }

        @Override
        public void sync(boolean dataOnly) throws ErrnoException {
            try {
                ch.force(!dataOnly);
            } catch (IOException e) {
                throw dev.arca.host.HostErrors.map(e);
            }
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to lose: the data was written through write() already
            }
        }
    }
}
