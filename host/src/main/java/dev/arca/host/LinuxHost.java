package dev.arca.host;

import static dev.arca.host.LinuxCalls.AT_FDCWD;
import static dev.arca.host.LinuxCalls.AT_REMOVEDIR;
import static dev.arca.host.LinuxCalls.O_CREAT;
import static dev.arca.host.LinuxCalls.O_DIRECTORY;
import static dev.arca.host.LinuxCalls.O_EXCL;
import static dev.arca.host.LinuxCalls.O_NOCTTY;
import static dev.arca.host.LinuxCalls.O_NOFOLLOW;
import static dev.arca.host.LinuxCalls.O_NONBLOCK;
import static dev.arca.host.LinuxCalls.O_PATH;
import static dev.arca.host.LinuxCalls.O_RDONLY;
import static dev.arca.host.LinuxCalls.O_RDWR;
import static dev.arca.host.LinuxCalls.O_TRUNC;
import static dev.arca.host.LinuxCalls.O_WRONLY;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Host} on Linux. Host files go through {@link LinuxCalls}: every tree path is resolved by
 * the kernel beneath a descriptor, with {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS)} where the kernel offers it (5.6 and later, unless a seccomp filter
 * refuses it) and otherwise one component at a time with {@code O_PATH | O_DIRECTORY |
 * O_NOFOLLOW}, which is as strict (a link in any component fails) but costs a call per component.
 * Operations on a name (mkdir, unlink, rename, ...) resolve the parent that way and then act on
 * the one final name with an {@code *at} call, which never follows a link in it.
 */
public final class LinuxHost implements Host {
    private static final long RESOLVE = LinuxCalls.RESOLVE_BENEATH | LinuxCalls.RESOLVE_NO_SYMLINKS
            | LinuxCalls.RESOLVE_NO_MAGICLINKS;

    /** 1: openat2 works here; -1: it does not; 0: not probed yet. */
    private static volatile int openat2Probe;

    /** Whether this host may resolve with openat2 (else always with the O_NOFOLLOW component walk). */
    private final boolean tryOpenat2;

