package dev.arca.attestation.ratls;

import dev.arca.attestation.AttestationException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
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

    /**
     * A key manager presenting {@code cert} for {@code key}: for TLS stacks that take one rather
     * than an SSLContext (gRPC). It holds the one key and certificate itself: the JDK's key
     * managers read them from a KeyStore, and a PKCS12 one encrypts the key (PBKDF2) when it is
     * stored and decrypts it (PBKDF2 again) when a key manager first presents it; a JFR profile of
     * {@code arca cluster status} had more than a quarter of its main thread's samples there.
     */
    public static KeyManager keyManager(KeyPair key, X509Certificate cert) throws AttestationException {
        if (!cert.getPublicKey().equals(key.getPublic())) {
            throw new AttestationException(AttestationException.Reason.PROVIDER_FAILED, "RA-TLS key manager: the certificate is not for this key");
        }
        return new OneKey(key.getPrivate(), new X509Certificate[] {cert});
    }

    /** One private key and its certificate, offered whenever the handshake asks for the key's type. */
    static final class OneKey extends X509ExtendedKeyManager {
        static final String ALIAS = "ra-tls";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        /** Whether the key fits {@code keyType} as JSSE names them ("EC", "RSA", "RSASSA-PSS", "EdDSA"...). */
        private boolean fits(String keyType) {
            return keyType != null && keyType.equals(key.getAlgorithm());
        }

        private String alias(String[] keyTypes) {
            if (keyTypes != null) for (String t : keyTypes) if (fits(t)) return ALIAS;
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return fits(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return fits(keyType) ? ALIAS : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
