package dev.arca.attestation.x509;

import dev.arca.attestation.AttestationException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the X.509 v3 certificates Arca issues (sim roots and keys, RA-TLS certificates): the JDK
 * can parse certificates but has no public API to make one, and this is all the DER it takes.
 * ECDSA keys only (P-256 with SHA-256, P-384 with SHA-384).
 */
public final class CertificateBuilder {
    private String subject = "Arca";
    private String issuer;
    private Instant notBefore = Instant.parse("2025-01-01T00:00:00Z");
    private Instant notAfter = Instant.parse("2049-12-31T23:59:59Z");
    private boolean ca;
    private final List<byte[]> extensions = new ArrayList<>();

    public CertificateBuilder subject(String cn) {
        this.subject = cn;
        return this;
    }

    public CertificateBuilder issuer(String cn) {
        this.issuer = cn;
        return this;
    }

    public CertificateBuilder validity(Instant from, Instant to) {
        this.notBefore = from;
        this.notAfter = to;
        return this;
    }

    public CertificateBuilder ca(boolean ca) {
        this.ca = ca;
        return this;
    }

    /** A non-critical extension whose value is {@code der}. */
    public CertificateBuilder extension(String oid, byte[] der) {
        extensions.add(Der.seq(Der.oid(oid), Der.octets(der)));
        return this;
    }

    private static byte[] name(String cn) {
        return Der.seq(Der.set(Der.seq(Der.oid("2.5.4.3"), Der.utf8(cn))));
    }

    /** Signs the certificate of {@code key} with {@code signer} (the issuer's private key, or the key's own for a self-signed one). */
    public X509Certificate sign(PublicKey key, PrivateKey signer) throws AttestationException {
        boolean p384 = signer instanceof java.security.interfaces.ECPrivateKey k && k.getParams().getCurve().getField().getFieldSize() > 256;
        String alg = p384 ? "SHA384withECDSA" : "SHA256withECDSA";
        byte[] algId = Der.seq(Der.oid(p384 ? "1.2.840.10045.4.3.3" : "1.2.840.10045.4.3.2"));
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        List<byte[]> ext = new ArrayList<>(extensions);
        ext.add(0, Der.seq(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(ca ? Der.seq(Der.bool(true)) : Der.seq())));
        if (ca) {
            ext.add(1, Der.seq(Der.oid("2.5.29.15"), Der.bool(true), Der.octets(Der.bitString(new byte[] {0x06}))));
        }
        byte[] tbs = Der.seq(
                Der.explicit(0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(1, serial)),
                algId,
                name(issuer == null ? subject : issuer),
                Der.seq(Der.time(notBefore), Der.time(notAfter)),
                name(subject),
                key.getEncoded(),
                Der.explicit(3, Der.seq(ext.toArray(byte[][]::new))));
        try {
            Signature s = Signature.getInstance(alg);
            s.initSign(signer);
            s.update(tbs);
            byte[] cert = Der.seq(tbs, algId, Der.bitString(s.sign()));
            return Certificates.parse(cert, "certificate made for " + subject);
        } catch (GeneralSecurityException e) {
            throw new AttestationException(AttestationException.Reason.PROVIDER_FAILED, "cannot sign a certificate: " + e.getMessage());
        }
    }

    static boolean isEc(PublicKey k) {
        return k instanceof ECPublicKey;
    }
}
