package dev.arca.attestation.x509;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificate and CRL parsing and chain checks over the JDK's X.509 code, with every failure
 * turned into a typed {@link AttestationException}. The JDK parser can throw unchecked
 * exceptions on hostile input, so calls into it catch {@link RuntimeException} as MALFORMED.
 */
public final class Certificates {
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+?)-----END CERTIFICATE-----");

    /**
     * Certificate signatures already verified, keyed by (SHA-256 of the certificate, issuer key):
     * the same PCK and AMD chains come back with every quote, and a signature check is the cost.
     * Only successes are kept, and validity dates and revocation are checked every time.
     */
    private static final java.util.Map<String, Boolean> VERIFIED = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> e) {
                    return size() > 256;
                }
            });

    private Certificates() {}

    private static CertificateFactory factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X.509 CertificateFactory", e);
        }
    }

    public static X509Certificate parse(byte[] der, String what) throws AttestationException {
        strictSigned(der, what);
        try {
            return (X509Certificate) factory().generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(Reason.MALFORMED, what + ": not an X.509 certificate (" + e.getMessage() + ")");
        }
    }

    /**
     * Every PEM certificate in {@code text}, in order; at least one. Strict, because the chain
     * in a quote is evidence: nothing but PEM blocks, line breaks and trailing NULs is allowed,
     * and the base64 must be canonical, so that no byte of it can change without changing a
     * certificate.
     */
    public static List<X509Certificate> parsePemChain(String text, String what) throws AttestationException {
        List<X509Certificate> out = new ArrayList<>();
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\0') {
            end--;
        }
        Matcher m = PEM.matcher(text).region(0, end);
        int last = 0;
        while (m.find()) {
            if (!text.substring(last, m.start()).matches("[\r\n]*")) {
                throw new AttestationException(Reason.MALFORMED, what + ": unexpected text between PEM blocks");
            }
            String body = m.group(1).replace("\r", "").replace("\n", "");
            byte[] der;
            try {
                der = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new AttestationException(Reason.MALFORMED, what + ": bad base64 in PEM");
            }
            if (!Base64.getEncoder().encodeToString(der).equals(body)) {
                throw new AttestationException(Reason.MALFORMED, what + ": non-canonical base64 in PEM");
            }
            out.add(parse(der, what + " certificate " + (out.size() + 1)));
            last = m.end();
        }
        if (!text.substring(last, end).matches("[\r\n]*")) {
            throw new AttestationException(Reason.MALFORMED, what + ": unexpected text after the PEM blocks");
        }
        if (out.isEmpty()) {
            throw new AttestationException(Reason.MALFORMED, what + ": no PEM certificate");
        }
        return out;
    }

    public static X509Certificate parsePem(String text, String what) throws AttestationException {
        return parsePemChain(text, what).get(0);
    }

    public static String toPem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static X509CRL parseCrl(byte[] der, String what) throws AttestationException {
        strictSigned(der, what);
        try {
            return (X509CRL) factory().generateCRL(new ByteArrayInputStream(der));
        } catch (CRLException | RuntimeException e) {
            throw new AttestationException(Reason.MALFORMED, what + ": not an X.509 CRL (" + e.getMessage() + ")");
        }
    }

    /**
     * The outer shape of a signed X.509 object, checked before the JDK parses it, which tolerates
     * some bytes outside the signed part (the signature's unused-bits count): a SEQUENCE of the
     * signed body, the algorithm and a BIT STRING with no unused bits, and nothing after it.
     */
    static void strictSigned(byte[] der, String what) throws AttestationException {
        try {
            var parts = Der.parse(der);
            parts.expect(Der.SEQUENCE);
            var c = parts.children();
            if (c.size() != 3 || c.get(0).tag() != Der.SEQUENCE || c.get(1).tag() != Der.SEQUENCE || c.get(2).tag() != Der.BIT_STRING
                    || c.get(2).content().length < 1 || c.get(2).content()[0] != 0) {
                throw new AttestationException(Reason.MALFORMED, what + ": not a signed X.509 structure");
            }
        } catch (AttestationException e) {
            throw new AttestationException(Reason.MALFORMED, what + ": " + e.getMessage());
        }
    }

    /** Fails unless {@code c} is valid at {@code now}. */
    public static void checkValidity(X509Certificate c, Instant now, String what) throws AttestationException {
        try {
            c.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new AttestationException(Reason.CERT_EXPIRED, what + " expired " + c.getNotAfter().toInstant() + " (now " + now + ")");
        } catch (CertificateNotYetValidException e) {
            throw new AttestationException(Reason.CERT_EXPIRED, what + " not valid before " + c.getNotBefore().toInstant() + " (now " + now + ")");
        }
    }

    /** Fails unless {@code c} is signed by {@code issuer}'s key and names it as issuer. */
    public static void checkSignedBy(X509Certificate c, X509Certificate issuer, String what) throws AttestationException {
        if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, what + ": issuer '" + c.getIssuerX500Principal().getName()
                    + "' is not '" + issuer.getSubjectX500Principal().getName() + "'");
        }
        String key;
        try {
            key = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()))
                    + Base64.getEncoder().encodeToString(issuer.getPublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Reason.MALFORMED, what + ": cannot encode");
        }
        if (VERIFIED.containsKey(key)) {
            return;
        }
        try {
            c.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, what + ": signature does not verify with the key of '"
                    + issuer.getSubjectX500Principal().getName() + "'");
        }
        synchronized (VERIFIED) {
            VERIFIED.put(key, Boolean.TRUE);
        }
    }

    /**
     * Checks a leaf-first chain: each certificate valid at {@code now} and signed by the next, every
     * issuer a CA, and the last one byte-for-byte one of {@code anchors} (a self-signed root).
     * CRLs, when given, must be signed by a certificate of the chain and current; a certificate they
     * list is {@link Reason#CERT_REVOKED}.
     */
    public static void checkChain(List<X509Certificate> chain, List<X509Certificate> anchors, Instant now, List<X509CRL> crls, String what)
            throws AttestationException {
        if (chain.isEmpty()) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, what + ": empty certificate chain");
        }
        X509Certificate root = chain.get(chain.size() - 1);
        boolean trusted = false;
        for (X509Certificate a : anchors) {
            if (sameCert(a, root)) {
                trusted = true;
                break;
            }
        }
        if (!trusted) {
            throw new AttestationException(Reason.UNTRUSTED_ROOT, what + ": chain ends in untrusted root '" + root.getSubjectX500Principal().getName() + "'");
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String name = what + " certificate '" + c.getSubjectX500Principal().getName() + "'";
            X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : c;
            checkSignedBy(c, issuer, name);
            checkValidity(c, now, name);
            if (i > 0 && c.getBasicConstraints() < 0) {
                throw new AttestationException(Reason.CERT_CHAIN_INVALID, name + " issues certificates but is not a CA");
            }
        }
        for (X509CRL crl : crls) {
            X509Certificate issuer = null;
            for (X509Certificate c : chain) {
                if (c.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                    issuer = c;
                }
            }
            if (issuer == null) {
                throw new AttestationException(Reason.CRL_INVALID, what + ": CRL issuer '" + crl.getIssuerX500Principal().getName() + "' is not in the chain");
            }
            checkCrl(crl, issuer, now, what);
            for (X509Certificate c : chain) {
                if (c.getIssuerX500Principal().equals(crl.getIssuerX500Principal()) && c != issuer) {
                    X509CRLEntry e = crl.getRevokedCertificate(c.getSerialNumber());
                    if (e != null) {
                        throw new AttestationException(Reason.CERT_REVOKED, what + " certificate '" + c.getSubjectX500Principal().getName()
                                + "' (serial " + c.getSerialNumber().toString(16) + ") was revoked " + e.getRevocationDate().toInstant());
                    }
                }
            }
        }
    }

    public static void checkCrl(X509CRL crl, X509Certificate issuer, Instant now, String what) throws AttestationException {
        String key;
        try {
            key = "crl" + Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(crl.getEncoded()))
                    + Base64.getEncoder().encodeToString(issuer.getPublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Reason.MALFORMED, what + ": cannot encode");
        }
        if (!VERIFIED.containsKey(key)) {
            try {
                crl.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new AttestationException(Reason.CRL_INVALID, what + ": CRL of '" + crl.getIssuerX500Principal().getName() + "' is not signed by its issuer");
            }
            VERIFIED.put(key, Boolean.TRUE);
        }
        Instant thisUpdate = crl.getThisUpdate().toInstant();
        if (now.isBefore(thisUpdate)) {
            throw new AttestationException(Reason.CRL_INVALID, what + ": CRL of '" + crl.getIssuerX500Principal().getName() + "' not valid before " + thisUpdate);
        }
        if (crl.getNextUpdate() != null && now.isAfter(crl.getNextUpdate().toInstant())) {
            throw new AttestationException(Reason.CRL_INVALID, what + ": CRL of '" + crl.getIssuerX500Principal().getName() + "' expired "
                    + crl.getNextUpdate().toInstant() + " (now " + now + ")");
        }
    }

    static boolean sameCert(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DER inside an extension's OCTET STRING, or null when the certificate lacks it. */
    public static byte[] extension(X509Certificate c, String oid) throws AttestationException {
        byte[] wrapped = c.getExtensionValue(oid);
        if (wrapped == null) {
            return null;
        }
        return Der.parse(wrapped).octets();
    }
}