    /**
     * The kernel's random source, {@code /dev/urandom}, read directly: what the JDK's default
     * SecureRandom (NativePRNG) reads too, without the 15-20 ms a fresh JVM spends loading the
     * security providers to make one (a program that calls getentropy paid that as it started).
     * Opened on first use (a holder class), only if it is the kernel's device (character device
     * 1:9); otherwise, or if a read fails, a SecureRandom, made then.
     */
    /** {@code path} opened for reading if it is character device major:minor, else null. */
    static java.io.FileInputStream openDevice(Path path, long major, long minor) {
        try {
            java.util.Map<String, Object> a = java.nio.file.Files.readAttributes(path, "unix:mode,rdev");
            long rdev = (Long) a.get("rdev");
            if (HostStat.Kind.ofMode((Integer) a.get("mode")) != HostStat.Kind.CHARACTER_DEVICE
                    || (rdev >> 8 & 0xfff) != major || ((rdev & 0xff) | (rdev >> 12 & 0xfff00)) != minor) {
                return null;
            }
            return new java.io.FileInputStream(path.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final class Random {
        static final java.io.FileInputStream URANDOM = openDevice(Path.of("/dev/urandom"), 1, 9);

        private static final class Fallback {
            static final SecureRandom SOURCE = new SecureRandom();
        }
    }
    private final InputStream stdin = new FileInputStream(FileDescriptor.in);
    private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);

    /**
     * A host that uses openat2 where the kernel offers it, unless the system property {@code
     * arca.host.noOpenat2} is true (for testing the fallback).
     */
    public LinuxHost() {
        this(!Boolean.getBoolean("arca.host.noOpenat2"));
    }

    /** @param tryOpenat2 false: always resolve with the O_NOFOLLOW component walk */
    public LinuxHost(boolean tryOpenat2) {
        // probed at the first confined resolution, not here: binding a native call costs start-up
        // time that a run without a host directory never needs
        this.tryOpenat2 = tryOpenat2;
    }

    /** Whether confined resolution uses openat2 (false: the O_NOFOLLOW component walk). */
    public boolean usesOpenat2() {
        return tryOpenat2 && openat2Available();
    }

    private static boolean openat2Available() {
        int s = openat2Probe;
        if (s != 0) return s > 0;
        try {
            LinuxCalls.close(LinuxCalls.openat2(AT_FDCWD, "/", O_PATH | O_DIRECTORY, 0, 0));
            s = 1;
        } catch (ErrnoException e) {
            s = -1; // ENOSYS (an old kernel) or EPERM (a seccomp filter that predates it)
        }
        openat2Probe = s;
        return s > 0;
    }

    // ---- confined resolution -------------------------------------------------------------------

    /** Checks a tree path: components separated by '/', none empty, "." or "..". */
    private static void checkRelative(String path) throws ErrnoException {
        if (path.isEmpty()) return;
        if (path.indexOf('\0') >= 0) throw Errno.EINVAL.fail("NUL in a path");
        int start = 0;
        while (true) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            int len = end - start;
            if (len == 0 || (len == 1 && path.charAt(start) == '.')
                    || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                throw Errno.EINVAL.fail("not a checked relative path: '" + path + "'");
            }
            if (slash < 0) return;
            start = slash + 1;
        }
    }

    /** Opens {@code path} (non-empty, checked) beneath directory descriptor {@code dirfd}. */
    private int openBeneath(int dirfd, String path, int flags, int mode) throws ErrnoException {
        if (usesOpenat2()) {
            for (int attempt = 0; ; attempt++) {
                try {
                    return LinuxCalls.openat2(dirfd, path, flags, mode, RESOLVE);
                } catch (ErrnoException e) {
                    // EAGAIN: the kernel saw a concurrent rename and refuses to guess; try again
                    if (e.errno() != Errno.EAGAIN || attempt >= 16) throw e;
                }
            }
        }
        return walk(dirfd, path, flags, mode);
    }

    /** The fallback: each directory component opened with O_NOFOLLOW from the one before. */
    private static int walk(int dirfd, String path, int flags, int mode) throws ErrnoException {
        int cur = dirfd;
        int start = 0;
        try {
            while (true) {
                int slash = path.indexOf('/', start);
                if (slash < 0) return LinuxCalls.openat(cur, path.substring(start), flags | O_NOFOLLOW, mode);
                String name = path.substring(start, slash);
                int next;
                try {
                    next = LinuxCalls.openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
                } catch (ErrnoException e) {
                    // O_NOFOLLOW|O_PATH opens a link itself and O_DIRECTORY then says ENOTDIR:
                    // report a link as openat2 does
                    if (e.errno() == Errno.ENOTDIR && LinuxCalls.statx(cur, name).kind() == HostStat.Kind.SYMLINK) {
                        throw Errno.ELOOP.fail("symbolic link in a host path: " + path);
                    }
                    throw e;
                }
                if (cur != dirfd) LinuxCalls.close(cur);
                cur = next;
                start = slash + 1;
            }
        } finally {
            if (cur != dirfd) LinuxCalls.close(cur);
        }
    }

    /**
     * Opens directory {@code path} beneath {@code dirfd} as a place to act in. A link there is
     * met on the way to the name acted on, so it is ELOOP (O_DIRECTORY alone would say ENOTDIR).
     */
    private int openDirectoryBeneath(int dirfd, String path) throws ErrnoException {
        try {
            return openBeneath(dirfd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOTDIR) throw e;
            int fd;
            try {
                fd = openBeneath(dirfd, path, O_PATH | O_NOFOLLOW, 0);
            } catch (ErrnoException again) {
                throw e;
            }
            try {
                if (LinuxCalls.statx(fd, "").kind() == HostStat.Kind.SYMLINK) {
                    throw Errno.ELOOP.fail("symbolic link in a host path: " + path);
                }
            } finally {
                LinuxCalls.close(fd);
            }
            throw e;
        }
    }

    /** A call on the parent directory of a path's last component. */
    @FunctionalInterface
    private interface AtCall<T> {
        T apply(int parentFd, String name) throws ErrnoException;
    }

    /** Resolves the parent of {@code path} beneath {@code base} and runs {@code call} on it and the last name. */
    private <T> T atParent(HostFd base, String path, AtCall<T> call) throws ErrnoException {
        checkRelative(path);
        if (path.isEmpty()) throw Errno.EINVAL.fail("this call needs a name below the directory");
        int fd = base.acquire();
        try {
            int slash = path.lastIndexOf('/');
            if (slash < 0) return call.apply(fd, path);
            int parent = openDirectoryBeneath(fd, path.substring(0, slash));
            try {
                return call.apply(parent, path.substring(slash + 1));
            } finally {
                LinuxCalls.close(parent);
            }
        } finally {
            base.release();
        }
    }

    /** Opens {@code path} beneath {@code base}; "" reopens a directory base itself. */
    private int openIn(HostFd base, String path, int flags, int mode) throws ErrnoException {
        checkRelative(path);
        int fd = base.acquire();
        try {
            if (path.isEmpty()) {
                if ((flags & O_DIRECTORY) == 0 && (flags & O_PATH) == 0) {
                    throw Errno.EINVAL.fail("a pinned file is reopened through its open descriptor, not by path");
                }
                return LinuxCalls.openat(fd, ".", flags, mode);
            }
            return openBeneath(fd, path, flags, mode);
        } finally {
            base.release();
        }
    }

    // ---- trees ---------------------------------------------------------------------------------

    @Override
    public HostFd openDirectory(Path dir) throws ErrnoException {
        String abs = dir.toAbsolutePath().toString();
        return new HostFd(LinuxCalls.openat(AT_FDCWD, abs, O_PATH | O_DIRECTORY, 0), abs);
    }

    @Override
    public HostFd openOrCreateDirectory(Path dir) throws ErrnoException {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            return openDirectory(abs);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
        for (int i = 1; i <= abs.getNameCount(); i++) {
            try {
                LinuxCalls.mkdirat(AT_FDCWD, abs.getRoot().resolve(abs.subpath(0, i)).toString(), 0700);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST) throw e;
            }
        }
        return openDirectory(abs);
    }

