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
 *
 * <p>With a {@link QuoteSource}, also a directory {@code attestation} like Gramine's {@code
 * /dev/attestation}: write 64 bytes to {@code user_report_data}, then read {@code quote} to get
 * evidence over them; {@code attestation_type} names the provider. The report data is one value
 * per devfs, that is per Arca instance (every process of the instance shares it, as Gramine's is
 * per enclave): the write and the read go through different files, so it cannot be per open
 * file. A quote is made at the first read of an open {@code quote} (from the report data of that
 * moment) and kept by that open file, so reading it in pieces gives one consistent quote.
 */
public final class DevFs implements FileSystem {
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Root root = new Root();
    private final long createdAt;
    private final AttestationDir attestation;

    public DevFs(Host host) {
        this(host, null);
    }

    /** @param quotes the source of {@code /dev/attestation/quote}; null: no {@code attestation} directory */
    public DevFs(Host host, QuoteSource quotes) {
        this.createdAt = host.realtimeNanos();
        this.attestation = quotes == null ? null : new AttestationDir(quotes);
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

    /** A directory of devfs: its entries are fixed, so every change is refused. */
    private abstract static class FixedDirectory implements Node {
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
        public void setTimes(long atime, long mtime) throws ErrnoException {
            throw Errno.EPERM.fail("/dev is fixed");
        }
    }

    private final class Root extends FixedDirectory {
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
            if (attestation != null && name.equals(AttestationDir.NAME)) return attestation;
            Device d = devices.get(name);
            if (d == null) throw Errno.ENOENT.fail(name);
            return d;
        }

        @Override
        public Node createFile(String name, boolean exclusive) throws ErrnoException {
            if (attestation != null && name.equals(AttestationDir.NAME)) throw Errno.EISDIR.fail(name);
            Device d = devices.get(name);
            if (d == null) throw Errno.EACCES.fail("cannot create files in /dev");
            if (exclusive) throw Errno.EEXIST.fail(name);
            return d;
        }

        @Override
        public List<DirEntry> list() {
            List<DirEntry> out = new ArrayList<>();
            devices.forEach((n, d) -> out.add(new DirEntry(n, d.inode, Wasi.FILETYPE_CHARACTER_DEVICE)));
            if (attestation != null) out.add(new DirEntry(AttestationDir.NAME, AttestationDir.INODE, Wasi.FILETYPE_DIRECTORY));
            return out;
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

    /** {@code /dev/attestation}: {@code user_report_data}, {@code quote}, {@code attestation_type}. */
    private final class AttestationDir extends FixedDirectory {
        static final String NAME = "attestation";
        static final long INODE = 20;
        private final QuoteSource quotes;
        private final byte[] reportData = new byte[64];
        private final Map<String, AttFile> files = new LinkedHashMap<>();

        AttestationDir(QuoteSource quotes) {
            this.quotes = quotes;
            files.put("user_report_data", new AttFile(21, AttFile.Kind.REPORT_DATA));
            files.put("quote", new AttFile(22, AttFile.Kind.QUOTE));
            files.put("attestation_type", new AttFile(23, AttFile.Kind.TYPE));
        }

        @Override
        public FileSystem fileSystem() {
            return DevFs.this;
        }

        @Override
        public Stat stat() {
            return new Stat(0, INODE, Wasi.FILETYPE_DIRECTORY, 2, 0, createdAt, createdAt, createdAt);
        }

        @Override
        public byte filetype() {
            return Wasi.FILETYPE_DIRECTORY;
        }

        @Override
        public Node lookup(String name) throws ErrnoException {
            AttFile f = files.get(name);
            if (f == null) throw Errno.ENOENT.fail(name);
            return f;
        }

        @Override
        public Node createFile(String name, boolean exclusive) throws ErrnoException {
            AttFile f = files.get(name);
            if (f == null) throw Errno.EACCES.fail("cannot create files in /dev/attestation");
            if (exclusive) throw Errno.EEXIST.fail(name);
            return f;
        }

        @Override
        public List<DirEntry> list() {
            List<DirEntry> out = new ArrayList<>();
            files.forEach((n, f) -> out.add(new DirEntry(n, f.inode, Wasi.FILETYPE_REGULAR_FILE)));
            return out;
        }


        synchronized byte[] reportData() {
            return reportData.clone();
        }

        final class AttFile implements Node {
            enum Kind { REPORT_DATA, QUOTE, TYPE }

            private final long inode;
            private final Kind kind;

            AttFile(long inode, Kind kind) {
                this.inode = inode;
                this.kind = kind;
            }

            @Override
            public FileSystem fileSystem() {
                return DevFs.this;
            }

            @Override
            public Stat stat() {
                long size = kind == Kind.REPORT_DATA ? 64 : 0;
                return new Stat(0, inode, Wasi.FILETYPE_REGULAR_FILE, 1, size, createdAt, createdAt, createdAt);
            }

            @Override
            public byte filetype() {
                return Wasi.FILETYPE_REGULAR_FILE;
            }

            @Override
            public FileHandle open(boolean read, boolean write) throws ErrnoException {
                if (write && kind != Kind.REPORT_DATA) throw Errno.EACCES.fail("/dev/attestation/" + kind.name().toLowerCase() + " is read-only");
                return switch (kind) {
                    case REPORT_DATA -> new ReportDataHandle();
                    case QUOTE -> new BytesHandle(null);
                    case TYPE -> new BytesHandle(quotes.type().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                };
            }

            @Override
            public void truncate(long size) throws ErrnoException {
                // O_TRUNC on user_report_data does nothing (its size is fixed), as on Gramine
                if (kind != Kind.REPORT_DATA) throw Errno.EACCES.fail("/dev/attestation is read-only");
            }

            @Override
            public void setTimes(long atime, long mtime) throws ErrnoException {
                throw Errno.EPERM.fail("/dev is fixed");
            }
        }

        /** user_report_data: 64 bytes, read and written at any position inside them. */
        final class ReportDataHandle implements FileHandle {
            @Override
            public int read(ByteBuffer dst, long position) {
                synchronized (AttestationDir.this) {
                    if (position >= 64) return 0;
                    int n = (int) Math.min(dst.remaining(), 64 - position);
                    dst.put(reportData, (int) position, n);
                    return n;
                }
            }

            @Override
            public int write(ByteBuffer src, long position) throws ErrnoException {
                int n = src.remaining();
                if (position < 0 || position + n > 64) throw Errno.EINVAL.fail("user_report_data holds 64 bytes");
                synchronized (AttestationDir.this) {
                    src.get(reportData, (int) position, n);
                }
                return n;
            }

            @Override
            public long size() {
                return 64;
            }
        }

        /** quote (made at the first read) and attestation_type: fixed bytes read at any position. */
        final class BytesHandle implements FileHandle {
            private byte[] bytes;

            BytesHandle(byte[] bytes) {
                this.bytes = bytes;
            }

            private synchronized byte[] bytes() throws ErrnoException {
                if (bytes == null) {
                    try {
                        bytes = quotes.quote(reportData());
                    } catch (java.io.IOException | RuntimeException e) {
                        throw Errno.EIO.fail("/dev/attestation/quote: " + e.getMessage());
                    }
                }
                return bytes;
            }

            @Override
            public int read(ByteBuffer dst, long position) throws ErrnoException {
                byte[] b = bytes();
                if (position >= b.length) return 0;
                int n = (int) Math.min(dst.remaining(), b.length - position);
                dst.put(b, (int) position, n);
                return n;
            }

            @Override
            public int write(ByteBuffer src, long position) throws ErrnoException {
                throw Errno.EBADF.fail("read-only");
            }

            @Override
            public synchronized long size() {
                return bytes == null ? 0 : bytes.length;
            }
        }
    }
}
