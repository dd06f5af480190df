package dev.arca.fs.encfs.nio;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.Times;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.LocalFreshness;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code java.nio.file} over Arca's encrypted volumes and images (scheme {@value #SCHEME}), so Java
 * tools can read and write a volume with {@link Files}. It only dispatches: every operation is
 * the encfs {@link Node} / {@link FileHandle} call the guest's syscall would make.
 *
 * <pre>{@code
 * FileSystem vol = FileSystems.newFileSystem(URI.create("arca-vol:/srv/data.vol"),
 *         Map.of("keyFile", Path.of("vol.key"), "create", true));
 * Files.writeString(vol.getPath("/notes.txt"), "hello");
 * vol.close(); // commits
 * }</pre>
 *
 * Environment keys: {@code keyFile} (Path or String) or {@code key} (the key file's bytes) for an
 * encrypted volume, neither for an integrity-only image; {@code create} (true: format an empty
 * or missing file); {@code readOnly}; {@code stateDir} (freshness records; default as {@code arca
 * run}). A volume is open once at a time (it is locked); {@code getPath(URI)} takes
 * {@code arca-vol:/HOST/FILE!/PATH} of an open one. Only the {@code basic} attribute view exists.
 * Open by URI: {@code FileSystems.newFileSystem(Path, env)} offers the file to the zip provider
 * first (which takes {@code create} too).
 */
public final class ArcaVolProvider extends FileSystemProvider {
    public static final String SCHEME = "arca-vol";
    private final Host host = new LinuxHost();
    private final Map<Path, VolFileSystem> open = new HashMap<>();

    @Override
    public String getScheme() {
        return SCHEME;
    }

    private static Path hostFile(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) throw new IllegalArgumentException("not an " + SCHEME + " URI: " + uri);
        String ssp = uri.getSchemeSpecificPart();
        int bang = ssp.indexOf('!');
        return Path.of(bang < 0 ? ssp : ssp.substring(0, bang)).toAbsolutePath().normalize();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return newFileSystem(hostFile(uri), env);
    }

    @Override
    public FileSystem newFileSystem(Path file, Map<String, ?> env) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        boolean create = flag(env.get("create"));
        boolean readOnly = flag(env.get("readOnly"));
        VolumeKey key = key(env);
        synchronized (open) {
            if (open.containsKey(f)) throw new FileSystemAlreadyExistsException(f.toString());
            HostBlockStore store = null;
            LocalFreshness record = null;
            try {
                boolean writable = !readOnly && key != null;
                store = HostBlockStore.open(host, f, writable, writable && create);
                Object sd = env.get("stateDir");
                Path stateDir = sd == null ? LocalFreshness.defaultDirectory(host) : Path.of(sd.toString());
                if (key != null) record = new LocalFreshness(host, stateDir, key);
                Freshness fresh = record == null ? Freshness.inMemory() : record;
                EncFs.Options o = EncFs.Options.defaults(host::realtimeNanos).withFreshness(fresh).withReadOnly(!writable);
                EncFs fs = create && writable && EncFs.isEmpty(store)
                        ? EncFs.create(store, key, host::randomBytes, o)
                        : EncFs.open(store, key, host::randomBytes, o, null);
                VolFileSystem v = new VolFileSystem(this, f, fs, store, record);
                open.put(f, v);
                return v;
            } catch (ErrnoException e) {
                if (store != null) store.close();
                if (record != null) record.close();
                if (e.errno() == dev.arca.abi.Errno.ENOENT) throw new NoSuchFileException(f.toString());
                throw new FileSystemException(f.toString(), null, e.getMessage());
            }
        }
    }

    private static boolean flag(Object v) {
        return v != null && (v.equals(Boolean.TRUE) || v.toString().equals("true"));
    }

    private VolumeKey key(Map<String, ?> env) throws IOException {
        Object k = env.get("key");
        Object kf = env.get("keyFile");
        if (k == null && kf == null) return null;
        try {
            byte[] bytes = k instanceof byte[] b ? b : host.readFile(kf instanceof Path p ? p : Path.of(kf.toString()), 1024);
            return VolumeKey.fromKeyFile(bytes);
        } catch (ErrnoException e) {
            throw new FileSystemException(String.valueOf(kf), null, e.getMessage());
        }
    }

    void forget(VolFileSystem fs) {
        synchronized (open) {
            open.remove(fs.hostFile, fs);
        }
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        synchronized (open) {
            VolFileSystem v = open.get(hostFile(uri));
            if (v == null) throw new FileSystemNotFoundException(uri.toString());
            return v;
        }
    }

    @Override
    public Path getPath(URI uri) {
        String ssp = uri.getSchemeSpecificPart();
        int bang = ssp.indexOf('!');
        return getFileSystem(uri).getPath(bang < 0 ? "/" : ssp.substring(bang + 1));
    }

    private static VolFileSystem fs(Path p) {
        VolFileSystem v = VolPath.check(p).getFileSystem();
        v.checkOpen();
        return v;
    }

    // ---- data ------------------------------------------------------------------------------

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        VolFileSystem v = fs(path);
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean write = append || options.contains(StandardOpenOption.WRITE);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        boolean createNew = options.contains(StandardOpenOption.CREATE_NEW);
        boolean create = createNew || options.contains(StandardOpenOption.CREATE);
        boolean follow = !options.contains(LinkOption.NOFOLLOW_LINKS);
        try {
            Node node;
            if (write && create) {
                if (v.isReadOnly()) throw VolFileSystem.readOnly();
                Node existing = null;
                try {
                    existing = v.node(path, follow);
                } catch (NoSuchFileException e) {
                    // created below
                }
                if (existing != null && createNew) throw new FileAlreadyExistsException(path.toString());
                node = existing != null ? existing : v.parent(path).createFile(VolFileSystem.name(path), createNew);
            } else {
                node = v.node(path, follow);
            }
            if (write && v.isReadOnly()) throw VolFileSystem.readOnly();
            FileHandle h = node.open(read, write);
            if (write && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) h.truncate(0);
            return new Channel(h, read, write, append, path);
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, path);
        }
    }

    /** A channel over one encfs handle; the position is the channel's, as a descriptor's is. */
    private static final class Channel implements SeekableByteChannel {
        private final FileHandle h;
        private final boolean read, write, append;
        private final Path path;
        private long position;
        private boolean closed;

        Channel(FileHandle h, boolean read, boolean write, boolean append, Path path) {
            this.h = h;
            this.read = read;
            this.write = write;
            this.append = append;
            this.path = path;
        }

        private void check() throws ClosedChannelException {
            if (closed) throw new ClosedChannelException();
        }

        @Override
        public synchronized int read(ByteBuffer dst) throws IOException {
            check();
            if (!read) throw new java.nio.channels.NonReadableChannelException();
            try {
                if (!dst.hasRemaining()) return 0;
                int n = h.read(dst, position);
                if (n <= 0) return -1;
                position += n;
                return n;
            } catch (ErrnoException e) {
                throw VolFileSystem.io(e, path);
            }
        }

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            check();
            if (!write) throw new NonWritableChannelException();
            try {
                if (append) position = h.size();
                int n = h.write(src, position);
                position += n;
                return n;
            } catch (ErrnoException e) {
                throw VolFileSystem.io(e, path);
            }
        }

        @Override
        public synchronized long position() throws IOException {
            check();
            return position;
        }

        @Override
        public synchronized SeekableByteChannel position(long p) throws IOException {
            check();
            if (p < 0) throw new IllegalArgumentException("negative position");
            position = p;
            return this;
        }

        @Override
        public synchronized long size() throws IOException {
            check();
            try {
                return h.size();
            } catch (ErrnoException e) {
                throw VolFileSystem.io(e, path);
            }
        }

        @Override
        public synchronized SeekableByteChannel truncate(long size) throws IOException {
            check();
            if (!write) throw new NonWritableChannelException();
            try {
                if (size < h.size()) h.truncate(size);
            } catch (ErrnoException e) {
                throw VolFileSystem.io(e, path);
            }
            position = Math.min(position, size);
            return this;
        }

        @Override
        public synchronized boolean isOpen() {
            return !closed;
        }

        /** Closing a channel that wrote commits, as closing a guest's descriptor does. */
        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            h.close();
        }
    }

    // ---- directories -----------------------------------------------------------------------

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        VolFileSystem v = fs(dir);
        List<Path> out = new ArrayList<>();
        try {
            Node n = v.node(dir, true);
            if (n.filetype() != Wasi.FILETYPE_DIRECTORY) throw new java.nio.file.NotDirectoryException(dir.toString());
            for (DirEntry e : n.list()) {
                Path p = dir.resolve(e.name());
                if (filter == null || filter.accept(p)) out.add(p);
            }
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, dir);
        }
        return new DirectoryStream<>() {
            private boolean used;

            @Override
            public Iterator<Path> iterator() {
                if (used) throw new IllegalStateException("iterator already obtained");
                used = true;
                return out.iterator();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        VolFileSystem v = fs(dir);
        try {
            if (v.isReadOnly()) throw VolFileSystem.readOnly();
            v.parent(dir).createDirectory(VolFileSystem.name(dir));
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, dir);
        }
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        VolFileSystem v = fs(link);
        try {
            if (v.isReadOnly()) throw VolFileSystem.readOnly();
            v.parent(link).createSymlink(VolFileSystem.name(link), target.toString());
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, link);
        }
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        VolFileSystem v = fs(link);
        try {
            Node n = v.node(link, false);
            if (n.filetype() != Wasi.FILETYPE_SYMBOLIC_LINK) throw VolFileSystem.notLink(link);
            return v.getPath(n.readlink());
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, link);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        VolFileSystem v = fs(path);
        try {
            if (v.isReadOnly()) throw VolFileSystem.readOnly();
            Node n = v.node(path, false);
            Node dir = v.parent(path);
            if (n.filetype() == Wasi.FILETYPE_DIRECTORY) {
                dir.removeDirectory(VolFileSystem.name(path));
            } else {
                dir.unlink(VolFileSystem.name(path));
            }
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, path);
        }
    }

    /** Whether a path of a volume exists (a final link itself counts). */
    private boolean exists(Path p) throws IOException {
        try {
            readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        if (fs(source) != fs(target)) throw new ProviderMismatchException("copy between two volumes");
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        if (readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
            if (replace && exists(target)) delete(target);
            createDirectory(target);
            return;
        }
        if (!replace && exists(target)) throw new FileAlreadyExistsException(target.toString());
        try (SeekableByteChannel in = newByteChannel(source, Set.of(StandardOpenOption.READ));
                SeekableByteChannel out = newByteChannel(target, Set.of(StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            while (in.read(b) > 0) {
                b.flip();
                while (b.hasRemaining()) out.write(b);
                b.clear();
            }
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        VolFileSystem v = fs(source);
        if (v != fs(target)) throw new ProviderMismatchException("move between two volumes");
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        try {
            if (v.isReadOnly()) throw VolFileSystem.readOnly();
            if (!replace && exists(target)) throw new FileAlreadyExistsException(target.toString());
            v.parent(source).rename(VolFileSystem.name(source), v.parent(target), VolFileSystem.name(target));
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, source);
        }
    }

    @Override
    public boolean isSameFile(Path a, Path b) throws IOException {
        if (a.equals(b)) return true;
        if (!(a instanceof VolPath) || !(b instanceof VolPath) || fs(a) != fs(b)) return false;
        return fs(a).node(a, true) == fs(b).node(b, true);
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("no file store for a volume");
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        VolFileSystem v = fs(path);
        v.node(path, true);
        for (AccessMode m : modes) {
            if (m == AccessMode.WRITE && v.isReadOnly()) throw new java.nio.file.AccessDeniedException(path.toString(), null, "read-only volume");
        }
    }

    // ---- attributes ------------------------------------------------------------------------

    private record Attrs(Stat s) implements BasicFileAttributes {
        private static FileTime t(long ns) {
            return FileTime.from(ns, TimeUnit.NANOSECONDS);
        }

        public FileTime lastModifiedTime() {
            return t(s.mtime());
        }

        public FileTime lastAccessTime() {
            return t(s.atime());
        }

        public FileTime creationTime() {
            return t(s.ctime());
        }

        public boolean isRegularFile() {
            return s.filetype() == Wasi.FILETYPE_REGULAR_FILE;
        }

        public boolean isDirectory() {
            return s.filetype() == Wasi.FILETYPE_DIRECTORY;
        }

        public boolean isSymbolicLink() {
            return s.filetype() == Wasi.FILETYPE_SYMBOLIC_LINK;
        }

        public boolean isOther() {
            return !isRegularFile() && !isDirectory() && !isSymbolicLink();
        }

        public long size() {
            return s.size();
        }

        public Object fileKey() {
            return s.inode();
        }
    }

    private static boolean follow(LinkOption... options) {
        return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    }

    private static BasicFileAttributes attrs(Path path, boolean follow) throws IOException {
        try {
            return new Attrs(fs(path).node(path, follow).stat());
        } catch (ErrnoException e) {
            throw VolFileSystem.io(e, path);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        if (type != BasicFileAttributes.class) throw new UnsupportedOperationException(type.getName() + ": only basic attributes");
        return (A) attrs(path, follow(options));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        String list = attributes;
        int colon = list.indexOf(':');
        if (colon >= 0) {
            if (!list.substring(0, colon).equals("basic")) throw new UnsupportedOperationException(attributes + ": only basic attributes");
            list = list.substring(colon + 1);
        }
        BasicFileAttributes a = attrs(path, follow(options));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("size", a.size());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", a.isSymbolicLink());
        all.put("isOther", a.isOther());
        all.put("fileKey", a.fileKey());
        if (list.equals("*")) return all;
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : list.split(",")) {
            if (!all.containsKey(name)) throw new IllegalArgumentException("unknown attribute " + name);
            out.put(name, all.get(name));
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) return null;
        boolean follow = follow(options);
        return (V) new BasicFileAttributeView() {
            public String name() {
                return "basic";
            }

            public BasicFileAttributes readAttributes() throws IOException {
                return attrs(path, follow);
            }

            public void setTimes(FileTime modified, FileTime access, FileTime create) throws IOException {
                try {
                    fs(path).node(path, follow).setTimes(access == null ? Times.OMIT : access.to(TimeUnit.NANOSECONDS),
                            modified == null ? Times.OMIT : modified.to(TimeUnit.NANOSECONDS));
                } catch (ErrnoException e) {
                    throw VolFileSystem.io(e, path);
                }
            }
        };
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        BasicFileAttributeView view = getFileAttributeView(path, BasicFileAttributeView.class, options);
        switch (attribute.startsWith("basic:") ? attribute.substring(6) : attribute) {
            case "lastModifiedTime" -> view.setTimes((FileTime) value, null, null);
            case "lastAccessTime" -> view.setTimes(null, (FileTime) value, null);
            default -> throw new UnsupportedOperationException("cannot set " + attribute);
        }
    }
}