    @Override
    public HostStat stat(HostFd base, String path) throws ErrnoException {
        checkRelative(path);
        if (path.isEmpty()) {
            int fd = base.acquire();
            try {
                return LinuxCalls.statx(fd, "");
            } finally {
                base.release();
            }
        }
        return atParent(base, path, LinuxCalls::statx);
    }

    @Override
    public HostFd pin(HostFd base, String path) throws ErrnoException {
        return new HostFd(openIn(base, path, O_PATH | O_NOFOLLOW, 0), base.name() + "/" + path);
    }

    @Override
    public HostFile open(HostFd base, String path, OpenMode mode) throws ErrnoException {
        if (path.isEmpty()) throw Errno.EINVAL.fail("open needs a name below the directory");
        int fd = openIn(base, path, flags(mode) | O_NOFOLLOW, mode.permissions());
        return regular(fd, base.name() + "/" + path);
    }

    private static int flags(OpenMode m) {
        int f = m.read() && m.write() ? O_RDWR : m.write() ? O_WRONLY : O_RDONLY;
        if (m.creation() != OpenMode.Creation.NONE) f |= O_CREAT;
        if (m.creation() == OpenMode.Creation.EXCLUSIVE) f |= O_EXCL;
        if (m.truncate()) f |= O_TRUNC;
        // never block on a FIFO or take a terminal: only regular files are used, checked below
        return f | O_NONBLOCK | O_NOCTTY;
    }

