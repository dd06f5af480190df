package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe that tells a client which node answers at an address: in TLS 1.3 the client's
 * handshake ends before the node has checked the client's certificate, so a refusal reaches the
 * client only afterwards (an alert on a read, or a reset or broken pipe on a write or the close;
 * which one depends on timing, and CI once met the broken pipe). Real TLS on loopback, real sim
 * evidence; the node's side is a plain TLS server socket with a node's credentials.
 */
class ProbeTest {
    private static final Host HOST = new LinuxHost();
    private static final byte[] GOOD = new byte[32];
    private static final byte[] OTHER = HexFormat.of().parseHex("ff".repeat(32));
    @TempDir
    static Path config;
    private static Credentials node;
    private static Credentials client;
    private static Credentials stranger;

    @BeforeAll
    static void setUp() throws Exception {
        SimProvider good = new SimProvider(HOST, config, GOOD);
        SimProvider other = new SimProvider(HOST, config, OTHER);
        Policy pinned = new Policy(List.of(HexFormat.of().formatHex(GOOD)), null, null, false, true, null);
        RaTlsTrustManager attested = new RaTlsTrustManager(new Attestation(List.of(good.root())), pinned, Clock.systemUTC(), null);
        node = Credentials.create("n1", good, attested, null, null);
        client = Credentials.create(null, good, attested, null, null);
        stranger = Credentials.create(null, other, attested, null, null); // trusts the node; the node does not trust it
    }

    enum After { SPEAK, SILENT, RESET }

    /** A node that takes one connection, and after its handshake speaks first (as gRPC's HTTP/2 server does), says nothing, or resets. */
    private static Endpoint serve(After after, CompletableFuture<String> outcome) throws Exception {
        SSLServerSocket ss = (SSLServerSocket) node.sslContext(AddressBook.EMPTY).getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ss.setNeedClientAuth(true);
        var params = ss.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"});
        ss.setSSLParameters(params);
        Thread.ofVirtual().start(() -> {
            try (ss; SSLSocket s = (SSLSocket) ss.accept()) {
                try {
                    s.startHandshake();
                    switch (after) {
                        case SPEAK -> {
                            s.getOutputStream().write(0);
                            s.getOutputStream().flush();
                            while (s.getInputStream().read() >= 0) { } // until the client closes
                        }
                        case SILENT -> {
                            while (s.getInputStream().read() >= 0) { }
                        }
                        case RESET -> s.setSoLinger(true, 0);
                    }
                    outcome.complete("accepted");
                } catch (IOException e) {
                    outcome.complete("refused: " + e.getMessage());
                }
            } catch (IOException e) {
                outcome.complete("server: " + e);
            }
        });
        return new Endpoint("127.0.0.1", ss.getLocalPort());
    }

    @Test
    void aNodeThatAcceptsTheClientIsNamed() throws Exception {
        var outcome = new CompletableFuture<String>();
        assertEquals("n1", ClusterClient.probe(HOST, serve(After.SPEAK, outcome), client));
        assertEquals("accepted", outcome.get());
    }

    @Test
    void aClientTheNodeRefusesIsToldSoNotThatTheNodeIsUnreachable() throws Exception {
        for (int i = 0; i < 20; i++) { // the alert and the close race the client's read and close: every order must give the refusal
            var outcome = new CompletableFuture<String>();
            Endpoint at = serve(After.SPEAK, outcome);
            ClusterException e = assertThrows(ClusterException.class, () -> ClusterClient.probe(HOST, at, stranger));
            assertTrue(e.getMessage().startsWith("node n1 at " + at + " refused this client"), e.getMessage());
            assertTrue(outcome.get().startsWith("refused"), outcome.get());
        }
    }

    @Test
    void aNodeThatRefusesTheClientStillAnswersAsItself() throws Exception {
        // what 'node start --join' asks of a member's address: a node there that refuses the joiner is not down
        var outcome = new CompletableFuture<String>();
        Endpoint at = serve(After.SPEAK, outcome);
        ClusterClient.Answer a = ClusterClient.answer(HOST, at, stranger, 5_000);
        assertEquals("n1", a.id());
        assertTrue(a.refusal() != null && a.refusal().startsWith("node n1 at " + at + " refused this client"), String.valueOf(a.refusal()));
        outcome.get();
        assertEquals(new ClusterClient.Answer("n1", null), ClusterClient.answer(HOST, serve(After.SPEAK, new CompletableFuture<>()), client, 5_000));
    }

    @Test
    void aNodeThatDropsTheConnectionAfterTheHandshakeRefusedIt() throws Exception {
        var outcome = new CompletableFuture<String>();
        Endpoint at = serve(After.RESET, outcome);
        ClusterException e = assertThrows(ClusterException.class, () -> ClusterClient.probe(HOST, at, client));
        assertTrue(e.getMessage().startsWith("node n1 at " + at + " refused this client"), e.getMessage());
    }

    @Test
    void aNodeThatSaysNothingAfterTheHandshakeIsTakenToHaveAccepted() throws Exception {
        var outcome = new CompletableFuture<String>();
        long t0 = System.nanoTime();
        assertEquals("n1", ClusterClient.probe(HOST, serve(After.SILENT, outcome), client, 300));
        assertTrue(System.nanoTime() - t0 >= 250_000_000L, "waited for the node to speak");
        assertEquals("accepted", outcome.get());
    }

    @Test
    void noNodeAtTheAddressIsUnreachable() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Endpoint at = new Endpoint("127.0.0.1", port);
        ClusterException e = assertThrows(ClusterException.class, () -> ClusterClient.probe(HOST, at, client));
        assertTrue(e.getMessage().startsWith("cannot reach node " + at), e.getMessage());
        // and a listener that is no TLS server at all
        try (var plain = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Endpoint p = new Endpoint("127.0.0.1", plain.getLocalPort());
            Thread.ofVirtual().start(() -> {
                try (Socket s = plain.accept()) {
                    s.getOutputStream().write("HTTP/1.0 400 no\r\n\r\n".getBytes());
                } catch (IOException ignored) {
                }
            });
            e = assertThrows(ClusterException.class, () -> ClusterClient.probe(HOST, p, client));
            assertTrue(e.getMessage().startsWith("cannot reach node " + p), e.getMessage());
        }
    }
}
