package dev.arca.attestation.ratls;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.evidence.Evidence;
import dev.arca.attestation.x509.Certificates;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.Consumer;
import javax.net.ssl.X509TrustManager;

/**
 * A JSSE trust manager that accepts a peer only when its RA-TLS certificate carries evidence that
 * verifies, binds the certificate's key, and meets the policy. Used on both sides for mutual
 * RA-TLS. Refusals name their reason in the CertificateException message.
 */
public final class RaTlsTrustManager implements X509TrustManager {
    private final Attestation verifier;
    private final Policy policy;
    private final Clock clock;
    private final Consumer<Verdict> onAccept;

    public RaTlsTrustManager(Attestation verifier, Policy policy, Clock clock, Consumer<Verdict> onAccept) {
        this.verifier = verifier;
        this.policy = policy;
        this.clock = clock;
        this.onAccept = onAccept;
    }

    /** Verifies a peer's certificate; the verdict, or a typed refusal. */
    public Verdict check(X509Certificate cert) throws AttestationException {
        Certificates.checkSignedBy(cert, cert, "RA-TLS certificate");
        Certificates.checkValidity(cert, clock.instant(), "RA-TLS certificate");
        RaTlsCertificate ra = RaTlsCertificate.of(cert);
        Verdict v = verifier.verify(Evidence.parse(ra.evidence()), null, clock.instant());
        ra.checkBinding(cert, v.reportData());
        policy.check(v);
        return v;
    }

    private void checkPeer(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("RA-TLS: the peer sent no certificate");
        }
        try {
            Verdict v = check(chain[0]);
            if (onAccept != null) {
                onAccept.accept(v);
            }
        } catch (AttestationException e) {
            throw new CertificateException("RA-TLS: peer refused (" + e.reason() + "): " + e.getMessage());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkPeer(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkPeer(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
