package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Kernel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

/**
 * A UDP socket. Datagrams to another socket of the instance are handed over in the kernel;
 * others go through a host UDP socket (bound when the guest binds, or on the first send), whose
 * incoming datagrams the pump queues here up to the receive buffer's size (the rest are dropped,
 * as UDP drops them).
 */
public final class DatagramSocket extends Socket {
    /** The largest UDP payload over IPv4. */
    static final int MAX_DATAGRAM = 65507;

    private record Datagram(byte[] data, SockAddr from) {}

    // guarded by this
    private SockAddr local;
    private SockAddr peer;
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private int queuedBytes;
    private DatagramChannel channel;
    private Reader reader;
    private int pendingError;

    DatagramSocket(Network net, int domain) {
        super(net, domain);
    }

    @Override
    public int type() {
        return SOCK_DGRAM;
    }

    @Override
    public void bind(SockAddr a) throws ErrnoException {
        if (a.family() != domain) throw Errno.EAFNOSUPPORT.fail();
        synchronized (this) {
            if (local != null) throw Errno.EINVAL.fail("the socket is bound already");
        }
        DatagramChannel ch = net.bindUdp(this, a);
        synchronized (this) {
            channel = ch;
            local = a.withPort(ch.socket().getLocalPort());
        }
        startReader(ch);
    }

    private void startReader(DatagramChannel ch) throws ErrnoException {
        Reader r = new Reader(ch);
        synchronized (this) {
            reader = r;
        }
        NetPump pump = net.pump();
        pump.execute(() -> {
            try {
                r.key = pump.register(ch, SelectionKey.OP_READ, r);
            } catch (IOException e) {
                net.log("UDP: " + e.getMessage());
            }
        });
    }

    /** The pump's side: host datagrams into the queue. */
    private final class Reader implements NetPump.Client {
        final DatagramChannel ch;
        SelectionKey key;

        Reader(DatagramChannel ch) {
            this.ch = ch;
        }

        @Override
        public void ready(SelectionKey k) {
            ByteBuffer b = ByteBuffer.allocate(MAX_DATAGRAM + 1);
            for (int i = 0; i < 64; i++) {
                b.clear();
                InetSocketAddress from;
                try {
                    from = (InetSocketAddress) ch.receive(b);
                } catch (IOException e) {
                    synchronized (DatagramSocket.this) {
                        pendingError = Errno.ECONNREFUSED.code(); // an ICMP error on a connected socket
                    }
                    watchers.wake();
                    return;
                }
                if (from == null) return;
                b.flip();
                byte[] data = new byte[b.remaining()];
                b.get(data);
                deliver(data, SockAddr.of(from));
            }
        }
    }

    /** A datagram arrives (from the host, or from a socket of the instance); dropped when full. */
    void deliver(byte[] data, SockAddr from) {
        synchronized (this) {
            if (isClosed()) return;
            if (peer != null && !(peer.ip().equals(from.ip()) && peer.port() == from.port())) return; // connected: others are dropped
            if (queuedBytes + data.length > options.receiveBuffer && !queue.isEmpty()) return;
            queue.add(new Datagram(data, from));
            queuedBytes += data.length;
            notifyAll();
        }
        watchers.wake();
    }

    @Override
    public void connect(SockAddr a, boolean nonBlocking) throws ErrnoException {
        if (a.family() == SockAddr.AF_UNSPEC) { // dissolve the association
            synchronized (this) {
                peer = null;
            }
            return;
        }
        if (a.family() != domain) throw Errno.EAFNOSUPPORT.fail();
        if (net.localUdp(a) == null) net.checkSend(a);
        synchronized (this) {
            peer = a;
        }
    }

