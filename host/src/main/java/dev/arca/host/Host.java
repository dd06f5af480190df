package dev.arca.host;

import dev.arca.abi.ErrnoException;
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
import java.util.List;

/**
 * The only door from Arca to the real operating system. Everything the untrusted host supplies
 * (file contents, names, metadata, time, entropy, environment, standard streams, connections)
 * comes through here, so this interface is the list to audit: nothing else in Arca touches host
 * files, host sockets, host clocks, the host environment or host streams, and a test
 * ({@code HostDoorTest}) fails when code outside this package calls the JDK's own doors.
 *
 * <p><b>Trees.</b> Host file systems, state directories and image sources are trees: a directory
 * opened once by {@link #openDirectory} (an operator-given path) and then only named by paths
 * relative to a {@link HostFd}. Such a path is a sequence of components separated by '/', none of
 * them empty, "." or ".."; "" names the descriptor itself. The host resolves it beneath the
 * descriptor and follows no symbolic link and no mount-crossing magic link on the way, in any
 * component: a link met on the way fails the call with ELOOP, and a final link is acted on itself,
 * as with NOFOLLOW (so a call that needs a directory or a file there fails: ENOTDIR, ELOOP). This holds against a concurrent rename or symlink swap by the guest, by another
 * instance or by the host: it is the kernel's resolution that is confined ({@code openat2} with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}, or one {@code O_NOFOLLOW}
 * component at a time where openat2 is missing), never a check made before the use.
 *
 * <p><b>Operator files.</b> Files that the operator names (programs, manifests, keys, volumes,
 * policies) are opened by host path, following links as the operator's shell would; they must be
 * regular files, and reads are capped, so that {@code /dev/zero} or a FIFO is an error and not a
 * hang.
 *
 * <p>Failures are {@link ErrnoException}s carrying the host's errno in WASI terms.
 */
public interface Host {

    // ---- trees -----------------------------------------------------------------------------

    /**
     * Opens an operator-named directory as the root of a tree. Errors: ENOENT, ENOTDIR, EACCES.
     */
    HostFd openDirectory(Path dir) throws ErrnoException;

    /** As {@link #openDirectory}, creating it and its parents (mode 0700) when missing. */
    HostFd openOrCreateDirectory(Path dir) throws ErrnoException;

    /** Metadata of {@code path} beneath {@code base}; a final symbolic link is described itself. */
    HostStat stat(HostFd base, String path) throws ErrnoException;