    /** Wraps {@code fd} if it is a regular file; closes it and fails otherwise. */
    private static HostFile regular(int fd, String name) throws ErrnoException {
        HostStat s;
        try {
            s = LinuxCalls.statx(fd, "");
        } catch (ErrnoException e) {
            LinuxCalls.close(fd);
            throw e;
        }
        if (s.kind() != HostStat.Kind.FILE) {
            LinuxCalls.close(fd);
            if (s.kind() == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail(name);
            throw Errno.EACCES.fail(name + ": not a regular file (" + s.kind().name().toLowerCase() + ")");
        }
        return new LinuxFile(new HostFd(fd, name));
    }

    @Override
    public List<HostDirEntry> list(HostFd base, String path) throws ErrnoException {
        // a pinned O_PATH handle for stat of entries whose type readdir does not report, and
        // a readable descriptor of the same directory for readdir itself
        HostFd dir = new HostFd(openIn(base, path, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0), base.name() + "/" + path);
        try {
            int dfd = dir.acquire();
            try {
                List<LinuxCalls.Dirent> ents = LinuxCalls.readdir(LinuxCalls.openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0));
                List<HostDirEntry> out = new ArrayList<>(ents.size());
                for (LinuxCalls.Dirent e : ents) {
                    HostStat.Kind k = dtype(e.type());
                    if (k == null) {
                        try {
                            k = LinuxCalls.statx(dfd, e.name()).kind();
                        } catch (ErrnoException gone) {
                            if (gone.errno() == Errno.ENOENT) continue; // removed meanwhile
                            throw gone;
                        }
                    }
                    out.add(new HostDirEntry(e.name(), e.inode(), k));
                }
                return out;
            } finally {
                dir.release();
            }
        } finally {
            dir.close();
        }
    }

    private static HostStat.Kind dtype(int t) {
        return switch (t) {
            case 1 -> HostStat.Kind.FIFO;
            case 2 -> HostStat.Kind.CHARACTER_DEVICE;
            case 4 -> HostStat.Kind.DIRECTORY;
            case 6 -> HostStat.Kind.BLOCK_DEVICE;
            case 8 -> HostStat.Kind.FILE;
            case 10 -> HostStat.Kind.SYMLINK;
            case 12 -> HostStat.Kind.SOCKET;
            default -> null; // DT_UNKNOWN: ask statx
        };
    }

    @Override
    public void createDirectory(HostFd base, String path) throws ErrnoException {
        atParent(base, path, (d, n) -> {
            LinuxCalls.mkdirat(d, n, 0755);
            return null;
        });
    }

    @Override
    public void removeFile(HostFd base, String path) throws ErrnoException {
        atParent(base, path, (d, n) -> {
            LinuxCalls.unlinkat(d, n, 0);
            return null;
        });
    }

    @Override
    public void syncDirectory(HostFd dir) throws ErrnoException {
        int fd = dir.acquire();
        try {
            // a directory descriptor here is O_PATH, which fsync refuses (EBADF): the directory itself, read-only
            int d = LinuxCalls.openat(fd, ".", LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY, 0);
            try {
                LinuxCalls.fsync(d, false);
            } finally {
                LinuxCalls.close(d);
            }
        } finally {
            dir.release();
        }
    }

    @Override
    public void removeDirectory(HostFd base, String path) throws ErrnoException {
        atParent(base, path, (d, n) -> {
            LinuxCalls.unlinkat(d, n, AT_REMOVEDIR);
            return null;
        });
    }

    @Override
    public void rename(HostFd fromBase, String from, HostFd toBase, String to) throws ErrnoException {
        atParent(fromBase, from, (fd, fn) -> atParent(toBase, to, (td, tn) -> {
            LinuxCalls.renameat(fd, fn, td, tn);
            return null;
        }));
    }

    @Override
    public void symlink(String target, HostFd base, String path) throws ErrnoException {
        atParent(base, path, (d, n) -> {
            LinuxCalls.symlinkat(target, d, n);
            return null;
        });
    }

    @Override
    public String readlink(HostFd base, String path) throws ErrnoException {
        checkRelative(path);
        if (path.isEmpty()) {
            int fd = base.acquire();
            try {
                return LinuxCalls.readlinkat(fd, "");
            } finally {
                base.release();
            }
        }
        return atParent(base, path, LinuxCalls::readlinkat);
    }

    @Override
    public void link(HostFd fromBase, String from, HostFd toBase, String to) throws ErrnoException {
        atParent(fromBase, from, (fd, fn) -> atParent(toBase, to, (td, tn) -> {
            LinuxCalls.linkat(fd, fn, td, tn, 0);
            return null;
        }));
    }

