// Attestation benchmark (bench/attestation.sh): verification time per evidence type, and the
// RA-TLS handshake against a plain TLS handshake on loopback, in one JVM and one run.
// Run: java -cp 'cli/target/lib/*' bench/src/AttestationBench.java VECTORS_DIR CONFIG_DIR ITERATIONS
import dev.arca.attestation.Attestation;
import dev.arca.attestation.Policy;
import dev.arca.attestation.dcap.Collateral;
import dev.arca.attestation.evidence.Evidence;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsContext;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.attestation.x509.CertificateBuilder;
import dev.arca.attestation.x509.Certificates;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

public class AttestationBench {
    static int iterations;

    /** Median and 10th..90th percentile of one call, in microseconds, after as many warm-up calls. */
    static double[] time(Callable<?> op) throws Exception {
        for (int i = 0; i < iterations; i++) op.call();
        long[] t = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long s = System.nanoTime();
            op.call();
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return new double[] {t[iterations / 2] / 1e3, t[iterations / 10] / 1e3, t[iterations * 9 / 10] / 1e3};
    }

    public static void main(String[] a) throws Exception {
        Path v = Path.of(a[0]);
        Path config = Path.of(a[1]);
        iterations = Integer.parseInt(a[2]);
        SimProvider sim = new SimProvider(new dev.arca.host.LinuxHost(), config, new byte[32]);
        Attestation att = new Attestation(List.of(sim.root()));
        record Case(String name, byte[] evidence, byte[] collateral, Instant now) {}
        byte[] sgxCol = Files.readAllBytes(v.resolve("dcap-qvl/sgx_quote_collateral.json"));
        byte[] tdxCol = Files.readAllBytes(v.resolve("dcap-qvl/tdx_quote_collateral.json"));
        String snpChain = Certificates.toPem(Certificates.parse(Files.readAllBytes(v.resolve("virtee-sev/vcek_milan.der")), "vcek"))
                + Files.readString(v.resolve("virtee-sev/ask.pem")) + Files.readString(v.resolve("virtee-sev/ark.pem"));
        List<Case> cases = List.of(
                new Case("SGX quote v3 + collateral (dcap-qvl)", Files.readAllBytes(v.resolve("dcap-qvl/sgx_quote")), sgxCol, Collateral.parseJson(sgxCol).validUntil()),
                new Case("SGX quote v3, no collateral", Files.readAllBytes(v.resolve("dcap-qvl/sgx_quote")), null, Collateral.parseJson(sgxCol).validUntil()),
                new Case("TDX quote v4 + collateral (dcap-qvl)", Files.readAllBytes(v.resolve("dcap-qvl/tdx_quote")), tdxCol, Collateral.parseJson(tdxCol).validUntil()),
                new Case("TDX quote v4, no collateral", Files.readAllBytes(v.resolve("dcap-qvl/tdx_quote")), null, Collateral.parseJson(tdxCol).validUntil()),
                new Case("TDX quote v5, no collateral (go-tdx-guest)", Files.readAllBytes(v.resolve("go-tdx-guest/quote_v5_sample.dat")), null, Instant.parse("2026-02-03T01:00:00Z")),
                new Case("SEV-SNP report v2 + VCEK, ASK, ARK (virtee Milan)", HexFormat.of().parseHex(Files.readString(v.resolve("virtee-sev/report_milan.hex")).strip()),
                        snpChain.getBytes(StandardCharsets.US_ASCII), Instant.parse("2024-06-01T00:00:00Z")),
                new Case("sim", sim.quote(new byte[64]).encode(), null, Instant.now()));
        System.out.println("| evidence | median µs | p10 µs | p90 µs |");
        System.out.println("|---|--:|--:|--:|");
        for (Case c : cases) {
            att.verify(Evidence.parse(c.evidence()), c.collateral(), c.now()); // must verify
            double[] t = time(() -> att.verify(Evidence.parse(c.evidence()), c.collateral(), c.now()));
            System.out.printf("| %s | %.0f | %.0f | %.0f |%n", c.name(), t[0], t[1], t[2]);
        }

        // handshakes: mutual TLS 1.3, P-256 keys, a fresh full handshake per connection
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        Instant now = Instant.now();
        Policy simOk = new Policy(null, null, null, false, true, null);
        KeyPair sk = g.generateKeyPair(), ck = g.generateKeyPair();
        X509Certificate sRa = RaTlsCertificate.create(sk, sim, "server", now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)));
        X509Certificate cRa = RaTlsCertificate.create(ck, sim, "client", now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)));
        SSLContext raServer = RaTlsContext.create(sk, sRa, new RaTlsTrustManager(att, simOk, Clock.systemUTC(), null));
        SSLContext raClient = RaTlsContext.create(ck, cRa, new RaTlsTrustManager(att, simOk, Clock.systemUTC(), null));
        X509Certificate sPlain = new CertificateBuilder().subject("server").validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1))).sign(sk.getPublic(), sk.getPrivate());
        X509Certificate cPlain = new CertificateBuilder().subject("client").validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1))).sign(ck.getPublic(), ck.getPrivate());
        SSLContext plainServer = RaTlsContext.create(sk, sPlain, new Pinned(cPlain));
        SSLContext plainClient = RaTlsContext.create(ck, cPlain, new Pinned(sPlain));
        double[] plain = handshakes(plainServer, plainClient);
        double[] ra = handshakes(raServer, raClient);
        System.out.println();
        System.out.println("| handshake (loopback, mutual, TLS 1.3, ECDSA P-256) | median µs | p10 µs | p90 µs |");
        System.out.println("|---|--:|--:|--:|");
        System.out.printf("| plain TLS (pinned self-signed certificates) | %.0f | %.0f | %.0f |%n", plain[0], plain[1], plain[2]);
        System.out.printf("| RA-TLS (sim evidence verified both ways) | %.0f | %.0f | %.0f |%n", ra[0], ra[1], ra[2]);
        System.out.printf("%nRA-TLS / plain TLS handshake: **%.2f×** (median); RA-TLS certificate sizes %d and %d bytes vs %d plain.%n",
                ra[0] / plain[0], sRa.getEncoded().length, cRa.getEncoded().length, sPlain.getEncoded().length);
    }

    /** Accepts exactly one self-signed certificate: a plain TLS peer with a pinned key. */
    record Pinned(X509Certificate cert) implements X509TrustManager {
        void check(X509Certificate[] chain) throws java.security.cert.CertificateException {
            if (chain == null || chain.length == 0 || !chain[0].equals(cert)) throw new java.security.cert.CertificateException("not the pinned certificate");
            try {
                Certificates.checkSignedBy(chain[0], chain[0], "peer");
                Certificates.checkValidity(chain[0], Instant.now(), "peer");
            } catch (Exception e) {
                throw new java.security.cert.CertificateException(e.getMessage());
            }
        }

        public void checkClientTrusted(X509Certificate[] c, String t) throws java.security.cert.CertificateException {
            check(c);
        }

        public void checkServerTrusted(X509Certificate[] c, String t) throws java.security.cert.CertificateException {
            check(c);
        }

        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    static double[] handshakes(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(true);
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                while (!ss.isClosed()) {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                        s.setSoTimeout(10_000);
                        s.setTcpNoDelay(true);
                        int b = s.getInputStream().read();
                        s.getOutputStream().write(b);
                        s.getOutputStream().flush();
                        s.getSession().invalidate();
                    } catch (Exception e) {
                        // closed, or a refused peer: the client sees it
                    }
                }
            });
            double[] r = time(() -> {
                try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket()) {
                    s.setTcpNoDelay(true); // else delayed ACKs, not the handshake, set the time
                    s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), 10_000);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(7);
                    s.getOutputStream().flush();
                    if (s.getInputStream().read() != 7) throw new IllegalStateException("no echo");
                    if (s.getSession().getCreationTime() < 0) throw new IllegalStateException();
                    s.getSession().invalidate(); // no resumption: every connection is a full handshake
                }
                return null;
            });
            ss.close();
            t.join(5000);
            return r;
        }
    }
}
