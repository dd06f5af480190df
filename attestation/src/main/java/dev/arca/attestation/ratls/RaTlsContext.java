package dev.arca.attestation.ratls;

import dev.arca.attestation.AttestationException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** An SSLContext presenting an RA-TLS certificate and checking peers with an {@link RaTlsTrustManager}. */
public final class RaTlsContext {
    private RaTlsContext() {}

    public static SSLContext create(KeyPair key, X509Certificate cert, TrustManager trust) throws AttestationException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(new KeyManager[] {keyManager(key, cert)}, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new AttestationException(AttestationException.Reason.PROVIDER_FAILED, "RA-TLS context: " + e.getMessage());
        }
    }

    /** A key manager presenting {@code cert} for {@code key}: for TLS stacks that take one rather than an SSLContext (gRPC). */
    public static KeyManager keyManager(KeyPair key, X509Certificate cert) throws AttestationException {
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("ra-tls", key.getPrivate(), pw, new X509Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, pw);
            return kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new AttestationException(AttestationException.Reason.PROVIDER_FAILED, "RA-TLS key manager: " + e.getMessage());
        }
    }
}