    @Override
    public void setTimes(HostFd base, String path, long atimeNanos, long mtimeNanos) throws ErrnoException {
        checkRelative(path);
        if (path.isEmpty()) {
            int fd = base.acquire();
            try {
                LinuxCalls.utimensat(fd, "", atimeNanos, mtimeNanos);
            } finally {
                base.release();
            }
            return;
        }
        atParent(base, path, (d, n) -> {
            LinuxCalls.utimensat(d, n, atimeNanos, mtimeNanos);
            return null;
        });
    }

    // ---- operator files ------------------------------------------------------------------------

    @Override
    public byte[] readFile(Path file, int maxBytes) throws ErrnoException {
        // Through the JDK's own file calls, not the foreign-function ones: a run whose only host
        // files are its program, manifest and keys (and the compiled-module cache) then never
        // binds a native call, whose first binding costs a fresh JVM about 15 ms. The kind is
        // checked first, so a FIFO or a device named by mistake is refused without opening it;
        // one swapped in between the check and the open (by someone who may write where the
        // operator's file lives, and could as well change the file) can make the open wait.
        HostStat s = statFile(file);
        String name = file.toString();
        if (s.kind() == HostStat.Kind.DIRECTORY) throw Errno.EISDIR.fail(name);
        if (s.kind() != HostStat.Kind.FILE) {
            throw Errno.EACCES.fail(name + ": not a regular file (" + s.kind().name().toLowerCase() + ")");
        }
        if (s.size() > maxBytes) throw Errno.EFBIG.fail(name + " is larger than " + maxBytes + " bytes");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min((long) maxBytes + 1, s.size() + 1)); // one more: a file that grew
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // until the end or one byte past the size seen
            }
            if (buf.position() > s.size()) throw Errno.EFBIG.fail(name + " grew while it was read");
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public HostStat statFile(Path file) throws ErrnoException {
        try {
            java.util.Map<String, Object> a = java.nio.file.Files.readAttributes(file,
                    "unix:mode,dev,ino,nlink,size,lastAccessTime,lastModifiedTime,ctime");
            return new HostStat(HostStat.Kind.ofMode((Integer) a.get("mode")), (Long) a.get("dev"), (Long) a.get("ino"),
                    ((Integer) a.get("nlink")).longValue(), (Long) a.get("size"), nanos(a.get("lastAccessTime")),
                    nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")));
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    private static long nanos(Object fileTime) {
        return ((java.nio.file.attribute.FileTime) fileTime).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public HostFile openFile(Path file, OpenMode mode) throws ErrnoException {
        String abs = file.toAbsolutePath().toString();
        return regular(LinuxCalls.openat(AT_FDCWD, abs, flags(mode), mode.permissions()), abs);
    }

    @Override
    public Path realPath(Path file) throws ErrnoException {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    // ---- network -------------------------------------------------------------------------------

    @Override
    public ServerSocket listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(address, backlog);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc} The check of a socket file already there, its removal and the new bind are one
     * step for every process that binds the same path: they run under an exclusive lock on
     * {@code SOCKET.lock} beside it (made 0600, never followed if a link), so two nodes that find
     * the same dead socket at once cannot both remove it, each removing the other's new one, and
     * both serve.
     */
    @Override
    public ServerSocketChannel listenLocal(Path socket) throws IOException {
        Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
        synchronized (listenLocalLock) { // a FileLock excludes other processes, not this one's threads
            java.nio.channels.FileChannel lock;
            try {
                lock = java.nio.channels.FileChannel.open(lockFile,
                        java.util.Set.of(java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (IOException e) {
                // a symbolic link there (ELOOP: never followed; the JDK says so in a plain IOException), a directory, no permission
                String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
                throw new java.nio.file.FileSystemException(lockFile.toString(), null, "cannot use it as the socket's lock file: " + why);
            }
            try (lock; java.nio.channels.FileLock held = lock.lock()) {
                return listenLocalLocked(socket);
            }
        }
    }

    private final Object listenLocalLock = new Object();

    private ServerSocketChannel listenLocalLocked(Path socket) throws IOException {
        java.net.UnixDomainSocketAddress address = java.net.UnixDomainSocketAddress.of(socket);
        java.nio.file.attribute.BasicFileAttributes a = null;
        try {
            a = java.nio.file.Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing there
        }
        if (a != null) {
            if (!a.isOther()) throw new java.nio.file.FileAlreadyExistsException(socket + ": exists and is not a socket");
            boolean answers;
            try (SocketChannel probe = SocketChannel.open(address)) {
                answers = true;
            } catch (java.net.ConnectException e) {
                answers = false;
            }
            if (answers) throw new java.net.BindException(socket + ": another process serves there");
            java.nio.file.Files.delete(socket); // a socket nobody listens on any more
        }
        ServerSocketChannel ch = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        try {
            ch.bind(address, 64);
            // connections made before this change are refused by peerIsOwnUser
            java.nio.file.Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ownUser = java.nio.file.Files.getOwner(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public boolean peerIsOwnUser(SocketChannel ch) throws IOException {
        jdk.net.UnixDomainPrincipal peer = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
        return peer.user().equals(ownUser());
    }

    /** This process's user: the owner of the socket file listenLocal made. */
    private volatile java.nio.file.attribute.UserPrincipal ownUser;

    private java.nio.file.attribute.UserPrincipal ownUser() {
        if (ownUser == null) throw new IllegalStateException("peerIsOwnUser before listenLocal");
        return ownUser;
    }

    @Override
    public Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, timeoutMillis);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public ServerSocketChannel listenTcp(InetSocketAddress address, int backlog, boolean reuseAddress) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(address.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, reuseAddress);
            ch.bind(address, backlog);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public SocketChannel openTcp(boolean ipv6) throws IOException {
        SocketChannel ch = SocketChannel.open(ipv6 ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public DatagramChannel openUdp(InetSocketAddress address) throws IOException {
        DatagramChannel ch = DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            ch.bind(address);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public Selector openSelector() throws IOException {
        return Selector.open();
    }

    @Override
    public List<java.net.InetAddress> resolve(String name) throws IOException {
        return List.of(java.net.InetAddress.getAllByName(name));
    }

    // ---- time, entropy, environment, stdio -----------------------------------------------------

    @Override
    public long realtimeNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public void randomBytes(byte[] bytes) {
        java.io.FileInputStream in = Random.URANDOM;
        if (in != null) {
            synchronized (in) {
                try {
                    for (int at = 0; at < bytes.length; ) {
                        int n = in.read(bytes, at, bytes.length - at);
                        if (n <= 0) throw new IOException("/dev/urandom: end of file");
                        at += n;
                    }
                    return;
                } catch (IOException e) {
                    // SecureRandom below
                }
            }
        }
        Random.Fallback.SOURCE.nextBytes(bytes);
    }

    @Override
    public String environment(String name) {
        return System.getenv(name);
    }

    @Override
    public InputStream stdin() {
        return stdin;
    }

    @Override
    public OutputStream stdout() {
        return stdout;
    }

    @Override
    public OutputStream stderr() {
        return stderr;
    }

    @Override
    public boolean isTerminal(int stdStream) {
        if (stdStream < 0 || stdStream > 2) return false;
        // Only a character device can be a terminal, and none of the memory devices (major 1:
        // /dev/null, /dev/zero, ...) is one: a stream that is a pipe, a file or /dev/null (a
        // benchmark's, a service's, a test's) is answered from the JDK's stat of it, so such a run
        // binds no native call (see readFile); any other character device is asked isatty.
        try {
            java.util.Map<String, Object> a = java.nio.file.Files.readAttributes(Path.of("/proc/self/fd/" + stdStream), "unix:mode,rdev");
            if (HostStat.Kind.ofMode((Integer) a.get("mode")) != HostStat.Kind.CHARACTER_DEVICE) return false;
            if ((((Long) a.get("rdev")) >> 8 & 0xfff) == 1) return false;
        } catch (IOException | RuntimeException noProc) {
            // no /proc here (or the stream is closed): isatty answers
        }
        return LinuxCalls.isatty(stdStream);
    }
}