    @Override
    public int send(ByteBuffer src, int flags, SockAddr to, boolean nonBlocking) throws ErrnoException {
        SockAddr dst;
        synchronized (this) {
            dst = to != null ? to : peer;
        }
        if (dst == null) throw Errno.EDESTADDRREQ.fail("no destination");
        if (dst.family() != domain) throw Errno.EAFNOSUPPORT.fail();
        int n = src.remaining();
        if (n > MAX_DATAGRAM) throw Errno.EMSGSIZE.fail(n + " bytes");
        DatagramSocket target = net.localUdp(dst);
        if (target != null && target != this) {
            SockAddr from;
            synchronized (this) {
                if (local == null) local = net.bindUdpLocally(this, domain);
                from = local;
            }
            byte[] data = new byte[n];
            src.get(data);
            target.deliver(data, from);
            return n;
        }
        net.checkSend(dst);
        DatagramChannel ch;
        synchronized (this) {
            ch = channel;
        }
        if (ch == null) {
            ch = net.udpForSending(this, domain);
            synchronized (this) {
                if (channel == null) {
                    channel = ch;
                    local = SockAddr.any(domain, ch.socket().getLocalPort());
                } else {
                    net.closeQuietly(ch);
                    ch = channel;
                }
            }
            startReader(ch);
        }
        try {
            int sent = ch.send(src, dst.inet());
            if (sent == 0) throw Errno.EAGAIN.fail("the host's send buffer is full");
            return sent;
        } catch (IOException e) {
            throw Errno.EIO.fail(e.getMessage());
        }
    }

    @Override
    public Received receive(ByteBuffer dst, int flags, boolean nonBlocking) throws ErrnoException {
        if ((flags & MSG_OOB) != 0) throw Errno.EINVAL.fail("no out-of-band data");
        boolean nb = nonBlocking || (flags & MSG_DONTWAIT) != 0;
        Datagram d;
        synchronized (this) {
            long deadline = deadline(options.receiveTimeout);
            while (queue.isEmpty()) {
                if (pendingError != 0) {
                    int e = pendingError;
                    pendingError = 0;
                    throw Errno.of(e).fail("UDP");
                }
                if (nb) throw Errno.EAGAIN.fail("no datagram");
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
            d = (flags & MSG_PEEK) != 0 ? queue.peek() : queue.poll();
            if ((flags & MSG_PEEK) == 0) queuedBytes -= d.data.length;
        }
        int n = Math.min(dst.remaining(), d.data.length);
        dst.put(d.data, 0, n);
        boolean cut = n < d.data.length;
        watchers.wake();
        return new Received((flags & MSG_TRUNC) != 0 ? d.data.length : n, d.from, cut ? MSG_TRUNC : 0);
    }

    @Override
    public void shutdown(int how) throws ErrnoException {
        if (how < SHUT_RD || how > SHUT_RDWR) throw Errno.EINVAL.fail("how " + how);
        synchronized (this) {
            if (peer == null) throw Errno.ENOTCONN.fail("not connected");
        }
    }

    @Override
    public synchronized SockAddr localAddress() {
        return local != null ? local : SockAddr.any(domain, 0);
    }

    @Override
    public synchronized SockAddr peerAddress() throws ErrnoException {
        if (peer == null) throw Errno.ENOTCONN.fail("not connected");
        return peer;
    }

    @Override
    public synchronized int takeError() {
        int e = pendingError;
        pendingError = 0;
        return e;
    }

    @Override
    public synchronized int readable() {
        Datagram d = queue.peek();
        return d == null ? 0 : d.data.length; // Linux's FIONREAD on UDP: the next datagram's size
    }

    @Override
    public synchronized int pollEvents() {
        int ev = POLLOUT | POLLWRNORM;
        if (!queue.isEmpty()) ev |= POLLIN | POLLRDNORM;
        if (pendingError != 0) ev |= POLLERR;
        return ev;
    }

    @Override
    void release() {
        DatagramChannel ch;
        Reader r;
        synchronized (this) {
            ch = channel;
            r = reader;
            channel = null;
            queue.clear();
            queuedBytes = 0;
            notifyAll();
        }
        if (ch != null) {
            try {
                NetPump pump = net.pump();
                pump.execute(() -> {
                    if (r != null && r.key != null) r.key.cancel();
                    net.closeHost(ch);
                });
            } catch (ErrnoException e) {
                net.closeHost(ch); // the instance is ending: the pump closes everything anyway
            }
        }
    }
}
