package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks a node makes on every TLS handshake, with real sim evidence: who may call it, and
 * that the node it dials is the one its configuration places at that address.
 */
class PeerTrustTest {
    private static final Host HOST = new LinuxHost();
    private static final byte[] GOOD = new byte[32];
    private static final byte[] OTHER = HexFormat.of().parseHex("ff".repeat(32));
    @TempDir
    static Path config;
    private static SimProvider good;
    private static SimProvider other;
    private static RaTlsTrustManager attested;
    private final List<String> refusals = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        good = new SimProvider(HOST, config, GOOD);
        other = new SimProvider(HOST, config, OTHER);
        Policy pinned = new Policy(List.of(HexFormat.of().formatHex(GOOD)), null, null, false, true, null);
        attested = new RaTlsTrustManager(new Attestation(List.of(good.root())), pinned, Clock.systemUTC(), null);
    }

    private static X509Certificate cert(SimProvider p, String subject) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        Instant now = Instant.now();
        return RaTlsCertificate.create(k, p, subject, now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1)));
    }

    private PeerTrust trust(Map<String, String> book) {
        return new PeerTrust(attested, new AddressBook() {
            @Override
            public String idAt(String endpoint) {
                return book.get(endpoint);
            }

            @Override
            public String endpointOf(String id) {
                return book.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).findFirst().orElse(null);
            }
        }, null, refusals::add);
    }

    private static SSLEngine engine(String host, int port) throws Exception {
        return SSLContext.getDefault().createSSLEngine(host, port);
    }

    @Test
    void theNodeAtAnAddressMustBeTheOneTheConfigurationPlacesThere() throws Exception {
        PeerTrust t = trust(Map.of("127.0.0.11:7001", "n1", "127.0.0.12:7002", "n2"));
        X509Certificate n1 = cert(good, NodeId.subject("n1"));
        assertDoesNotThrow(() -> t.checkServerTrusted(new X509Certificate[] {n1}, "EC", engine("127.0.0.11", 7001)));
        // an attested member answering at another member's address: a redirect by the host
        CertificateException e = assertThrows(CertificateException.class,
                () -> t.checkServerTrusted(new X509Certificate[] {n1}, "EC", engine("127.0.0.12", 7002)));
        assertTrue(e.getMessage().contains("should be node n2"), e.getMessage());
        // at an address the configuration does not know (a node being added): not a member's id
        e = assertThrows(CertificateException.class, () -> t.checkServerTrusted(new X509Certificate[] {n1}, "EC", engine("127.0.0.14", 7004)));
        assertTrue(e.getMessage().contains("lives at 127.0.0.11:7001"), e.getMessage());
        X509Certificate n4 = cert(good, NodeId.subject("n4"));
        assertDoesNotThrow(() -> t.checkServerTrusted(new X509Certificate[] {n4}, "EC", engine("127.0.0.14", 7004)));
        // no peer address to bind to: refused, not waved through
        e = assertThrows(CertificateException.class, () -> t.checkServerTrusted(new X509Certificate[] {n1}, "EC", engine(null, -1)));
        assertTrue(e.getMessage().contains("no peer address"), e.getMessage());
    }

    @Test
    void evidenceOfAnotherMeasurementIsRefusedBothWays() throws Exception {
        PeerTrust t = trust(Map.of("127.0.0.11:7001", "n1"));
        X509Certificate impostor = cert(other, NodeId.subject("n1"));
        assertThrows(CertificateException.class, () -> t.checkServerTrusted(new X509Certificate[] {impostor}, "EC", engine("127.0.0.11", 7001)));
        assertThrows(CertificateException.class, () -> t.checkClientTrusted(new X509Certificate[] {impostor}, "EC", engine("127.0.0.11", 40000)));
        assertEquals(2, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).contains("peer refused"), refusals.toString());
    }

    @Test
    void aCallerMustBeANodeOrAClient() throws Exception {
        PeerTrust t = trust(Map.of());
        assertDoesNotThrow(() -> t.checkClientTrusted(new X509Certificate[] {cert(good, NodeId.CLIENT)}, "EC", engine("127.0.0.1", 4000)));
        assertDoesNotThrow(() -> t.checkClientTrusted(new X509Certificate[] {cert(good, NodeId.subject("n7"))}, "EC", engine("127.0.0.1", 4000)));
        X509Certificate stranger = cert(good, "Arca RA-TLS");
        CertificateException e = assertThrows(CertificateException.class,
                () -> t.checkClientTrusted(new X509Certificate[] {stranger}, "EC", engine("127.0.0.1", 4000)));
        assertTrue(e.getMessage().contains("neither a node nor a client"), e.getMessage());
        // a client's certificate cannot serve as a node
        X509Certificate client = cert(good, NodeId.CLIENT);
        assertThrows(CertificateException.class, () -> t.checkServerTrusted(new X509Certificate[] {client}, "EC", engine("127.0.0.11", 7001)));
        assertThrows(CertificateException.class, () -> t.checkClientTrusted(new X509Certificate[0], "EC", engine("127.0.0.1", 1)));
    }

    @Test
    void aRefusalRepeatedManyTimesIsReportedOnce() throws Exception {
        PeerTrust t = trust(Map.of());
        X509Certificate impostor = cert(other, NodeId.subject("n1"));
        for (int i = 0; i < 50; i++) {
            assertThrows(CertificateException.class, () -> t.checkClientTrusted(new X509Certificate[] {impostor}, "EC", engine("127.0.0.9", 5555)));
        }
        assertEquals(1, refusals.size(), refusals.toString());
    }
}
