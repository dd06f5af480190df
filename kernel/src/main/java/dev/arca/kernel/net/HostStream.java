package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.cert.CertificateException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A guest's connection over a host TCP socket. The network pump moves bytes between the host
 * socket and the two stream buffers: {@link #in} (what the guest reads) and {@link #out} (what it
 * writes). With TLS, the pump runs an {@link SSLEngine} between them, so plaintext exists only in
 * the buffers inside the JVM and the host sees TLS records only; the connection is announced to
 * its owner ({@link Owner#established}) only after the handshake, so a refused peer never sees a
 * byte of the guest's data.
 *
 * <p>Every field is touched on the pump thread only, except the buffers (their own monitors),
 * {@link #updateQueued}, and for plain TCP {@link #direct} and {@link #plainOut}: a guest's send
 * on an established plain connection whose earlier bytes have all gone to the host writes to the
 * host socket itself, from the guest's thread ({@link #send}), which saves the hand-off to the
 * pump and back; {@link #plainWrite} orders it with the pump's own writes.
 */
final class HostStream extends Endpoint implements NetPump.Client {
    /** Told when the connection is ready for the guest, or failed before it was. */
    interface Owner {
        void established(HostStream s);

        void failed(HostStream s, Errno errno, String why);
    }

    /** Past this, a connection being closed whose peer does not take its last bytes is reset. */
    private static final long CLOSE_LINGER_NANOS = 60_000_000_000L;
    /** Past this, a TLS handshake that has not finished is abandoned (a slow or silent peer). */
    private static final long HANDSHAKE_NANOS = 15_000_000_000L;

    private final NetPump pump;
    final SocketChannel channel;
    private final SSLEngine tls; // null: plain TCP
    private final String tlsName; // for log lines
    private final Network net;
    private Owner owner;
    private SelectionKey key;
    private final AtomicBoolean updateQueued = new AtomicBoolean();

    private boolean connecting;
    private boolean established;
    private boolean hostEof;
    private boolean outputShut;
    private boolean closing;
    private boolean closed;
    private boolean outboundClosed; // TLS close_notify queued
    private long closingSince;
    private final long startedAt = System.nanoTime();

    // plain: bytes drained from out, not yet taken by the host (guarded by plainWrite)
    private final ByteBuffer plainOut;
    /** Held by whoever writes plain bytes to the host: the pump (writeHost) or a guest (send). */
    private final ReentrantLock plainWrite = new ReentrantLock();
    /** Plain, established, not closing: a guest's send may go to the host socket directly. */
    private volatile boolean direct;
    /**
     * Plain: the pump stopped reading the host because {@link #in} is full, so the guest's next
     * read must wake it. Set before the pump looks at the room left, and read by the guest after
     * it drained (both under {@link #in}'s monitor), so one of them sees the other.
     */
    private volatile boolean waitingForRoom;
    // TLS: records from and to the host, plaintext in and out of the engine (all in fill mode)
    private ByteBuffer netIn, netOut, appIn, appOut;

    HostStream(Network net, NetPump pump, SocketChannel channel, SSLEngine tls, String tlsName, int receiveBuffer,
            int sendBuffer, Owner owner) {
        super(new StreamBuffer(receiveBuffer), new StreamBuffer(sendBuffer));
        this.net = net;
        this.pump = pump;
        this.channel = channel;
        this.tls = tls;
        this.tlsName = tlsName;
        this.owner = owner;
        if (tls == null) {
            plainOut = ByteBuffer.allocate(64 * 1024).flip();
        } else {
            plainOut = null;
            int packet = tls.getSession().getPacketBufferSize(), app = tls.getSession().getApplicationBufferSize();
            netIn = ByteBuffer.allocate(packet);
            netOut = ByteBuffer.allocate(packet);
            appIn = ByteBuffer.allocate(app);
            appOut = ByteBuffer.allocate(app);
        }
        // A guest's read changes what the pump does only when the pump stopped reading the host
        // for want of room (plain TCP); TLS moves plaintext on every change.
        in.onChange(tls == null ? () -> {
            if (waitingForRoom) requestUpdate();
        } : this::requestUpdate);
        out.onChange(this::requestUpdate);
    }

    void setOwner(Owner o) {
        owner = o;
    }

    boolean encrypted() {
        return tls != null;
    }

    /** Starts on the pump: registers; {@code connectingNow} when a connect is in progress. */
    void start(boolean connectingNow) {
        pump.execute(() -> {
            try {
                connecting = connectingNow;
                key = pump.register(channel, connecting ? SelectionKey.OP_CONNECT : 0, this);
                if (!connecting) beginSession();
                update();
            } catch (IOException e) {
                failBeforeEstablished(Errno.EIO, "cannot register: " + e.getMessage());
            }
        });
    }

    /** The TCP connection is up: announce it, or begin the TLS handshake first. */
    private void beginSession() throws IOException {
        if (tls == null) {
            announce();
        } else {
            tls.beginHandshake();
            driveTls();
        }
    }

    private void announce() {
        established = true;
        direct = tls == null;
        Owner o = owner;
        if (o != null) o.established(this);
    }

    /** From any thread: interest or closing may have changed. */
    void requestUpdate() {
        if (closed) return;
        if (updateQueued.compareAndSet(false, true)) pump.execute(this::update);
    }

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                try {
                    if (!channel.finishConnect()) return;
                } catch (IOException e) {
                    failBeforeEstablished(connectErrno(e), e.getMessage());
                    return;
                }
                connecting = false;
                beginSession();
            }
            if (k.isValid() && k.isReadable()) readHost();
            if (tls != null && !closed) driveTls();
            if (!closed && k.isValid()) writeHost();
            update();
        } catch (SSLException e) {
            tlsFailed(e);
        } catch (IOException e) {
            reset(Errno.ECONNRESET, e.getMessage());
        }
    }

    private void readHost() throws IOException {
        if (tls == null) {
            int room = in.room();
            if (room <= 0 && !in.readingClosed()) return;
            ByteBuffer b = net.readBuffer();
            b.clear().limit(Math.max(1, Math.min(b.capacity(), room > 0 ? room : b.capacity())));
            int n = channel.read(b);
            if (n < 0) {
                hostEof = true;
                in.closeWriting();
                return;
            }
            b.flip();
            in.fillFrom(b);
        } else {
            if (!netIn.hasRemaining()) return;
            int n = channel.read(netIn);
            if (n < 0) {
                hostEof = true;
                if (!established) {
                    failBeforeEstablished(Errno.ECONNRESET, "the peer closed the connection during the TLS handshake");
                    return;
                }
                in.closeWriting(); // a truncation without close_notify: end of stream all the same
            }
        }
    }

    /**
     * A guest's send. On an established plain connection whose earlier bytes have all gone to the
     * host, the bytes go to the host socket from this thread, as far as it takes them at once; the
     * rest, and everything else, goes through {@link #out} and the pump. A host error here is left
     * for the pump to meet on the same socket (it resets the stream).
     */
    @Override
    int send(ByteBuffer src, boolean nonBlocking, long deadline) throws ErrnoException {
        int sent = 0;
        if (direct && plainWrite.tryLock()) {
            try {
                if (direct && !plainOut.hasRemaining() && out.available() == 0 && !out.writingClosed() && out.error() == null) {
                    sent = channel.write(src);
                }
            } catch (IOException e) {
                requestUpdate();
            } finally {
                plainWrite.unlock();
            }
        }
        if (!src.hasRemaining()) return sent;
        try {
            return sent + out.write(src, nonBlocking, 0, deadline);
        } catch (ErrnoException e) {
            if (sent > 0) return sent;
            throw e;
        }
    }

    private void writeHost() throws IOException {
        if (tls == null) {
            plainWrite.lock();
            try {
                while (true) {
                    if (!plainOut.hasRemaining()) {
                        plainOut.clear();
                        out.drainTo(plainOut);
                        plainOut.flip();
                        if (!plainOut.hasRemaining()) break;
                    }
                    if (channel.write(plainOut) == 0) return;
                }
            } finally {
                plainWrite.unlock();
            }
            if (out.writingClosed() && out.available() == 0 && !outputShut && !hostEofAndReset()) {
                outputShut = true;
                channel.shutdownOutput();
            }
        } else {
            netOut.flip();
            try {
                while (netOut.hasRemaining() && channel.write(netOut) > 0) {
                    // keep going while the host takes it
                }
            } finally {
                netOut.compact();
            }
            if (outboundClosed && netOut.position() == 0 && !outputShut) {
                outputShut = true;
                channel.shutdownOutput();
            }
        }
    }

    private boolean hostEofAndReset() {
        return !channel.isOpen();
    }

    /** Runs the engine until it makes no more progress. Requires tls. */
    private void driveTls() throws IOException {
        boolean progress = true;
        while (progress && !closed) {
            progress = false;
            SSLEngineResult.HandshakeStatus hs = tls.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> {
                    Runnable t;
                    while ((t = tls.getDelegatedTask()) != null) t.run(); // certificate checks: a few ms
                    progress = true;
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = tls.wrap(ByteBuffer.allocate(0), netOut);
                    progress = r.bytesProduced() > 0 || r.getHandshakeStatus() != hs;
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) progress = false; // flush first
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> progress = unwrap();
                default -> {
                    if (!established) {
                        announce();
                        progress = true;
                    }
                    if (moveAppIn()) progress = true;
                    if (unwrap()) progress = true;
                    if (wrapAppOut()) progress = true;
                }
            }
            if (netOut.position() > 0) writeHost();
        }
    }

    /** Unwraps records into appIn; false when nothing moved (more bytes needed, or no room). */
    private boolean unwrap() throws SSLException {
        if (netIn.position() == 0) return false;
        if (established && appIn.position() > 0 && !moveAppIn()) return false; // the guest is behind
        netIn.flip();
        try {
            SSLEngineResult r = tls.unwrap(netIn, appIn);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                in.closeWriting(); // close_notify from the peer
                hostEof = true;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return moveAppIn();
            }
            boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            if (moved && established) moveAppIn();
            return moved;
        } finally {
            netIn.compact();
        }
    }

    /** Moves unwrapped plaintext into what the guest reads; whether any moved. */
    private boolean moveAppIn() {
        if (appIn.position() == 0) return false;
        appIn.flip();
        try {
            return in.fillFrom(appIn) > 0;
        } finally {
            appIn.compact();
        }
    }

    /** Wraps what the guest wrote into records; whether any moved. */
    private boolean wrapAppOut() throws SSLException {
        boolean moved = false;
        if (appOut.hasRemaining() && out.drainTo(appOut) > 0) moved = true; // fill mode: remaining is room
        if (appOut.position() > 0) {
            appOut.flip();
            try {
                SSLEngineResult r = tls.wrap(appOut, netOut);
                if (r.bytesConsumed() > 0) moved = true;
            } finally {
                appOut.compact();
            }
        } else if (out.writingClosed() && out.available() == 0 && !outboundClosed) {
            tls.closeOutbound();
            tls.wrap(ByteBuffer.allocate(0), netOut); // close_notify
            outboundClosed = true;
            moved = true;
        }
        return moved;
    }

    /** On the pump: the interest in the host socket, and the end of a close. */
    private void update() {
        updateQueued.set(false);
        if (closed || key == null || !key.isValid()) return;
        if (closing && flushed()) {
            closeChannel();
            return;
        }
        int ops = 0;
        if (connecting) {
            ops = SelectionKey.OP_CONNECT;
        } else {
            boolean wantRead;
            if (tls == null) {
                waitingForRoom = true;
                wantRead = !hostEof && (in.room() > 0 || in.readingClosed());
                if (wantRead || hostEof) waitingForRoom = false;
            } else {
                wantRead = !hostEof && netIn.hasRemaining();
            }
            if (wantRead) ops |= SelectionKey.OP_READ;
            if (tls == null) {
                if (plainOut.hasRemaining() || out.available() > 0 || (out.writingClosed() && !outputShut)) ops |= SelectionKey.OP_WRITE;
            } else {
                if (netOut.position() > 0 || (established && (out.available() > 0 || appOut.position() > 0))
                        || (out.writingClosed() && !outboundClosed && established)) {
                    ops |= SelectionKey.OP_WRITE;
                }
                if (!established && tls.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) ops |= SelectionKey.OP_WRITE;
            }
        }
        try {
            key.interestOps(ops);
        } catch (RuntimeException e) {
            // cancelled meanwhile
        }
        // a TLS stream may have plaintext to move without the host being ready (room freed up)
        if (tls != null && established && (appIn.position() > 0 || out.available() > 0)) {
            try {
                driveTls();
            } catch (SSLException e) {
                tlsFailed(e);
            } catch (IOException e) {
                reset(Errno.ECONNRESET, e.getMessage());
            }
        }
    }

    /** Whether everything the guest wrote has gone to the host. */
    private boolean flushed() {
        if (tls == null) return !plainOut.hasRemaining() && out.available() == 0;
        return out.available() == 0 && appOut.position() == 0 && netOut.position() == 0 && outboundClosed;
    }

    @Override
    public void tick(long now) {
        if (closed) return;
        if (closing && now - closingSince > CLOSE_LINGER_NANOS) {
            reset(Errno.ETIMEDOUT, "the peer did not take the last bytes");
        } else if (tls != null && !established && now - startedAt > HANDSHAKE_NANOS) {
            failBeforeEstablished(Errno.ETIMEDOUT, "TLS handshake timed out");
        }
    }

    @Override
    void close(boolean reset) {
        direct = false;
        in.closeReading();
        out.closeWriting();
        pump.execute(() -> {
            if (closed) return;
            if (reset || !established) {
                abort();
                return;
            }
            closing = true;
            closingSince = System.nanoTime();
            try {
                if (tls != null) driveTls();
                writeHost();
            } catch (IOException e) {
                abort();
                return;
            }
            update();
        });
    }

    /** Resets the connection (SO_LINGER 0, or a failure): RST to the peer, errors to the guest. */
    private void abort() {
        try {
            channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // closed already
        }
        closeChannel();
    }

    private void reset(Errno e, String why) {
        direct = false;
        in.fail(e);
        out.fail(e);
        abort();
    }

    private void closeChannel() {
        if (closed) return;
        closed = true;
        direct = false;
        if (key != null) key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to send
        }
        in.closeWriting();
        net.hostSocketClosed();
    }

    private void failBeforeEstablished(Errno e, String why) {
        Owner o = owner;
        reset(e, why);
        if (o != null && !established) o.failed(this, e, why);
    }

    private void tlsFailed(SSLException e) {
        boolean refusedPeer = causedBy(e, CertificateException.class);
        String why = rootMessage(e);
        if (!established) {
            failBeforeEstablished(refusedPeer ? Errno.EACCES : Errno.EPROTO, tlsName + ": " + why);
        } else {
            reset(Errno.ECONNRESET, why);
        }
    }

    static boolean causedBy(Throwable t, Class<?> c) {
        for (; t != null; t = t.getCause()) if (c.isInstance(t)) return true;
        return false;
    }

    static String rootMessage(Throwable e) {
        String m = e.getMessage();
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) if (c.getMessage() != null) m = c.getMessage();
        return m;
    }

    static Errno connectErrno(IOException e) {
        if (e instanceof ConnectException) return Errno.ECONNREFUSED;
        if (e instanceof NoRouteToHostException) return Errno.EHOSTUNREACH;
        if (e instanceof SocketTimeoutException) return Errno.ETIMEDOUT;
        String m = String.valueOf(e.getMessage());
        if (m.contains("unreachable")) return Errno.ENETUNREACH;
        if (m.contains("timed out")) return Errno.ETIMEDOUT;
        return Errno.ECONNREFUSED;
    }

    /** Nagle and keep-alive on the host socket (any thread: the channel's options are thread-safe). */
    void applyOptions(boolean noDelay, boolean keepAlive) {
        try {
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, noDelay);
            channel.setOption(java.net.StandardSocketOptions.SO_KEEPALIVE, keepAlive);
        } catch (IOException | RuntimeException e) {
            // closed meanwhile: nothing to apply it to
        }
    }

    InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
