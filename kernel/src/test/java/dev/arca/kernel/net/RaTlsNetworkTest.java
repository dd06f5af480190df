package dev.arca.kernel.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.attestation.Attestation;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsContext;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.host.LinuxHost;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transparent RA-TLS between instances: the guests speak plain TCP, the wire carries TLS 1.3 only,
 * each side checks the other's evidence in the handshake, and every peer that fails the policy
 * (wrong measurement, no certificate, plain TCP, plain TLS, an old protocol) is refused without
 * seeing a byte of the guest's data.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RaTlsNetworkTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String SECRET = "ARCA-PLAINTEXT-MARKER-7f3a9c";
    @TempDir
    Path config;
    final List<String> security = new CopyOnWriteArrayList<>();
    final List<Network> networks = new CopyOnWriteArrayList<>();
    byte[] mServer, mClient, mImpostor;

    @BeforeEach
    void measurements() {
        mServer = measurement(1);
        mClient = measurement(2);
        mImpostor = measurement(3);
    }

    @AfterEach
    void close() {
        networks.forEach(Network::close);
    }

    static byte[] measurement(int seed) {
        byte[] m = new byte[32];
        m[0] = (byte) seed;
        return m;
    }

    /** An RA-TLS context with sim evidence of {@code measurement}, accepting peers of {@code peers}. */
    NetworkPolicy.Tls tls(byte[] measurement, byte[]... peers) throws Exception {
        SimProvider sim = new SimProvider(new LinuxHost(), config, measurement);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate cert = RaTlsCertificate.create(k, sim, "test", now.minusSeconds(300), now.plusSeconds(86400));
        List<String> allowed = java.util.Arrays.stream(peers).map(HexFormat.of()::formatHex).toList();
        Policy p = new Policy(allowed, null, null, false, true, null);
        RaTlsTrustManager tm = new RaTlsTrustManager(new Attestation(List.of(sim.root())), p, Clock.systemUTC(), v -> { });
        return new NetworkPolicy.Tls("ra-tls", "test-policy", RaTlsContext.create(k, cert, tm));
    }

    Network net(NetworkPolicy p) {
        Network n = new Network(new LinuxHost(), p, line -> System.err.println("network: " + line), security::add);
        networks.add(n);
        return n;
    }

    /** A guest listener on an RA-TLS port; returns it. */
    Socket tlsServer(Network n) throws ErrnoException {
        Socket l = n.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(SockAddr.ip(LOOPBACK, 0));
        l.listen(8);
        return l;
    }

    /** A TCP relay that records every byte in both directions (what a host administrator sees). */
    static final class Tap implements AutoCloseable {
        final ServerSocket listen;
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        final Thread thread;

        Tap(int target) throws Exception {
            listen = new ServerSocket(0, 4, LOOPBACK);
            thread = Thread.ofPlatform().daemon().start(() -> {
                try (var a = listen.accept(); var b = new java.net.Socket(LOOPBACK, target)) {
                    Thread up = Thread.ofPlatform().daemon().start(() -> copy(a, b));
                    copy(b, a);
                    up.join();
                } catch (Exception e) {
                    // the test ends the connection
                }
            });
        }

        void copy(java.net.Socket from, java.net.Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (seen) {
                        seen.write(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                }
                to.shutdownOutput();
            } catch (Exception e) {
                // closed
            }
        }

        int port() {
            return listen.getLocalPort();
        }

        String seen() {
            synchronized (seen) {
                return seen.toString(StandardCharsets.ISO_8859_1);
            }
        }

        @Override
        public void close() throws Exception {
            listen.close();
        }
    }

    static String readAll(Socket s) throws ErrnoException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(256);
        for (int r; (r = s.read(b.clear(), false)) > 0; ) all.write(b.array(), 0, r);
        return all.toString(StandardCharsets.UTF_8);
    }

    @Test
    void attestedInstancesTalkAndTheWireCarriesNoPlaintext() throws Exception {
        Network server = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, tls(mServer, mClient)).build());
        Socket l = tlsServer(server);
        try (Tap tap = new Tap(l.localAddress().port())) {
            Network client = net(NetworkPolicy.builder().connect("127.0.0.1", tap.port(), tap.port(), tls(mClient, mServer)).build());
            Socket c = client.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(SockAddr.ip(LOOPBACK, tap.port()), false); // returns after the handshake
            Socket s = l.accept(false).socket();
            c.write(ByteBuffer.wrap((SECRET + " request").getBytes(StandardCharsets.UTF_8)), false);
            c.shutdown(Socket.SHUT_WR);
            assertEquals(SECRET + " request", readAll(s));
            s.write(ByteBuffer.wrap((SECRET + " answer").getBytes(StandardCharsets.UTF_8)), false);
            s.close();
            assertEquals(SECRET + " answer", readAll(c));
            c.close();
            String wire = tap.seen();
            assertTrue(wire.length() > 1000, "a TLS handshake went through the tap: " + wire.length());
            assertFalse(wire.contains(SECRET), "plaintext on the wire");
            assertFalse(wire.contains("request") || wire.contains("answer"), "plaintext on the wire");
        }
        assertEquals(List.of(), security);
    }

    /**
     * A long RA-TLS stream to a reader that pauses: the sender's buffers fill (EAGAIN for its
     * non-blocking writes), the pump wraps what it can as the peer takes it, and with a close
     * right after the last write the peer gets every byte, in order.
     */
    @Test
    void aLongStreamToASlowReaderArrivesWholeAndInOrder() throws Exception {
        Network server = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, tls(mServer, mClient)).build());
        Socket l = tlsServer(server);
        int port = l.localAddress().port();
        Network client = net(NetworkPolicy.builder().connect("127.0.0.1", port, port, tls(mClient, mServer)).build());
        Socket c = client.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(SockAddr.ip(LOOPBACK, port), false);
        Socket s = l.accept(false).socket();
        byte[] data = new byte[12 << 20];
        new java.util.Random(11).nextBytes(data);
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(8192);
            try {
                for (int r, reads = 0; (r = s.read(b.clear(), false)) > 0; reads++) {
                    all.write(b.array(), 0, r);
                    if (reads % 256 == 0) Thread.sleep(20); // the sender's buffers fill meanwhile
                }
            } catch (Exception e) {
                return new byte[0];
            }
            return all.toByteArray();
        });
        java.util.Random sizes = new java.util.Random(5);
        int off = 0;
        boolean sawAgain = false;
        while (off < data.length) {
            int len = Math.min(data.length - off, 1 + sizes.nextInt(70_000));
            try {
                off += c.write(ByteBuffer.wrap(data, off, len), sizes.nextBoolean());
            } catch (ErrnoException e) {
                assertEquals(Errno.EAGAIN, e.errno());
                sawAgain = true;
                Thread.sleep(1);
            }
        }
        c.close();
        assertTrue(sawAgain, "the peer fell behind at some point");
        assertArrayEquals(data, got.get(60, TimeUnit.SECONDS));
        s.close();
        assertEquals(List.of(), security);
    }

    @Test
    void anImpostorClientIsRefusedAndNeverAccepted() throws Exception {
        Network server = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, tls(mServer, mClient)).build());
        Socket l = tlsServer(server);
        int port = l.localAddress().port();
        Network impostor = net(NetworkPolicy.builder().connect("127.0.0.1", port, port, tls(mImpostor, mServer)).build());
        Socket c = impostor.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        // In TLS 1.3 the client's side of the handshake ends before the server has checked the
        // client's certificate: the impostor's connect may succeed, and its first read fails.
        try {
            c.connect(SockAddr.ip(LOOPBACK, port), false);
            c.write(ByteBuffer.wrap(SECRET.getBytes(StandardCharsets.UTF_8)), false);
            ErrnoException e = assertThrows(ErrnoException.class, () -> {
                if (c.read(ByteBuffer.allocate(16), false) == 0) throw Errno.ECONNRESET.fail("end of stream");
            });
            assertTrue(e.errno() == Errno.ECONNRESET || e.errno() == Errno.EPIPE, e.toString());
        } catch (ErrnoException e) {
            assertTrue(e.errno() == Errno.ECONNRESET || e.errno() == Errno.EPROTO || e.errno() == Errno.EACCES, e.toString());
        }
        Thread.sleep(300);
        assertEquals(Errno.EAGAIN, assertThrows(ErrnoException.class, () -> l.accept(true)).errno(), "the guest never saw it");
        awaitSecurityLine("refused a client");
    }

    @Test
    void aServerWithTheWrongMeasurementIsRefusedWithEacces() throws Exception {
        // the server is an impostor: its own policy would accept the client, but the client wants mServer
        Network server = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, tls(mImpostor, mClient)).build());
        Socket l = tlsServer(server);
        int port = l.localAddress().port();
        Network client = net(NetworkPolicy.builder().connect("127.0.0.1", port, port, tls(mClient, mServer)).build());
        Socket c = client.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.EACCES, assertThrows(ErrnoException.class, () -> c.connect(SockAddr.ip(LOOPBACK, port), false)).errno());
        awaitSecurityLine("refused the server");
        // non-blocking: EINPROGRESS, then POLLERR and SO_ERROR = EACCES
        Socket d = client.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        assertEquals(Errno.EINPROGRESS, assertThrows(ErrnoException.class, () -> d.connect(SockAddr.ip(LOOPBACK, port), true)).errno());
        long until = System.nanoTime() + 20_000_000_000L;
        while ((d.pollEvents() & dev.arca.kernel.fd.Pollable.POLLERR) == 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(Errno.EACCES.code(), d.takeError());
    }

    @Test
    void plainTcpPlainTlsAndOldProtocolsAreRefused() throws Exception {
        Network server = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, tls(mServer, mClient)).build());
        Socket l = tlsServer(server);
        int port = l.localAddress().port();
        // plain TCP: an HTTP request
        try (var s = new java.net.Socket(LOOPBACK, port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] back = s.getInputStream().readAllBytes();
            assertFalse(new String(back, StandardCharsets.ISO_8859_1).contains("HTTP"), "no guest bytes");
        } catch (java.net.SocketException reset) {
            // refused by a reset: as good
        }
        // plain TLS: a client that trusts anything but has no certificate of its own
        SSLContext plain = SSLContext.getInstance("TLSv1.3");
        plain.init(null, new TrustManager[] {trustAll()}, new SecureRandom());
        assertThrows(Exception.class, () -> {
            try (SSLSocket s = (SSLSocket) plain.getSocketFactory().createSocket(LOOPBACK, port)) {
                s.setSoTimeout(20_000);
                s.startHandshake();
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
                if (s.getInputStream().read() < 0) throw new java.io.EOFException("closed");
            }
        });
        // a downgrade: TLS 1.2 only
        SSLContext old = SSLContext.getInstance("TLSv1.2");
        old.init(null, new TrustManager[] {trustAll()}, new SecureRandom());
        assertThrows(Exception.class, () -> {
            try (SSLSocket s = (SSLSocket) old.getSocketFactory().createSocket(LOOPBACK, port)) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setSoTimeout(20_000);
                s.startHandshake();
            }
        });
        Thread.sleep(300);
        assertEquals(Errno.EAGAIN, assertThrows(ErrnoException.class, () -> l.accept(true)).errno(), "no refused peer reaches the guest");
        awaitSecurityLine("refused a client");
        // and an honest client still gets in afterwards
        Network client = net(NetworkPolicy.builder().connect("127.0.0.1", port, port, tls(mClient, mServer)).build());
        Socket c = client.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(SockAddr.ip(LOOPBACK, port), false);
        assertTrue(l.accept(false).socket() != null);
    }

    @Test
    void aSilentClientCannotHoldTheHandshakeForever() throws Exception {
        Network server = net(NetworkPolicy.builder().listen(LOOPBACK, 0, 0, tls(mServer, mClient)).build());
        Socket l = tlsServer(server);
        int port = l.localAddress().port();
        java.net.Socket[] silent = new java.net.Socket[50];
        for (int i = 0; i < silent.length; i++) silent[i] = new java.net.Socket(LOOPBACK, port);
        try {
            Network client = net(NetworkPolicy.builder().connect("127.0.0.1", port, port, tls(mClient, mServer)).build());
            Socket c = client.open(SockAddr.AF_INET, Socket.SOCK_STREAM, 0);
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try {
                    c.connect(SockAddr.ip(LOOPBACK, port), false);
                } catch (ErrnoException e) {
                    throw new IllegalStateException(e);
                }
            });
            done.get(30, TimeUnit.SECONDS); // served while 50 others say nothing
            assertTrue(l.accept(false).socket() != null);
        } finally {
            for (var s : silent) s.close();
        }
    }

    void awaitSecurityLine(String fragment) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (security.stream().noneMatch(s -> s.contains(fragment)) && System.nanoTime() < until) Thread.sleep(10);
        assertTrue(security.stream().anyMatch(s -> s.contains(fragment)), "security log: " + security);
    }

    static X509TrustManager trustAll() {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
