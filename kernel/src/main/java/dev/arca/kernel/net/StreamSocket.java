package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Kernel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayDeque;

/**
 * A stream socket: TCP over IPv4 or IPv6, or AF_UNIX. Its states are Linux's in outline: new,
 * bound, listening, connecting, connected. A connection is an {@link Endpoint}: between two sockets
 * of the instance it never leaves the kernel ({@link LocalEndpoint}); to or from the host it is a
 * {@link HostStream}.
 */
public final class StreamSocket extends Socket implements HostStream.Owner {
    enum State { NEW, BOUND, LISTENING, CONNECTING, CONNECTED }

    /** A connection that waits to be accepted. */
    record Pending(Endpoint endpoint, SockAddr local, SockAddr peer) {}

    // all guarded by this
    private State state = State.NEW;
    private SockAddr local;
    private SockAddr peer;
    private Endpoint endpoint;
    private int pendingError; // SO_ERROR, an Errno code
    private boolean shutRead, shutWrite;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int backlog;
    private ServerSocketChannel hostBound; // the host socket of a bound IP socket
    private NetworkPolicy.Tls boundTls; // the TLS of the rule that allowed the bind (null: plain)
    private HostListener hostListener;
    private HostStream connecting;

    StreamSocket(Network net, int domain) {
        super(net, domain);
    }

    @Override
    public int type() {
        return SOCK_STREAM;
    }

    synchronized State state() {
        return state;
    }

    // ---- bind, listen, accept ------------------------------------------------------------------

    @Override
    public void bind(SockAddr a) throws ErrnoException {
        synchronized (this) {
            if (state != State.NEW) throw Errno.EINVAL.fail("the socket is bound already");
        }
        if (a.isUnix()) {
            if (a.path().isEmpty()) throw Errno.EINVAL.fail("an empty AF_UNIX path");
            net.bindUnix(a.path(), this);
            synchronized (this) {
                local = a;
                state = State.BOUND;
            }
            return;
        }
        Network.TcpBinding b = net.bindTcp(this, a);
        synchronized (this) {
            hostBound = b.channel();
            boundTls = b.tls();
            local = a.withPort(b.port());
            state = State.BOUND;
        }
    }

    @Override
    public void listen(int backlog) throws ErrnoException {
        synchronized (this) {
            if (state == State.LISTENING) {
                this.backlog = clampBacklog(backlog);
                return;
            }
            if (state == State.CONNECTED || state == State.CONNECTING) throw Errno.EINVAL.fail("the socket is connected");
        }
        if (domain == SockAddr.AF_UNIX) {
            synchronized (this) {
                if (state != State.BOUND) throw Errno.EINVAL.fail("listen on an unbound AF_UNIX socket");
                this.backlog = clampBacklog(backlog);
                state = State.LISTENING;
            }
            return;
        }
        if (state() == State.NEW) bind(SockAddr.any(domain, 0)); // Linux binds an ephemeral port
        synchronized (this) {
            this.backlog = clampBacklog(backlog);
            state = State.LISTENING;
            if (hostBound != null) {
                hostListener = net.listenHost(this, hostBound, boundTls);
                hostBound = null;
            }
        }
        net.listening(this);
    }

    private static int clampBacklog(int b) {
        return Math.max(1, Math.min(4096, b <= 0 ? 1 : b));
    }

    @Override
    public synchronized boolean listening() {
        return state == State.LISTENING;
    }

    /** From the network: whether one more connection may wait (backlog). */
    synchronized boolean hasRoom() {
        return state == State.LISTENING && queue.size() < backlog;
    }

    /** From the network: a connection to accept. False when the backlog is full or closed. */
    boolean offer(Pending p) {
        synchronized (this) {
            if (state != State.LISTENING || queue.size() >= backlog) return false;
            queue.add(p);
            notifyAll();
        }
        watchers.wake();
        return true;
    }

