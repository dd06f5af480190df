package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.fd.PollWaiter;
import dev.arca.kernel.fd.Pollable;
import dev.arca.kernel.fd.StreamHandle;
import java.nio.ByteBuffer;

/**
 * The kernel object behind a socket descriptor (docs/sockets.md). A socket is a {@link
 * StreamHandle}, so {@code read}, {@code write} and preview1's calls work on it as on a pipe,
 * and {@link Pollable}. Its family's own file operations are in {@link StreamSocket} (TCP and
 * AF_UNIX streams) and {@link DatagramSocket} (UDP).
 *
 * <p>Locking: each socket's monitor guards its state; it is never held while waiting for data
 * (the stream buffers have their own monitors) or while calling into the {@link Network}.
 */
public abstract sealed class Socket implements StreamHandle, Pollable permits StreamSocket, DatagramSocket {
    public static final int SOCK_DGRAM = 5, SOCK_STREAM = 6;
    public static final int MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100,
            MSG_NOSIGNAL = 0x4000;
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    static final int DEFAULT_BUFFER = 256 * 1024, MIN_BUFFER = 4096, MAX_BUFFER = 4 << 20;

    final Network net;
    final int domain;
    final Watchers watchers = new Watchers();
    /** Options the guest set (docs/sockets.md, "Options"); guarded by this. */
    final SocketOptions options = new SocketOptions();
    private boolean closed; // guarded by this

    Socket(Network net, int domain) {
        this.net = net;
        this.domain = domain;
    }

    public int domain() {
        return domain;
    }

    /** SOCK_STREAM or SOCK_DGRAM. */
    public abstract int type();

    /** The protocol number getsockopt(SO_PROTOCOL) reports. */
    public int protocol() {
        if (domain == SockAddr.AF_UNIX) return 0;
        return type() == SOCK_STREAM ? 6 : 17;
    }

    public SocketOptions options() {
        return options;
    }

    /**
     * The guest changed {@link #options()}: apply them to what carries the socket (a host
     * connection's socket and buffers). Setting an option after connect or accept is the common
     * case (servers set TCP_NODELAY on each accepted connection), so it must reach the host then.
     */
    public void optionsChanged() {}

    // ---- the calls -------------------------------------------------------------------------

    /** bind(2). */
    public abstract void bind(SockAddr address) throws ErrnoException;

    /** connect(2); with {@code nonBlocking}, EINPROGRESS while a host connection is being made. */
    public abstract void connect(SockAddr address, boolean nonBlocking) throws ErrnoException;

    /** listen(2). */
    public void listen(int backlog) throws ErrnoException {
        throw Errno.ENOTSUP.fail("listen on a datagram socket");
    }

    /** accept4(2): a connected socket and its peer's address. */
    public Accepted accept(boolean nonBlocking) throws ErrnoException {
        throw Errno.EINVAL.fail("accept on a socket that is not listening");
    }

    /** What accept returns. */
    public record Accepted(Socket socket, SockAddr peer) {}

    /**
     * sendmsg(2) of {@code src} to {@code to} (null: the connected peer). Flags: MSG_DONTWAIT,
     * MSG_NOSIGNAL (the caller turns EPIPE into SIGPIPE without it), MSG_OOB.
     */
    public abstract int send(ByteBuffer src, int flags, SockAddr to, boolean nonBlocking) throws ErrnoException;

    /** What recvmsg(2) got: the count, the sender, and MSG_TRUNC when a datagram was cut. */
    public record Received(int count, SockAddr from, int flags) {}

    /** recvmsg(2) into {@code dst}. Flags: MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC. */
    public abstract Received receive(ByteBuffer dst, int flags, boolean nonBlocking) throws ErrnoException;

    /** shutdown(2). */
    public abstract void shutdown(int how) throws ErrnoException;

    /** getsockname(2). */
    public abstract SockAddr localAddress();

    /** getpeername(2). Errors: ENOTCONN. */
    public abstract SockAddr peerAddress() throws ErrnoException;

    /** Whether the socket listens (SO_ACCEPTCONN). */
    public boolean listening() {
        return false;
    }

    /** The pending error, cleared (SO_ERROR); 0 when none. */
    public abstract int takeError();

    /** Bytes that can be read at once (FIONREAD). */
    public abstract int readable();

    // ---- StreamHandle: read/write as recv/send with no flags -------------------------------

    @Override
    public int read(ByteBuffer dst, boolean nonBlocking) throws ErrnoException {
        return receive(dst, 0, nonBlocking).count();
    }

    @Override
    public int write(ByteBuffer src, boolean nonBlocking) throws ErrnoException {
        return send(src, 0, null, nonBlocking);
    }

    @Override
    public boolean readReady() {
        return (pollEvents() & (POLLIN | POLLHUP | POLLERR)) != 0;
    }

    @Override
    public boolean writeReady() {
        return (pollEvents() & (POLLOUT | POLLERR | POLLHUP)) != 0;
    }

    @Override
    public long available() {
        return readable();
    }

    // ---- poll ------------------------------------------------------------------------------

    @Override
    public void watch(PollWaiter w) {
        watchers.add(w);
    }

    @Override
    public void unwatch(PollWaiter w) {
        watchers.remove(w);
    }

    // ---- closing ---------------------------------------------------------------------------

    /** The last descriptor is gone: release the port, the connection and the host socket. */
    @Override
    public final void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        release();
        net.released(this);
        watchers.wake();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    abstract void release();

    /** A deadline in System.nanoTime() for a blocking call with this timeout (0: none). */
    static long deadline(long timeoutNanos) {
        return timeoutNanos <= 0 ? 0 : Math.max(1, System.nanoTime() + timeoutNanos);
    }

    static int clampBuffer(int size) {
        return Math.max(MIN_BUFFER, Math.min(MAX_BUFFER, size));
    }
}