    /** Whether {@code path} beneath {@code base} exists (a {@link #stat}); errors other than ENOENT are thrown. */
    default boolean exists(HostFd base, String path) throws ErrnoException {
        try {
            stat(base, path);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == dev.arca.abi.Errno.ENOENT) return false;
            throw e;
        }
    }

    /**
     * Pins {@code path} beneath {@code base}: a descriptor that keeps naming that file or
     * directory when it is renamed or unlinked, usable as a base or with "" ({@code O_PATH}).
     */
    HostFd pin(HostFd base, String path) throws ErrnoException;

    /** Opens a regular file's data. Errors: ELOOP for a link, EISDIR, EACCES for other types. */
    HostFile open(HostFd base, String path, OpenMode mode) throws ErrnoException;

    /** The entries of a directory, without "." and "..", each with its kind. */
    List<HostDirEntry> list(HostFd base, String path) throws ErrnoException;

    /** Creates a directory (mode 0755 less the umask). Errors: EEXIST. */
    void createDirectory(HostFd base, String path) throws ErrnoException;

    /** Removes a name that is not a directory. Errors: EISDIR, ENOENT. */
    void removeFile(HostFd base, String path) throws ErrnoException;

    /** Removes an empty directory. Errors: ENOTDIR, ENOTEMPTY, ENOENT. */
    void removeDirectory(HostFd base, String path) throws ErrnoException;

    /** rename(2), atomically replacing a compatible {@code to}. */
    void rename(HostFd fromBase, String from, HostFd toBase, String to) throws ErrnoException;

    /** Creates symbolic link {@code path} holding {@code target} byte for byte. */
    void symlink(String target, HostFd base, String path) throws ErrnoException;

    String readlink(HostFd base, String path) throws ErrnoException;

    /** Makes {@code to} a new hard link to {@code from} (never following a link at {@code from}). */
    void link(HostFd fromBase, String from, HostFd toBase, String to) throws ErrnoException;

    /** Sets times in nanoseconds since the epoch; a negative value leaves that time unchanged. */
    void setTimes(HostFd base, String path, long atimeNanos, long mtimeNanos) throws ErrnoException;

    /**
     * The whole of regular file {@code path} beneath {@code base}, at most {@code maxBytes}.
     * Errors: as {@link #open}, and EFBIG beyond the cap.
     */
    default byte[] readFile(HostFd base, String path, int maxBytes) throws ErrnoException {
        try (HostFile f = open(base, path, OpenMode.READ)) {
            return HostFiles.readAll(f, maxBytes);
        }
    }

    /**
     * Replaces (or creates) regular file {@code path} beneath {@code base} atomically: the data
     * goes to a temporary file beside it, is made durable, and is renamed over it, so a reader
     * sees the old file or the new one, never a part. {@code permissions} as for a new file.
     */
    /**
     * Makes the names in directory {@code dir} durable (fsync of the directory): a file created,
     * renamed or removed in it before is still so after a crash. Errors: EIO.
     */
    void syncDirectory(HostFd dir) throws ErrnoException;

    default void replaceFile(HostFd base, String path, byte[] data, int permissions) throws ErrnoException {
        int slash = path.lastIndexOf('/');
        byte[] nonce = new byte[8];
        randomBytes(nonce);
        String tmp = path.substring(0, slash + 1) + ".tmp-" + java.util.HexFormat.of().formatHex(nonce);
        try {
            try (HostFile f = open(base, tmp, OpenMode.createNew(permissions))) {
                f.write(java.nio.ByteBuffer.wrap(data), 0);
                f.sync(false);
            }
            rename(base, tmp, base, path);
        } catch (ErrnoException | RuntimeException e) {
            try {
                removeFile(base, tmp);
            } catch (ErrnoException ignored) {
                // not created, or renamed already
            }
            throw e;
        }
    }

    // ---- operator files --------------------------------------------------------------------

    /**
     * The whole of an operator-named regular file, at most {@code maxBytes}. Errors: ENOENT,
     * EACCES, EISDIR, EINVAL (not a regular file: a device or FIFO), EFBIG (larger than the cap).
     */
    byte[] readFile(Path file, int maxBytes) throws ErrnoException;

    /**
     * Metadata of an operator-named path, a final symbolic link followed. Errors: ENOENT,
     * EACCES, ENOTDIR.
     */
    HostStat statFile(Path file) throws ErrnoException;

    /** Opens an operator-named regular file (a volume, an image, an output). */
    HostFile openFile(Path file, OpenMode mode) throws ErrnoException;

    /** The file's real absolute path (links resolved), for naming it and for measurements. */
    Path realPath(Path file) throws ErrnoException;

    // ---- network ---------------------------------------------------------------------------

    /** A TCP listening socket bound to {@code address} (for Arca's own services). */
    ServerSocket listen(InetSocketAddress address, int backlog) throws IOException;

    /**
     * A blocking Unix stream socket listening at {@code socket} for this user's own commands
     * (mode 0600). A socket file left there by a process that no longer listens is replaced;
     * one that answers, or any other kind of file, is an error (EADDRINUSE, EEXIST).
     */
    ServerSocketChannel listenLocal(Path socket) throws IOException;

    /** Whether the peer of a Unix socket connection runs under this process's user id (SO_PEERCRED). */
    boolean peerIsOwnUser(SocketChannel ch) throws IOException;

    /** A TCP connection to {@code address}, waiting at most {@code timeoutMillis}. */
    Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException;

    /**
     * A non-blocking TCP listening channel bound to {@code address} (guests' listening sockets:
     * the kernel has checked the network policy).
     */
    ServerSocketChannel listenTcp(InetSocketAddress address, int backlog, boolean reuseAddress) throws IOException;

    /** A non-blocking, unconnected TCP channel (IPv6 or IPv4) for a guest's connect. */
    SocketChannel openTcp(boolean ipv6) throws IOException;

    /** A non-blocking UDP channel bound to {@code address} (port 0: any free port). */
    DatagramChannel openUdp(InetSocketAddress address) throws IOException;

    /** A selector for the channels above (the kernel's network pump). */
    Selector openSelector() throws IOException;

    /** What the host's resolver says {@code name} is (untrusted, and only where policy allows DNS). */
    List<java.net.InetAddress> resolve(String name) throws IOException;

    // ---- time, entropy and environment -----------------------------------------------------

    /** Wall-clock time in nanoseconds since the epoch, as the host reports it (untrusted). */
    long realtimeNanos();

    /** A monotonic clock in nanoseconds from an arbitrary origin. */
    long monotonicNanos();

    /** Fills {@code bytes} from a cryptographically secure source. */
    void randomBytes(byte[] bytes);

    /** A variable of the environment Arca was started with, or null (untrusted input). */
    String environment(String name);

    // ---- standard streams of the Arca process ----------------------------------------------

    InputStream stdin();

    OutputStream stdout();

    OutputStream stderr();

    /** Whether the given standard stream (0, 1, 2) is a terminal. */
    boolean isTerminal(int stdStream);
}