    @Override
    public Accepted accept(boolean nonBlocking) throws ErrnoException {
        long deadline;
        synchronized (this) {
            deadline = deadline(options.receiveTimeout);
        }
        Pending p;
        synchronized (this) {
            while (true) {
                if (state != State.LISTENING) throw Errno.EINVAL.fail("the socket is not listening");
                if (!queue.isEmpty()) break;
                if (nonBlocking) throw Errno.EAGAIN.fail("no connection waits");
                await(deadline);
            }
            net.reserveSocket(); // ENFILE: the connection stays queued, as on Linux
            p = queue.poll();
        }
        if (hostListener != null) hostListener.requestUpdate(); // room in the backlog again
        StreamSocket s = new StreamSocket(net, domain);
        synchronized (this) { // inherited from the listener, as on Linux
            s.options.noDelay = options.noDelay;
            s.options.keepAlive = options.keepAlive;
            s.options.linger = options.linger;
            s.options.sendBuffer = options.sendBuffer;
            s.options.receiveBuffer = options.receiveBuffer;
        }
        s.connected(p.endpoint(), p.local(), p.peer());
        s.optionsChanged();
        watchers.wake();
        return new Accepted(s, p.peer());
    }

    /** Requires this. Waits a slice on this monitor; EINTR on a signal, EAGAIN past the deadline. */
    private void await(long deadline) throws ErrnoException {
        Kernel.checkInterrupt();
        long ms = StreamBuffer.SLICE_MILLIS;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw Errno.EAGAIN.fail("timed out");
            ms = Math.max(1, Math.min(ms, left / 1_000_000));
        }
        try {
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
    }

    /** What carries the connection (null before it is connected). */
    synchronized Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void optionsChanged() {
        Endpoint e;
        boolean noDelay, keepAlive;
        synchronized (this) {
            e = endpoint;
            noDelay = options.noDelay;
            keepAlive = options.keepAlive;
        }
        if (e instanceof HostStream h) { // a local pair's buffers were sized when it was made
            h.applyOptions(noDelay, keepAlive);
            applyBufferSizes(e);
        }
    }

    /** Serializes {@link #applyBufferSizes}: each reads the options and sets both sizes as one step. */
    private final Object sizing = new Object();

    /**
     * Sizes a host connection's buffers from the options as they are now. Each call reads the
     * options and sets the sizes under one lock, so whichever runs last applies the newest
     * options: a connect completed on another thread (which sizes the buffers after the guest's
     * connect may have returned) cannot put back the sizes a setsockopt just replaced (seen once
     * in a fresh-clone run: NetworkTest found the default 256 KiB after setting 12,345). Never
     * called with this socket's monitor held (setCapacity wakes watchers).
     */
    private void applyBufferSizes(Endpoint e) {
        synchronized (sizing) {
            int rcv, snd;
            synchronized (this) {
                rcv = options.receiveBuffer;
                snd = options.sendBuffer;
            }
            e.in.setCapacity(rcv);
            e.out.setCapacity(snd);
        }
    }

    // ---- connect ---------------------------------------------------------------------------

    /** Makes this socket the connected side of {@code e}. */
    void connected(Endpoint e, SockAddr localAddress, SockAddr peerAddress) {
        e.in.watchers.add(watchers);
        e.out.watchers.add(watchers);
        // a local pair's buffers were sized by both sides already; a host connection's are sized
        // before the guest can see it, and again after, for a setsockopt made meanwhile
        if (e instanceof HostStream) applyBufferSizes(e);
        synchronized (this) {
            endpoint = e;
            local = localAddress;
            peer = peerAddress;
            state = State.CONNECTED;
            connecting = null;
            notifyAll();
        }
        if (e instanceof HostStream) applyBufferSizes(e);
        watchers.wake();
    }

    @Override
    public void connect(SockAddr a, boolean nonBlocking) throws ErrnoException {
        synchronized (this) {
            switch (state) {
                case CONNECTED -> throw Errno.EISCONN.fail();
                case CONNECTING -> throw Errno.EALREADY.fail("a connect is in progress");
                case LISTENING -> throw Errno.EISCONN.fail("the socket listens");
                default -> { }
            }
        }
        if (a.isUnix()) {
            StreamSocket listener = net.unixListener(a.path());
            connectLocal(listener, a, nonBlocking);
            return;
        }
        if (a.family() != domain) throw Errno.EAFNOSUPPORT.fail();
        if (a.port() == 0) throw Errno.ECONNREFUSED.fail("port 0");
        StreamSocket listener = net.localTcpListener(a);
        if (listener != null) {
            connectLocal(listener, a, nonBlocking);
            // as on Linux, where a non-blocking TCP connect never completes at once: POLLOUT and
            // SO_ERROR 0 report it done
            if (nonBlocking) throw Errno.EINPROGRESS.fail("connected inside the instance");
            return;
        }
        ServerSocketChannel bound;
        SockAddr from;
        synchronized (this) {
            bound = hostBound;
            hostBound = null;
            from = local;
        }
        HostStream h = net.connectHost(this, a, bound, from);
        synchronized (this) {
            connecting = h;
            peer = a;
            state = State.CONNECTING;
            pendingError = 0;
        }
        h.start(!h.channel.isConnected());
        if (nonBlocking) throw Errno.EINPROGRESS.fail();
        awaitConnected();
    }

