package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;

/**
 * The host side of a guest's listening IP socket: the pump accepts host connections while the
 * guest's backlog has room, runs the TLS handshake when the port is attested, and only then offers
 * the connection to the guest's socket. Connections still in their handshake count against the
 * backlog too, so a flood of silent clients cannot grow without bound.
 */
final class HostListener implements NetPump.Client, HostStream.Owner {
    /** Most connections in a TLS handshake at once per listening socket. */
    private static final int MAX_HANDSHAKING = 256;

    private final Network net;
    private final NetPump pump;
    private final ServerSocketChannel channel;
    private final StreamSocket socket;
    private final NetworkPolicy.Tls tls;
    private final int domain;
    private SelectionKey key; // pump thread
    private final Set<HostStream> handshaking = new HashSet<>(); // pump thread
    private final AtomicBoolean updateQueued = new AtomicBoolean();
    private volatile boolean closed;

    HostListener(Network net, NetPump pump, ServerSocketChannel channel, StreamSocket socket, NetworkPolicy.Tls tls) {
        this.net = net;
        this.pump = pump;
        this.channel = channel;
        this.socket = socket;
        this.tls = tls;
        this.domain = socket.domain;
        pump.execute(() -> {
            try {
                key = pump.register(channel, SelectionKey.OP_ACCEPT, this);
            } catch (IOException e) {
                net.log("cannot listen on " + channel + ": " + e.getMessage());
            }
        });
    }

    void requestUpdate() {
        if (updateQueued.compareAndSet(false, true)) pump.execute(this::update);
    }

    private void update() {
        updateQueued.set(false);
        if (closed || key == null || !key.isValid()) return;
        boolean room = socket.hasRoom() && handshaking.size() < MAX_HANDSHAKING;
        key.interestOps(room ? SelectionKey.OP_ACCEPT : 0);
    }

    @Override
    public void ready(SelectionKey k) {
        while (!closed && socket.hasRoom() && handshaking.size() < MAX_HANDSHAKING) {
            SocketChannel c;
            try {
                c = channel.accept();
            } catch (IOException e) {
                net.log("accept: " + e.getMessage());
                break;
            }
            if (c == null) break;
            try {
                c.configureBlocking(false);
                SSLEngine engine = null;
                if (tls != null) {
                    InetSocketAddress peer = (InetSocketAddress) c.getRemoteAddress();
                    engine = tls.context().createSSLEngine(peer.getAddress().getHostAddress(), peer.getPort());
                    engine.setUseClientMode(false);
                    engine.setNeedClientAuth(true);
                    engine.setEnabledProtocols(new String[] {"TLSv1.3"});
                }
                SocketOptions o = socket.options();
                int rcv, snd;
                synchronized (socket) {
                    rcv = o.receiveBuffer;
                    snd = o.sendBuffer;
                }
                HostStream s = new HostStream(net, pump, c, engine, tls == null ? "" : tls.kind(), rcv, snd, this);
                net.hostSocketOpened();
                if (engine != null) handshaking.add(s);
                s.start(false);
            } catch (IOException | RuntimeException e) {
                net.closeQuietly(c);
            }
        }
        update();
    }

    private String localName() {
        try {
            return String.valueOf(channel.getLocalAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    /** A host connection is up (after its handshake): offer it to the guest. */
    @Override
    public void established(HostStream s) {
        handshaking.remove(s);
        InetSocketAddress l = s.localAddress(), r = s.remoteAddress();
        SockAddr local = l == null ? socket.localAddress() : SockAddr.of(l);
        SockAddr guestLocal = socket.localAddress();
        if (guestLocal.isAnyAddress() || l == null) local = guestLocal.withPort(l == null ? guestLocal.port() : l.getPort());
        SockAddr peer = r == null ? SockAddr.any(domain, 0) : SockAddr.of(r);
        if (domain == SockAddr.AF_INET6 && peer.family() == SockAddr.AF_INET) peer = new SockAddr(SockAddr.AF_INET6, peer.ip(), peer.port(), null);
        s.setOwner(null);
        if (!socket.offer(new StreamSocket.Pending(s, local, peer))) s.close(true);
        update();
    }

    /** A host connection failed before it was offered (its TLS handshake, mostly). */
    @Override
    public void failed(HostStream s, Errno errno, String why) {
        handshaking.remove(s);
        InetSocketAddress r = s.remoteAddress();
        if (tls != null) net.security("refused a client of " + localName() + (r == null ? "" : " from " + r) + ": " + why);
        update();
    }

    void close() {
        closed = true;
        pump.execute(() -> {
            if (key != null) key.cancel();
            net.closeHost(channel);
            for (HostStream s : handshaking) s.close(true);
            handshaking.clear();
        });
    }
}
