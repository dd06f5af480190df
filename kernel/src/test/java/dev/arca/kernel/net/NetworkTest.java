package dev.arca.kernel.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.LinuxHost;
import dev.arca.kernel.fd.Pollable;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kernel's sockets, driven directly (the C tests drive them through the ABI). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    final List<String> security = new CopyOnWriteArrayList<>();
    final List<Network> networks = new CopyOnWriteArrayList<>();

    Network net(NetworkPolicy p) {
        Network n = new Network(new LinuxHost(), p, line -> { }, security::add);
        networks.add(n);
        return n;
    }

    @AfterEach
    void close() {
        networks.forEach(Network::close);
    }

    static NetworkPolicy listenAny() {
        return NetworkPolicy.builder().listen(LOOPBACK, 0, 0, null).build();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String read(Socket s, int max) throws ErrnoException {
        ByteBuffer b = ByteBuffer.allocate(max);
        int n = s.read(b, false);
        return new String(b.array(), 0, n, StandardCharsets.UTF_8);
    }

    static Errno errno(Call c) {
        return assertThrows(ErrnoException.class, c::run).errno();
    }

    interface Call {
        void run() throws Exception;
    }

    /** A listening socket on 127.0.0.1, any port. */
    static Socket listener(Network n) throws ErrnoException {
        Socket l = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(SockAddr.ip(LOOPBACK, 0));
        l.listen(16);
        return l;
    }

    @Test
    void connectionsInsideTheInstanceNeverTouchTheHost() throws Exception {
        Network n = net(listenAny());
        Socket l = listener(n);
        int port = l.localAddress().port();
        assertTrue(port > 0);
        assertEquals(1, n.hostSocketsOpen()); // the listener's host socket, for clients from outside
        Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(SockAddr.ip(LOOPBACK, port), false);
        Socket.Accepted a = l.accept(false);
        assertEquals(1, n.hostSocketsOpen(), "the connection stayed inside");
        assertEquals(c.localAddress(), a.peer());
        c.write(ByteBuffer.wrap(bytes("ping")), false);
        assertEquals("ping", read(a.socket(), 16));
        a.socket().write(ByteBuffer.wrap(bytes("pong")), false);
        assertEquals("pong", read(c, 16));
        // half-close: the server reads EOF after the rest, and can still answer
        c.write(ByteBuffer.wrap(bytes("last")), false);
        c.shutdown(Socket.SHUT_WR);
        assertTrue((a.socket().pollEvents() & Pollable.POLLRDHUP) != 0);
        assertEquals("last", read(a.socket(), 16));
        assertEquals("", read(a.socket(), 16));
        a.socket().write(ByteBuffer.wrap(bytes("bye")), false);
        assertEquals("bye", read(c, 16));
        assertEquals(Errno.EPIPE, errno(() -> c.write(ByteBuffer.wrap(bytes("x")), false)));
        a.socket().close();
        assertEquals("", read(c, 16));
        c.close();
        l.close();
        awaitNoHostSockets(n);
        assertEquals(0, n.socketsOpen());
    }

    @Test
    void nonBlockingCallsAndPoll() throws Exception {
        Network n = net(listenAny());
        Socket l = listener(n);
        assertEquals(Errno.EAGAIN, errno(() -> l.accept(true)));
        assertEquals(0, l.pollEvents() & Pollable.POLLIN);
        Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Pollable.POLLOUT | Pollable.POLLWRNORM | Pollable.POLLHUP, c.pollEvents(), "unconnected, as Linux");
        // inside the instance the connection is made at once, but reported as Linux reports a
        // non-blocking TCP connect: EINPROGRESS, then POLLOUT
        assertEquals(Errno.EINPROGRESS, errno(() -> c.connect(l.localAddress(), true)));
        assertTrue((c.pollEvents() & Pollable.POLLOUT) != 0);
        assertEquals(Errno.EISCONN, errno(() -> c.connect(l.localAddress(), true)));
        assertTrue((l.pollEvents() & Pollable.POLLIN) != 0);
        Socket s = l.accept(true).socket();
        assertEquals(Errno.EAGAIN, errno(() -> s.read(ByteBuffer.allocate(4), true)));
        assertEquals(Pollable.POLLOUT, s.pollEvents() & (Pollable.POLLIN | Pollable.POLLOUT));
        // fill the peer's buffer: a non-blocking write returns what fitted, then EAGAIN
        ByteBuffer big = ByteBuffer.allocate(1 << 20);
        int sent = c.write(big, true);
        assertTrue(sent > 0 && sent < big.capacity(), "partial: " + sent);
        assertEquals(Errno.EAGAIN, errno(() -> c.write(ByteBuffer.allocate(10), true)));
        assertEquals(0, c.pollEvents() & Pollable.POLLOUT);
        assertEquals(sent, s.readable());
    }

    @Test
    void unixSocketsAndPairs() throws Exception {
        Network n = net(NetworkPolicy.none());
        Socket l = n.open(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0);
        l.bind(SockAddr.unix("/run/app.sock"));
        Socket dup = n.open(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.EADDRINUSE, errno(() -> dup.bind(SockAddr.unix("/run/app.sock"))));
        Socket c = n.open(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.ECONNREFUSED, errno(() -> c.connect(SockAddr.unix("/run/app.sock"), false)), "bound, not listening");
        assertEquals(Errno.ENOENT, errno(() -> c.connect(SockAddr.unix("/run/none.sock"), false)));
        assertEquals(Errno.EINVAL, errno(() -> dup.bind(SockAddr.unix("relative.sock"))));
        l.listen(4);
        c.connect(SockAddr.unix("/run/app.sock"), false);
        Socket.Accepted a = l.accept(false);
        assertEquals(SockAddr.unnamedUnix(), a.peer());
        assertEquals("/run/app.sock", c.peerAddress().path());
        c.write(ByteBuffer.wrap(bytes("over unix")), false);
        assertEquals("over unix", read(a.socket(), 32));
        l.close();
        dup.bind(SockAddr.unix("/run/app.sock")); // the name is free once the listener is gone
        Socket[] p = n.pair(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0);
        p[0].write(ByteBuffer.wrap(bytes("pair")), false);
        assertEquals("pair", read(p[1], 8));
        assertEquals(Errno.ENOTSUP, errno(() -> n.pair(SockAddr.AF_INET, Socket.SOCK_STREAM, 0)));
        assertEquals(0, n.hostSocketsOpen());
    }

    @Test
    void nothingIsAllowedByDefault() throws Exception {
        Network n = net(NetworkPolicy.none());
        Socket s = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.EACCES, errno(() -> s.bind(SockAddr.ip(LOOPBACK, 8080))));
        assertEquals(Errno.EACCES, errno(() -> s.listen(1)), "an implicit bind needs the policy too");
        try (ServerSocket host = new ServerSocket(0, 1, LOOPBACK)) {
            assertEquals(Errno.EACCES, errno(() -> s.connect(SockAddr.ip(LOOPBACK, host.getLocalPort()), false)));
        }
        Socket u = n.open(SockAddr.AF_INET, Socket.SOCK_DGRAM, 0);
        assertEquals(Errno.EACCES, errno(() -> u.send(ByteBuffer.wrap(bytes("x")), 0, SockAddr.ip(LOOPBACK, 9), false)));
        assertEquals(4, security.size(), security.toString());
        assertEquals(0, n.hostSocketsOpen());
        assertEquals(Errno.ENOENT, errno(() -> n.resolve("example.com", 0)));
        assertEquals(List.of(LOOPBACK), n.resolve("localhost", SockAddr.AF_INET));
        assertEquals(List.of(InetAddress.getByAddress(new byte[] {10, 1, 2, 3})), n.resolve("10.1.2.3", 0));
    }

    @Test
    void portRangesAndConflicts() throws Exception {
        int base;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            base = probe.getLocalPort();
        }
        Network n = net(NetworkPolicy.builder().listen(LOOPBACK, base, base + 2, null).build());
        Socket a = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        a.bind(SockAddr.ip(LOOPBACK, 0)); // 0 picks one in the range
        assertTrue(a.localAddress().port() >= base && a.localAddress().port() <= base + 2);
        Socket b = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.EADDRINUSE, errno(() -> b.bind(SockAddr.ip(LOOPBACK, a.localAddress().port()))));
        assertEquals(Errno.EACCES, errno(() -> b.bind(SockAddr.ip(LOOPBACK, base + 3))));
    }

    /** A port has one listen rule: an overlap would leave a rule that never applies (an RA-TLS port served plain). */
    @Test
    void listenRulesMayNotOverlap() throws Exception {
        var b = NetworkPolicy.builder().listen(LOOPBACK, 8000, 9000, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.listen(LOOPBACK, 8443, 8443, null));
        assertTrue(e.getMessage().contains("listen 8443 overlaps the earlier listen 127.0.0.1:8000-9000 (plain TCP)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.listen(LOOPBACK, 7000, 8000, null));
        assertThrows(IllegalArgumentException.class, () -> b.listen(InetAddress.getByAddress(new byte[] {0, 0, 0, 0}), 9000, 9100, null));
        b.listen(LOOPBACK, 7000, 7999, null).listen(LOOPBACK, 9001, 9001, null).listen(LOOPBACK, 0, 0, null);
        assertThrows(IllegalArgumentException.class, () -> b.listen(LOOPBACK, 0, 0, null));
        assertEquals(4, b.build().listen().size());
        assertTrue(NetworkPolicy.Listen.overlap(5, 5, 1, 10) && !NetworkPolicy.Listen.overlap(0, 0, 1, 10) && !NetworkPolicy.Listen.overlap(1, 4, 5, 10));
    }

    /**
     * A destination that two connect rules allow, one plain and one RA-TLS (a broad plain range on
     * an address, and a name of the hosts table for that address with an attested port): refused,
     * not decided by the rules' order, which could reach an RA-TLS destination in plain TCP.
     * Rules that agree on TLS may overlap.
     */
    @Test
    void aConnectWhoseRulesDisagreeOnTlsIsRefused() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 50, LOOPBACK); ServerSocket attested = new ServerSocket(0, 50, LOOPBACK)) {
            int a = plain.getLocalPort(), b = attested.getLocalPort();
            var tls = new NetworkPolicy.Tls("ra-tls", "db.json", javax.net.ssl.SSLContext.getDefault());
            Network n = net(NetworkPolicy.builder().connect("127.0.0.1", 1, 65535, null).connect("db", b, b, tls)
                    .connect("localhost", a, a, null).host("db", List.of(LOOPBACK)).build());
            Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            assertEquals(Errno.EACCES, errno(() -> c.connect(SockAddr.ip(LOOPBACK, b), false)));
            assertTrue(security.getLast().contains("disagree on TLS") && security.getLast().contains("ra-tls"), security.toString());
            Socket d = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            d.connect(SockAddr.ip(LOOPBACK, a), false); // two plain rules: they agree
            try (var accepted = plain.accept()) {
                assertEquals(a, d.peerAddress().port());
            }
            // a datagram to the attested destination: refused (a datagram is not TLS); to the plain one: sent
            try (java.net.DatagramSocket hostUdp = new java.net.DatagramSocket(a, LOOPBACK)) {
                Socket u = n.open(SockAddr.AF_INET, Socket.SOCK_DGRAM, 0);
                assertEquals(Errno.EACCES, errno(() -> u.send(ByteBuffer.wrap(bytes("x")), 0, SockAddr.ip(LOOPBACK, b), false)));
                assertTrue(security.getLast().contains("a datagram is not TLS"), security.toString());
                assertEquals(1, u.send(ByteBuffer.wrap(bytes("y")), 0, SockAddr.ip(LOOPBACK, a), false));
                var got = new java.net.DatagramPacket(new byte[8], 8);
                hostUdp.setSoTimeout(20_000);
                hostUdp.receive(got);
                assertEquals("y", new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void hostConnectionsBothWays() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 50, LOOPBACK)) {
            Network n = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, null)
                    .connect("127.0.0.1", host.getLocalPort(), host.getLocalPort(), null).build());
            // out: the guest connects to a host server
            CompletableFuture<String> echo = CompletableFuture.supplyAsync(() -> {
                try (var s = host.accept()) {
                    byte[] b = s.getInputStream().readNBytes(5);
                    s.getOutputStream().write(b);
                    return new String(b, StandardCharsets.UTF_8);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(SockAddr.ip(LOOPBACK, host.getLocalPort()), false);
            c.write(ByteBuffer.wrap(bytes("hello")), false);
            assertEquals("hello", echo.get(20, TimeUnit.SECONDS));
            ByteBuffer got = ByteBuffer.allocate(5);
            assertEquals(5, c.receive(got, Socket.MSG_WAITALL, false).count());
            assertEquals("hello", new String(got.array(), StandardCharsets.UTF_8));
            assertEquals(host.getLocalPort(), c.peerAddress().port());
            // in: a host client connects to the guest's listening socket
            Socket l = listener(n);
            int port = l.localAddress().port();
            CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
                try (var s = new java.net.Socket(LOOPBACK, port)) {
                    s.getOutputStream().write(bytes("from the host"));
                    s.shutdownOutput();
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            Socket.Accepted a = l.accept(false);
            assertEquals(SockAddr.AF_INET, a.peer().family());
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(64);
            for (int r; (r = a.socket().read(b.clear(), false)) > 0; ) all.write(b.array(), 0, r);
            assertEquals("from the host", all.toString(StandardCharsets.UTF_8));
            a.socket().write(ByteBuffer.wrap(bytes("answer")), false);
            a.socket().close();
            assertEquals("answer", client.get(20, TimeUnit.SECONDS));
            c.close();
            l.close();
            awaitNoHostSockets(n);
        }
    }

    /**
     * A host peer that sends more than the guest's buffer holds is held back while the guest does
     * not read (the pump stops reading the host), and goes on when the guest reads again: nothing
     * is lost, nothing waits for a timer. Repeated, so that the guest's read meets the pump at
     * every point of its stop.
     */
    @Test
    void aHostSenderHeldBackByAFullBufferGoesOnWhenTheGuestReads() throws Exception {
        Network n = net(listenAny());
        Socket l = listener(n);
        int port = l.localAddress().port();
        byte[] data = new byte[8 << 20];
        new java.util.Random(3).nextBytes(data);
        CompletableFuture<String> sender = CompletableFuture.supplyAsync(() -> {
            try (var s = new java.net.Socket(LOOPBACK, port)) {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return "sent";
            } catch (Exception e) {
                return e.toString();
            }
        });
        StreamSocket a = (StreamSocket) l.accept(false).socket();
        StreamBuffer in = a.endpoint().in;
        long until = System.nanoTime() + 20_000_000_000L;
        while (in.room() > 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(0, in.room(), "the guest's buffer filled while it did not read");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(3000); // small reads: the buffer is full, then not, many times
        for (int r; (r = a.read(b.clear(), false)) > 0; ) got.write(b.array(), 0, r);
        assertEquals("sent", sender.get(20, TimeUnit.SECONDS));
        assertArrayEquals(data, got.toByteArray());
        a.close();
        l.close();
        awaitNoHostSockets(n);
    }

    /**
     * Options set after connect or accept reach the host socket (servers set TCP_NODELAY on each
     * accepted connection; left on the listener's default, Nagle's algorithm met delayed ACKs and
     * a kept-alive response waited 40 ms), and an accepted connection inherits the listener's.
     */
    @Test
    void optionsReachTheHostSocketAfterConnectAndAccept() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 50, LOOPBACK)) {
            Network n = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, null)
                    .connect("127.0.0.1", host.getLocalPort(), host.getLocalPort(), null).build());
            StreamSocket c = (StreamSocket) n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(SockAddr.ip(LOOPBACK, host.getLocalPort()), false);
            try (var peer = host.accept()) {
                HostStream out = (HostStream) c.endpoint();
                assertFalse(out.channel.getOption(java.net.StandardSocketOptions.TCP_NODELAY));
                synchronized (c) {
                    c.options().noDelay = true;
                    c.options().keepAlive = true;
                    c.options().sendBuffer = 12345;
                }
                c.optionsChanged();
                assertTrue(out.channel.getOption(java.net.StandardSocketOptions.TCP_NODELAY));
                assertTrue(out.channel.getOption(java.net.StandardSocketOptions.SO_KEEPALIVE));
                assertEquals(12345, out.out.capacity());
            }
            StreamSocket l = (StreamSocket) listener(n);
            synchronized (l) {
                l.options().noDelay = true;
            }
            int port = l.localAddress().port();
            try (var client = new java.net.Socket(LOOPBACK, port)) {
                StreamSocket a = (StreamSocket) l.accept(false).socket();
                assertTrue(a.options().noDelay, "inherited from the listener");
                assertTrue(((HostStream) a.endpoint()).channel.getOption(java.net.StandardSocketOptions.TCP_NODELAY));
                a.close();
            }
            c.close();
            l.close();
            awaitNoHostSockets(n);
        }
    }

    /**
     * A guest's sends to a host peer go to the host socket directly while nothing is queued and
     * through the pump once the host stops taking them (a reader that pauses); the peer gets every
     * byte in order either way, and a close after a queued tail still delivers the tail.
     */
    @Test
    void sendsToTheHostKeepTheirOrderWhetherDirectOrQueued() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 50, LOOPBACK)) {
            Network n = net(NetworkPolicy.builder().connect("127.0.0.1", host.getLocalPort(), host.getLocalPort(), null).build());
            int total = 24 << 20;
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (var s = host.accept()) {
                    s.setReceiveBufferSize(64 * 1024);
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    byte[] b = new byte[8192];
                    for (int r, reads = 0; (r = in.read(b)) > 0; reads++) {
                        all.write(b, 0, r);
                        if (reads % 512 == 0) Thread.sleep(30); // pauses: the host's buffers fill, sends queue
                    }
                    return all.toByteArray();
                } catch (Exception e) {
                    return new byte[0];
                }
            });
            Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(SockAddr.ip(LOOPBACK, host.getLocalPort()), false);
            byte[] data = new byte[total];
            new java.util.Random(42).nextBytes(data);
            java.util.Random sizes = new java.util.Random(7);
            int off = 0;
            boolean sawAgain = false;
            while (off < total) {
                int len = Math.min(total - off, 1 + sizes.nextInt(100_000));
                boolean nonBlocking = sizes.nextBoolean();
                try {
                    off += c.write(ByteBuffer.wrap(data, off, len), nonBlocking);
                } catch (ErrnoException e) {
                    assertEquals(Errno.EAGAIN, e.errno());
                    sawAgain = true;
                    Thread.sleep(1);
                }
            }
            c.close();
            assertTrue(sawAgain, "the host stopped taking bytes at some point (the queued path was used)");
            assertArrayEquals(data, got.get(60, TimeUnit.SECONDS));
            awaitNoHostSockets(n);
        }
    }

    @Test
    void nonBlockingConnectToAClosedPort() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            closed = probe.getLocalPort();
        }
        Network n = net(NetworkPolicy.builder().connect("127.0.0.1", closed, closed, null).build());
        Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.EINPROGRESS, errno(() -> c.connect(SockAddr.ip(LOOPBACK, closed), true)));
        long until = System.nanoTime() + 10_000_000_000L;
        while ((c.pollEvents() & Pollable.POLLERR) == 0 && System.nanoTime() < until) Thread.sleep(5);
        assertTrue((c.pollEvents() & Pollable.POLLOUT) != 0);
        assertEquals(Errno.ECONNREFUSED.code(), c.takeError());
        assertEquals(0, c.takeError(), "SO_ERROR is cleared by reading it");
        Socket d = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.ECONNREFUSED, errno(() -> d.connect(SockAddr.ip(LOOPBACK, closed), false)));
    }

    @Test
    void udpInsideAndThroughTheHost() throws Exception {
        Network n = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, null).build());
        Socket a = n.open(SockAddr.AF_INET, Socket.SOCK_DGRAM, 0);
        a.bind(SockAddr.ip(LOOPBACK, 0));
        Socket b = n.open(SockAddr.AF_INET, Socket.SOCK_DGRAM, 0);
        b.send(ByteBuffer.wrap(bytes("datagram one")), 0, a.localAddress(), false);
        ByteBuffer small = ByteBuffer.allocate(8);
        Socket.Received r = a.receive(small, 0, false);
        assertEquals(8, r.count());
        assertEquals(Socket.MSG_TRUNC, r.flags());
        assertEquals(b.localAddress(), r.from());
        b.send(ByteBuffer.wrap(bytes("two")), 0, a.localAddress(), false);
        assertEquals(3, a.receive(ByteBuffer.allocate(64), Socket.MSG_PEEK, false).count());
        assertEquals(3, a.readable());
        assertEquals(3, a.receive(ByteBuffer.allocate(64), 0, false).count());
        assertEquals(Errno.EAGAIN, errno(() -> a.receive(ByteBuffer.allocate(4), 0, true)));
        // from the host
        try (java.net.DatagramSocket host = new java.net.DatagramSocket(0, LOOPBACK)) {
            byte[] d = bytes("from the host");
            host.send(new java.net.DatagramPacket(d, d.length, new InetSocketAddress(LOOPBACK, a.localAddress().port())));
            ByteBuffer got = ByteBuffer.allocate(64);
            Socket.Received h = a.receive(got, 0, false);
            assertEquals("from the host", new String(got.array(), 0, h.count(), StandardCharsets.UTF_8));
            assertEquals(host.getLocalPort(), h.from().port());
        }
    }

    @Test
    void aBlockedAcceptEndsWhenTheSocketCloses() throws Exception {
        Network n = net(listenAny());
        Socket l = listener(n);
        CompletableFuture<Errno> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                l.accept(false);
                return Errno.SUCCESS;
            } catch (ErrnoException e) {
                return e.errno();
            }
        });
        Thread.sleep(100);
        l.close();
        assertEquals(Errno.EINVAL, blocked.get(10, TimeUnit.SECONDS));
    }

    @Test
    void theSocketLimit() throws Exception {
        Network n = net(NetworkPolicy.builder().sockets(3).build());
        n.open(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0);
        n.pair(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.ENFILE, errno(() -> n.open(SockAddr.AF_UNIX, Socket.SOCK_STREAM, 0)));
        assertEquals(Errno.EAFNOSUPPORT, errno(() -> n.open(17, Socket.SOCK_STREAM, 0)));
        assertEquals(Errno.EPROTONOSUPPORT, errno(() -> n.open(SockAddr.AF_UNIX, Socket.SOCK_DGRAM, 0)));
    }

    @Test
    void addressesRoundTrip() throws Exception {
        SockAddr v4 = SockAddr.ip(InetAddress.getByAddress(new byte[] {10, 0, 0, 7}), 8080);
        assertEquals(v4, SockAddr.decode(v4.encode(SockAddr.AF_INET), SockAddr.AF_INET));
        byte[] enc = v4.encode(SockAddr.AF_INET);
        assertEquals(16, enc.length);
        assertEquals(0x1f, enc[2] & 0xFF); // 8080 in network order
        assertEquals(0x90, enc[3] & 0xFF);
        SockAddr v6 = SockAddr.ip(InetAddress.getByName("::1"), 443);
        assertEquals(v6, SockAddr.decode(v6.encode(SockAddr.AF_INET6), SockAddr.AF_INET6));
        SockAddr un = SockAddr.unix("/tmp/s");
        assertEquals(un, SockAddr.decode(un.encode(SockAddr.AF_UNIX), SockAddr.AF_UNIX));
        SockAddr abs = SockAddr.unix("\0hidden");
        assertEquals(abs, SockAddr.decode(abs.encode(SockAddr.AF_UNIX), SockAddr.AF_UNIX));
        assertEquals(Errno.EINVAL, errno(() -> SockAddr.decode(new byte[] {1, 0, 0}, SockAddr.AF_INET)));
        assertEquals(Errno.EAFNOSUPPORT, errno(() -> SockAddr.decode(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, SockAddr.AF_INET)));
        assertArrayEquals(new byte[] {3, 0}, SockAddr.unnamedUnix().encode(SockAddr.AF_UNIX));
        assertNotEquals(v4, v4.withPort(1));
        assertFalse(v4.isUnix());
    }

    /**
     * A cluster service's copy whose lease lapses (docs/cluster.md, "Services") answers no one:
     * once its wait is over (none here), its sends on a host connection fail with ECONNRESET, its
     * connects with ECONNREFUSED, its datagrams with ENETUNREACH (bytes it queued while the lease
     * held still go out); inside the instance nothing changes; when the lease is renewed it
     * answers again. One log line per change.
     */
    @Test
    void aLapsedLeaseRefusesEverySendToTheHostUntilRenewed() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        var held = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (ServerSocket host = new ServerSocket(0, 50, LOOPBACK)) {
            NetworkPolicy p = NetworkPolicy.builder().listen(LOOPBACK, 0, 0, null)
                    .connect("127.0.0.1", 1, 65535, null).build();
            Network n = new Network(new LinuxHost(), p, log::add, security::add);
            networks.add(n);
            n.setLease(held::get, 0);
            Socket l = listener(n);
            int port = l.localAddress().port();
            try (var client = new java.net.Socket(LOOPBACK, port)) {
                client.setSoTimeout(20_000);
                Socket a = l.accept(false).socket();
                a.write(ByteBuffer.wrap(bytes("before\n")), false);
                held.set(false);
                assertEquals(Errno.ECONNRESET, errno(() -> a.write(ByteBuffer.wrap(bytes("stale\n")), false)));
                assertEquals(Errno.ECONNRESET, errno(() -> a.write(ByteBuffer.wrap(bytes("stale\n")), false)));
                Socket out = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
                assertEquals(Errno.ECONNREFUSED, errno(() -> out.connect(SockAddr.ip(LOOPBACK, host.getLocalPort()), false)));
                Socket udp = n.open(SockAddr.AF_INET, Socket.SOCK_DGRAM, 0);
                assertEquals(Errno.ENETUNREACH, errno(() -> udp.send(ByteBuffer.wrap(bytes("x")), 0, SockAddr.ip(LOOPBACK, host.getLocalPort()), false)));
                // inside the instance: no lease needed (nothing leaves)
                Socket c = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
                c.connect(SockAddr.ip(LOOPBACK, port), false);
                Socket inside = l.accept(false).socket();
                c.write(ByteBuffer.wrap(bytes("ping")), false);
                assertEquals("ping", read(inside, 16));
                held.set(true);
                a.write(ByteBuffer.wrap(bytes("after\n")), false);
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("before", in.readLine());
                assertEquals("after", in.readLine(), "nothing sent while the lease had lapsed reached the client");
                a.close();
                c.close();
                inside.close();
                out.close();
                udp.close();
            }
            l.close();
            assertEquals(3, log.stream().filter(line -> line.contains("lease")).count(), String.join("\n", log));
            assertTrue(log.stream().anyMatch(line -> line.contains("the lease has lapsed")), String.join("\n", log));
            assertTrue(log.stream().anyMatch(line -> line.contains("are refused until")), String.join("\n", log));
            awaitNoHostSockets(n);
        }
    }

    /**
     * A lapse that a renewal ends within the wait ({@link Network#LEASE_WAIT_MILLIS} after the
     * lapse) costs the copy's clients a pause, not a reset: the send waits and then goes out. A
     * lease that lapsed longer ago than the wait is refused at once (a copy cut off for good does
     * not stall every send), and a thread interrupted while it waits gets EINTR with nothing sent.
     */
    @Test
    void aSendWaitsForALeaseRenewedWithinTheWait() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        var held = new java.util.concurrent.atomic.AtomicBoolean(true);
        var lapsedAt = new java.util.concurrent.atomic.AtomicLong();
        Lease lease = new Lease() {
            @Override
            public boolean held() {
                return held.get();
            }

            @Override
            public long lapsedSince() {
                return lapsedAt.get();
            }
        };
        NetworkPolicy p = NetworkPolicy.builder().listen(LOOPBACK, 0, 0, null).build();
        Network n = new Network(new LinuxHost(), p, log::add, security::add);
        networks.add(n);
        n.setLease(lease, 2_000);
        Socket l = listener(n);
        try (var client = new java.net.Socket(LOOPBACK, l.localAddress().port())) {
            client.setSoTimeout(20_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            Socket a = l.accept(false).socket();
            // lapsed now, renewed 300 ms later: the send waits for it
            lapsedAt.set(System.nanoTime());
            held.set(false);
            var renewer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                held.set(true);
            });
            long t0 = System.nanoTime();
            a.write(ByteBuffer.wrap(bytes("waited\n")), false);
            long waited = (System.nanoTime() - t0) / 1_000_000;
            renewer.join();
            assertTrue(waited >= 250, "the send went out while the lease had lapsed (after " + waited + " ms)");
            assertEquals("waited", in.readLine());
            // lapsed 5 s ago, past the wait: refused at once, and stays refused until renewed
            lapsedAt.set(System.nanoTime() - 5_000_000_000L);
            held.set(false);
            t0 = System.nanoTime();
            assertEquals(Errno.ECONNRESET, errno(() -> a.write(ByteBuffer.wrap(bytes("stale\n")), false)));
            assertEquals(Errno.ECONNRESET, errno(() -> a.write(ByteBuffer.wrap(bytes("stale\n")), false)));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000, "a lease lapsed past its wait stalled the send");
            // lapsed now, never renewed; the waiting thread is interrupted: EINTR, nothing sent
            lapsedAt.set(System.nanoTime());
            var failed = new java.util.concurrent.atomic.AtomicReference<Errno>();
            var sender = Thread.ofPlatform().start(() -> failed.set(errno(() -> a.write(ByteBuffer.wrap(bytes("stale\n")), false))));
            Thread.sleep(100);
            sender.interrupt();
            sender.join(5_000);
            assertEquals(Errno.EINTR, failed.get());
            held.set(true);
            a.write(ByteBuffer.wrap(bytes("after\n")), false);
            assertEquals("after", in.readLine(), "nothing sent while the lease had lapsed reached the client");
            a.close();
        }
        l.close();
        // lapsed, held again; lapsed, refused; held again (the interrupted wait, in the same lapse, says nothing)
        assertEquals(5, log.stream().filter(line -> line.contains("lease")).count(), String.join("\n", log));
        awaitNoHostSockets(n);
    }

    /** Host sockets are closed by the pump, a moment after the guest's close. */
    static void awaitNoHostSockets(Network n) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (n.hostSocketsOpen() > 0 && System.nanoTime() < until) Thread.sleep(10);
        assertEquals(0, n.hostSocketsOpen(), "no host socket leaked");
    }

    /** A host client that connects, sends and waits for the other side to close; returns what it read. */
    static String hostClient(int port, byte[] send) throws Exception {
        try (var s = new java.net.Socket(LOOPBACK, port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(send);
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
