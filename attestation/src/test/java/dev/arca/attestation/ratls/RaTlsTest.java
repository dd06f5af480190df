package dev.arca.attestation.ratls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.Policy;
import dev.arca.attestation.Vectors;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.dcap.DcapVerifier;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.x509.Certificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaTlsTest {
    private static final dev.arca.host.Host HOST = new dev.arca.host.LinuxHost();
    static X509Certificate vector(String name) throws AttestationException {
        return Certificates.parsePem(Vectors.text("interoperable-ra-tls/" + name), name);
    }

    /** The three interoperable certificates (Gramine, Intel SGX SDK, rats-tls): the extension parses, its claims bind the key, the SGX quote inside verifies. */
    @Test
    void interoperableCertificates() throws Exception {
        for (String name : List.of("gramine-cert.pem", "intel-sgxsdk-cert.pem", "rats-tls-cert.pem")) {
            X509Certificate c = vector(name);
            RaTlsCertificate ra = RaTlsCertificate.of(c);
            Verdict v = new DcapVerifier().verify(ra.evidence(), null, Instant.parse("2024-01-01T00:00:00Z"));
            assertEquals(EvidenceType.SGX_DCAP, v.type());
            ra.checkBinding(c, v.reportData());
        }
    }

    @Test
    void keyNotBoundIsRefused() throws Exception {
        X509Certificate gramine = vector("gramine-cert.pem");
        X509Certificate rats = vector("rats-tls-cert.pem");
        RaTlsCertificate ra = RaTlsCertificate.of(gramine);
        Verdict v = new DcapVerifier().verify(ra.evidence(), null, Instant.parse("2024-01-01T00:00:00Z"));
        assertEquals(Reason.FIELD_MISMATCH, assertThrows(AttestationException.class, () -> ra.checkBinding(rats, v.reportData())).reason());
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    record Node(KeyPair key, X509Certificate cert, SimProvider sim) {}

    static Node node(Path config, byte[] measurement) throws Exception {
        SimProvider sim = new SimProvider(HOST, config, measurement);
        KeyPair k = ecKey();
        X509Certificate c = RaTlsCertificate.create(k, sim, "arca ra-tls", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        return new Node(k, c, sim);
    }

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** Two instances of one installation (same sim root) on loopback; each checks the other. Returns null or the failure. */
    static Throwable handshake(Node server, Policy serverPolicy, Node client, Policy clientPolicy) throws Exception {
        Attestation verifier = new Attestation(List.of(server.sim().root()));
        SSLContext sctx = RaTlsContext.create(server.key(), server.cert(), new RaTlsTrustManager(verifier, serverPolicy, CLOCK, null));
        SSLContext cctx = RaTlsContext.create(client.key(), client.cert(), new RaTlsTrustManager(verifier, clientPolicy, CLOCK, null));
        try (SSLServerSocket ss = (SSLServerSocket) sctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(true);
            CompletableFuture<Throwable> srv = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(20_000);
                    InputStream in = s.getInputStream();
                    int b = in.read();
                    s.getOutputStream().write(b + 1);
                    s.getOutputStream().flush();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            Throwable clientError = null;
            try (SSLSocket s = (SSLSocket) cctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write(41);
                out.flush();
                assertEquals(42, s.getInputStream().read());
            } catch (Exception e) {
                clientError = e;
            }
            Throwable serverError = srv.get(30, TimeUnit.SECONDS);
            return clientError != null ? clientError : serverError;
        }
    }

    @Test
    void mutualRaTlsAcceptedAndRefusedByPolicy(@TempDir Path dir) throws Exception {
        byte[] m1 = new byte[32];
        byte[] m2 = new byte[32];
        m2[0] = 1;
        Node a = node(dir, m1);
        Node b = node(dir, m2);
        String h1 = java.util.HexFormat.of().formatHex(m1);
        String h2 = java.util.HexFormat.of().formatHex(m2);
        Policy simOk = new Policy(List.of(h1, h2), null, null, false, true, null);
        assertEquals(null, handshake(a, simOk, b, simOk));
        // sim not allowed: refused
        Throwable t = handshake(a, Policy.DEFAULT, b, simOk);
        assertTrue(t != null, "sim peer accepted without allowSim");
        // the client's measurement is not allowed by the server
        Policy onlyA = new Policy(List.of(h1), null, null, false, true, null);
        assertTrue(handshake(a, onlyA, b, simOk) != null, "wrong measurement accepted");
        assertEquals(null, handshake(a, simOk, b, onlyA));
    }

    @Test
    void trustManagerRefusesWithReasons(@TempDir Path dir) throws Exception {
        Node a = node(dir, new byte[32]);
        Attestation verifier = new Attestation(List.of(a.sim().root()));
        RaTlsTrustManager tm = new RaTlsTrustManager(verifier, new Policy(null, null, null, false, true, null), CLOCK, null);
        assertTrue(tm.check(a.cert()).insecure());
        // another installation's root
        Node other = node(dir.resolve("other"), new byte[32]);
        assertEquals(Reason.UNTRUSTED_ROOT, assertThrows(AttestationException.class, () -> tm.check(other.cert())).reason());
        // a plain certificate
        KeyPair k = ecKey();
        X509Certificate plain = new dev.arca.attestation.x509.CertificateBuilder().subject("plain").sign(k.getPublic(), k.getPrivate());
        assertEquals(Reason.MALFORMED, assertThrows(AttestationException.class, () -> tm.check(plain)).reason());
        assertArrayEquals(new byte[0], new byte[0]);
        assertTrue(Files.exists(dir.resolve("sim/root.pem")));
    }
}
