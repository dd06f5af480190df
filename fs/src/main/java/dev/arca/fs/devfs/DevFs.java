package dev.arca.fs.devfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.host.Host;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Devices: {@code null}, {@code zero}, {@code urandom} (and {@code random}, the same source),
 * {@code full}, and {@code stdin}, {@code stdout}, {@code stderr}, which stand for the opening
 * process's descriptors 0, 1 and 2. The set is fixed: nothing can be created here.
 */
public final class DevFs implements FileSystem {
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Root root = new Root();
    private final long createdAt;

    public DevFs(Host host) {
        this.createdAt = host.realtimeNanos();
        add("null", 1, -1, new Stream() {
            @Override
            public int read(ByteBuffer dst, long p) {
                return 0;
            }
        });
        add("zero", 2, -1, new Stream() {
            @Override
            public int read(ByteBuffer dst, long p) {
                int n = dst.remaining();
                while (dst.hasRemaining()) dst.put((byte) 0);
                return n;
            }
        });
        Stream random = new Stream() {
            @Override
            public int read(ByteBuffer dst, long p) {
                byte[] b = new byte[Math.min(dst.remaining(), 1 << 16)];
                host.randomBytes(b);
                dst.put(b);
                return b.length;
            }
        };
        add("urandom", 3, -1, random);
        add("random", 4, -1, random);
        add("full", 5, -1, new Stream() {
            @Override
            public int read(ByteBuffer dst, long p) {
                int n = dst.remaining();
                while (dst.hasRemaining()) dst.put((byte) 0);
                return n;
            }

            @Override
            public int write(ByteBuffer src, long p) throws ErrnoException {
                throw Errno.ENOSPC.fail("/dev/full");
            }
        });
        add("stdin", 6, 0, null);
        add("stdout", 7, 1, null);
        add("stderr", 8, 2, null);
    }

    private void add(String name, long inode, int alias, Stream stream) {
        devices.put(name, new Device(inode, alias, stream));
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public String type() {
        return "devfs";
    }

    /** A device whose reads and writes ignore the position. */
    private abstract static class Stream implements FileHandle {
        @Override
        public int write(ByteBuffer src, long position) throws ErrnoException {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public boolean seekable() {
            return true; // like Linux, seeking a memory device succeeds and does nothing
        }
    }

    private final class Root implements Node {
        @Override
        public FileSystem fileSystem() {
            return DevFs.this;
        }

        @Override
        public Stat stat() {
            return new Stat(0, 100, Wasi.FILETYPE_DIRECTORY, 2, 0, createdAt, createdAt, createdAt);
        }

        @Override
        public byte filetype() {
            return Wasi.FILETYPE_DIRECTORY;
        }

        @Override
        public Node lookup(String name) throws ErrnoException {
            Device d = devices.get(name);
            if (d == null) throw Errno.ENOENT.fail(name);
            return d;
        }

        @Override
        public Node createFile(String name, boolean exclusive) throws ErrnoException {
            Device d = devices.get(name);
            if (d == null) throw Errno.EACCES.fail("cannot create files in /dev");
            if (exclusive) throw Errno.EEXIST.fail(name);
            return d;
        }

        @Override
        public void createDirectory(String name) throws ErrnoException {
            throw Errno.EACCES.fail("/dev is fixed");
        }

        @Override
        public void createSymlink(String name, String target) throws ErrnoException {
            throw Errno.EACCES.fail("/dev is fixed");
        }

        @Override
        public void link(String name, Node existing) throws ErrnoException {
            throw Errno.EACCES.fail("/dev is fixed");
        }

        @Override
        public void unlink(String name) throws ErrnoException {
            throw Errno.EACCES.fail("/dev is fixed");
        }

        @Override
        public void removeDirectory(String name) throws ErrnoException {
            throw Errno.EACCES.fail("/dev is fixed");
        }

        @Override
        public void rename(String name, Node newParent, String newName) throws ErrnoException {
            throw Errno.EACCES.fail("/dev is fixed");
        }

        @Override
        public List<DirEntry> list() {
            List<DirEntry> out = new ArrayList<>();
            devices.forEach((n, d) -> out.add(new DirEntry(n, d.inode, Wasi.FILETYPE_CHARACTER_DEVICE)));
            return out;
        }

        @Override
        public void setTimes(long atime, long mtime) throws ErrnoException {
            throw Errno.EPERM.fail("/dev is fixed");
        }
    }

    private final class Device implements Node {
        private final long inode;
        private final int alias;
        private final Stream stream;

        Device(long inode, int alias, Stream stream) {
            this.inode = inode;
            this.alias = alias;
            this.stream = stream;
        }

        @Override
        public FileSystem fileSystem() {
            return DevFs.this;
        }

        @Override
        public Stat stat() {
            return new Stat(0, inode, Wasi.FILETYPE_CHARACTER_DEVICE, 1, 0, createdAt, createdAt, createdAt);
        }

        @Override
        public byte filetype() {
            return Wasi.FILETYPE_CHARACTER_DEVICE;
        }

        @Override
        public FileHandle open(boolean read, boolean write) throws ErrnoException {
            if (stream == null) throw Errno.ENXIO.fail("descriptor alias");
            return stream;
        }

        @Override
        public void truncate(long size) {
            // truncating a device (O_TRUNC on /dev/null) succeeds and does nothing, as on Linux
        }

        @Override
        public void setTimes(long atime, long mtime) throws ErrnoException {
            throw Errno.EPERM.fail("/dev is fixed");
        }

        @Override
        public int descriptorAlias() {
            return alias;
        }
    }
}
