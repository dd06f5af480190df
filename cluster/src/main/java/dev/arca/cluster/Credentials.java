package dev.arca.cluster;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.evidence.EvidenceProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsContext;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;

/**
 * What a node or a client presents and how it checks its peers: a fresh P-256 key with an RA-TLS
 * certificate from the instance's evidence provider, its subject naming the node ({@link NodeId})
 * or the client, and the cluster's policy for peers. The key never leaves the JVM; a node makes a
 * new one at every start (its identity is its id and its measurement, not a key).
 */
public final class Credentials {
    private final KeyPair key;
    private final X509Certificate cert;
    private final RaTlsTrustManager attested;
    private final BiConsumer<String, Verdict> onAccept;
    private final Consumer<String> onRefuse;

    private Credentials(KeyPair key, X509Certificate cert, RaTlsTrustManager attested, BiConsumer<String, Verdict> onAccept, Consumer<String> onRefuse) {
        this.key = key;
        this.cert = cert;
        this.attested = attested;
        this.onAccept = onAccept;
        this.onRefuse = onRefuse;
    }

    /**
     * @param nodeId the node's id, or null for a client
     * @param onAccept told of each peer accepted (who, verdict), or null
     * @param onRefuse told of peers refused (one line each, rate-limited), or null
     */
    public static Credentials create(String nodeId, EvidenceProvider provider, RaTlsTrustManager peers, BiConsumer<String, Verdict> onAccept,
            Consumer<String> onRefuse) throws ClusterException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair k = g.generateKeyPair();
            Instant now = Instant.now();
            X509Certificate cert = RaTlsCertificate.create(k, provider, nodeId == null ? NodeId.CLIENT : NodeId.subject(NodeId.check(nodeId)),
                    now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(365)));
            return new Credentials(k, cert, peers, onAccept, onRefuse);
        } catch (GeneralSecurityException | AttestationException e) {
            throw new ClusterException("RA-TLS credentials: " + e.getMessage());
        }
    }

    PeerTrust trust(AddressBook book) {
        return new PeerTrust(attested, book, onAccept, onRefuse);
    }

    /** gRPC's TLS for Ratis, server and client side: mutual, the JDK's TLS (no native library in the trust boundary). */
    Parameters parameters(AddressBook book) throws ClusterException {
        KeyManager km;
        try {
            km = RaTlsContext.keyManager(key, cert);
        } catch (AttestationException e) {
            throw new ClusterException(e.getMessage());
        }
        GrpcTlsConfig tls = GrpcTlsConfig.newBuilder().setKeyManager(km).setTrustManager(trust(book)).setMutualTls(true)
                .setSslProvider(SslProvider.JDK).setProtocols("TLSv1.3").build();
        Parameters p = new Parameters();
        GrpcConfigKeys.TLS.setConf(p, tls);
        return p;
    }

    /** A plain TLS context with the same key and checks, for probing a node's identity. */
    SSLContext sslContext(AddressBook book) throws ClusterException {
        return sslContext(book, null);
    }

    /** The same, telling {@code onNode} the id of a node dialled once its certificate has passed the checks. */
    SSLContext sslContext(AddressBook book, Consumer<String> onNode) throws ClusterException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(new KeyManager[] {RaTlsContext.keyManager(key, cert)}, new TrustManager[] {new PeerTrust(attested, book, onAccept, onRefuse, onNode)}, null);
            return ctx;
        } catch (GeneralSecurityException | AttestationException e) {
            throw new ClusterException("RA-TLS: " + e.getMessage());
        }
    }
}
