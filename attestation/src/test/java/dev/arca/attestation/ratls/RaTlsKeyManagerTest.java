package dev.arca.attestation.ratls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.attestation.AttestationException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key manager that presents a node's RA-TLS certificate (it replaced the JDK's, which read the
 * key from a PKCS12 KeyStore with PBKDF2): only its own key and certificate, only for its key's
 * type, never another alias's; the handshakes themselves run in {@link RaTlsTest} and the RA-TLS
 * network and cluster tests.
 */
class RaTlsKeyManagerTest {
    @TempDir
    Path dir;

    @Test
    void offersItsKeyForItsTypeOnly() throws Exception {
        RaTlsTest.Node n = RaTlsTest.node(dir, new byte[48]);
        X509ExtendedKeyManager km = (X509ExtendedKeyManager) RaTlsContext.keyManager(n.key(), n.cert());
        String alias = km.chooseClientAlias(new String[] {"RSA", "EC"}, null, null);
        assertEquals(RaTlsContext.OneKey.ALIAS, alias);
        assertEquals(alias, km.chooseServerAlias("EC", null, null));
        assertEquals(alias, km.chooseEngineServerAlias("EC", null, null));
        assertEquals(alias, km.chooseEngineClientAlias(new String[] {"EC"}, null, null));
        assertSame(n.key().getPrivate(), km.getPrivateKey(alias));
        assertArrayEquals(new Object[] {n.cert()}, km.getCertificateChain(alias));
        assertArrayEquals(new String[] {alias}, km.getServerAliases("EC", null));
        // asked for another type, another alias, or nothing: nothing
        assertNull(km.chooseClientAlias(new String[] {"RSA", "RSASSA-PSS", "EdDSA"}, null, null));
        assertNull(km.chooseClientAlias(null, null, null));
        assertNull(km.chooseClientAlias(new String[] {null}, null, null));
        assertNull(km.chooseServerAlias("RSA", null, null));
        assertNull(km.chooseServerAlias(null, null, null));
        assertNull(km.getClientAliases("RSA", null));
        assertNull(km.getPrivateKey("other"));
        assertNull(km.getPrivateKey(null));
        assertNull(km.getCertificateChain("ra-tls2"));
    }

    @Test
    void theChainItGivesOutCannotChangeIt() throws Exception {
        RaTlsTest.Node n = RaTlsTest.node(dir, new byte[48]);
        X509ExtendedKeyManager km = (X509ExtendedKeyManager) RaTlsContext.keyManager(n.key(), n.cert());
        var chain = km.getCertificateChain(RaTlsContext.OneKey.ALIAS);
        chain[0] = null;
        assertNotSame(chain, km.getCertificateChain(RaTlsContext.OneKey.ALIAS));
        assertSame(n.cert(), km.getCertificateChain(RaTlsContext.OneKey.ALIAS)[0]);
    }

    @Test
    void aCertificateForAnotherKeyIsRefused() throws Exception {
        RaTlsTest.Node n = RaTlsTest.node(dir, new byte[48]);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair other = g.generateKeyPair();
        assertThrows(AttestationException.class, () -> RaTlsContext.keyManager(other, n.cert()));
    }
}