    /** Blocking connect: waits for the host (and TLS) to answer. */
    private void awaitConnected() throws ErrnoException {
        synchronized (this) {
            while (state == State.CONNECTING) await(0);
            if (state != State.CONNECTED) {
                int e = pendingError;
                pendingError = 0;
                throw Errno.of(e == 0 ? Errno.ECONNREFUSED.code() : e).fail("connect");
            }
        }
    }

    private void connectLocal(StreamSocket listener, SockAddr to, boolean nonBlocking) throws ErrnoException {
        int rcv, snd;
        synchronized (this) {
            rcv = options.receiveBuffer;
            snd = options.sendBuffer;
        }
        LocalEndpoint[] pair = LocalEndpoint.pair(rcv, Math.max(snd, DEFAULT_BUFFER));
        SockAddr mine = domain == SockAddr.AF_UNIX ? (local != null ? local : SockAddr.unnamedUnix())
                : local != null && local.port() != 0 ? local : net.ephemeral(to);
        SockAddr theirs = domain == SockAddr.AF_UNIX ? listener.localAddress() : to;
        Pending p = new Pending(pair[1], theirs, mine);
        long deadline;
        synchronized (this) {
            deadline = deadline(options.sendTimeout);
        }
        while (!listener.offer(p)) {
            if (!listener.listening()) throw Errno.ECONNREFUSED.fail("not listening");
            if (nonBlocking) throw Errno.EAGAIN.fail("the listener's backlog is full");
            synchronized (this) {
                await(deadline);
            }
        }
        connected(pair[0], mine, theirs);
    }

    /** From the pump: the host connection (and its TLS handshake) is up. */
    @Override
    public void established(HostStream s) {
        InetSocketAddress l = s.localAddress();
        SockAddr mine;
        synchronized (this) {
            if (connecting != s) return; // closed meanwhile
            mine = l == null ? local : SockAddr.of(l);
            if (local != null && local.isAnyAddress() && l != null) mine = local.withPort(l.getPort());
        }
        connected(s, mine, peer);
    }

    /** From the pump: the host connection failed before it was up. */
    @Override
    public void failed(HostStream s, Errno errno, String why) {
        synchronized (this) {
            if (connecting != s) return;
            connecting = null;
            state = local != null ? State.BOUND : State.NEW;
            pendingError = errno.code();
            notifyAll();
        }
        if (errno == Errno.EACCES) net.security("refused the server " + peer + ": " + why);
        watchers.wake();
    }

    // ---- data ------------------------------------------------------------------------------

    @Override
    public int send(ByteBuffer src, int flags, SockAddr to, boolean nonBlocking) throws ErrnoException {
        Endpoint e;
        SockAddr them;
        long deadline;
        synchronized (this) {
            if (state != State.CONNECTED) {
                // Linux: EPIPE for TCP, ENOTCONN for AF_UNIX
                throw (state == State.CONNECTING ? Errno.EAGAIN : domain == SockAddr.AF_UNIX ? Errno.ENOTCONN : Errno.EPIPE)
                        .fail("not connected");
            }
            if (shutWrite) throw Errno.EPIPE.fail("shut down for writing");
            e = endpoint;
            them = peer;
            deadline = deadline(options.sendTimeout);
        }
        if (e instanceof HostStream) net.checkLease(Errno.ECONNRESET, "send to", them);
        return e.send(src, nonBlocking || (flags & MSG_DONTWAIT) != 0, deadline);
    }

    @Override
    public Received receive(ByteBuffer dst, int flags, boolean nonBlocking) throws ErrnoException {
        if ((flags & MSG_OOB) != 0) throw Errno.EINVAL.fail("no out-of-band data");
        Endpoint e;
        long deadline;
        SockAddr from;
        synchronized (this) {
            if (state == State.CONNECTING) {
                if (nonBlocking || (flags & MSG_DONTWAIT) != 0) throw Errno.EAGAIN.fail("connecting");
            }
            if (state != State.CONNECTED && state != State.CONNECTING) throw Errno.ENOTCONN.fail("not connected");
        }
        if (state() == State.CONNECTING) awaitConnected();
        synchronized (this) {
            if (shutRead) return new Received(0, peer, 0);
            e = endpoint;
            from = peer;
            deadline = deadline(options.receiveTimeout);
        }
        int n = e.in.read(dst, nonBlocking || (flags & MSG_DONTWAIT) != 0, (flags & MSG_PEEK) != 0,
                (flags & MSG_WAITALL) != 0, deadline);
        return new Received(n, from, 0);
    }

    @Override
    public void shutdown(int how) throws ErrnoException {
        if (how < SHUT_RD || how > SHUT_RDWR) throw Errno.EINVAL.fail("how " + how);
        Endpoint e;
        synchronized (this) {
            if (state != State.CONNECTED) throw Errno.ENOTCONN.fail("not connected");
            e = endpoint;
            if (how != SHUT_WR) shutRead = true;
            if (how != SHUT_RD) shutWrite = true;
        }
        if (how != SHUT_RD) e.shutdownOutput();
        watchers.wake();
    }

    // ---- names, errors, readiness ----------------------------------------------------------

    @Override
    public synchronized SockAddr localAddress() {
        if (local != null) return local;
        return domain == SockAddr.AF_UNIX ? SockAddr.unnamedUnix() : SockAddr.any(domain, 0);
    }

    @Override
    public synchronized SockAddr peerAddress() throws ErrnoException {
        if (state != State.CONNECTED || peer == null) throw Errno.ENOTCONN.fail("not connected");
        return peer;
    }

    @Override
    public synchronized int takeError() {
        int e = pendingError;
        pendingError = 0;
        return e;
    }

    @Override
    public int readable() {
        Endpoint e;
        synchronized (this) {
            if (state == State.LISTENING) return 0;
            e = endpoint;
        }
        return e == null ? 0 : e.in.available();
    }

    @Override
    public int pollEvents() {
        Endpoint e;
        State s;
        boolean rdShut, wrShut;
        int err;
        synchronized (this) {
            s = state;
            e = endpoint;
            rdShut = shutRead;
            wrShut = shutWrite;
            err = pendingError;
            if (s == State.LISTENING) return queue.isEmpty() ? 0 : POLLIN | POLLRDNORM;
        }
        int ev = err != 0 ? POLLERR : 0;
        switch (s) {
            case NEW, BOUND -> {
                return ev | POLLOUT | POLLWRNORM | POLLHUP;
            }
            case CONNECTING -> {
                return ev;
            }
            default -> { }
        }
        StreamBuffer in = e.in, out = e.out;
        boolean eof = in.writingClosed(), reset = in.error() != null || out.error() != null;
        if (in.available() > 0 || eof || rdShut || reset) ev |= POLLIN | POLLRDNORM;
        if (eof) ev |= POLLRDHUP;
        if (!wrShut && out.writable()) ev |= POLLOUT | POLLWRNORM;
        if (reset) ev |= POLLERR | POLLHUP;
        if (eof && (wrShut || out.readingClosed())) ev |= POLLHUP;
        return ev;
    }

    @Override
    void release() {
        Endpoint e;
        HostListener hl;
        ServerSocketChannel hb;
        HostStream c;
        Pending[] waiting;
        boolean reset;
        synchronized (this) {
            e = endpoint;
            hl = hostListener;
            hb = hostBound;
            c = connecting;
            waiting = queue.toArray(new Pending[0]);
            queue.clear();
            reset = options.linger == 0;
            state = State.NEW;
            notifyAll();
        }
        if (e != null) e.close(reset);
        if (c != null) c.close(true);
        for (Pending p : waiting) p.endpoint().close(true); // never accepted: reset, as Linux does
        if (hl != null) hl.close();
        if (hb != null) net.closeHost(hb);
    }
}
