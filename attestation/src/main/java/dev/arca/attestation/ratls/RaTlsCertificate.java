package dev.arca.attestation.ratls;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.Signatures;
import dev.arca.attestation.evidence.Evidence;
import dev.arca.attestation.evidence.EvidenceProvider;
import dev.arca.attestation.x509.CertificateBuilder;
import dev.arca.attestation.x509.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;

/**
 * RA-TLS certificates in the interoperable format (CCC-Attestation/interoperable-ra-tls): extension
 * 2.23.133.5.4.9 holds CBOR tag 60000 around [evidence, claims]; claims is a CBOR map whose
 * "pubkey-hash" is [hash-alg 1 = SHA-256, SHA-256 of the certificate's SubjectPublicKeyInfo], and
 * the evidence's report data starts with SHA-256 of the claims. So the evidence vouches for the
 * key that the TLS handshake proves possession of.
 *
 * @param evidence the raw evidence bytes (a quote, a report, sim evidence)
 * @param claims the claims as encoded (hashed into report data)
 * @param pubkeyHash the claimed SHA-256 of the public key
 */
public record RaTlsCertificate(byte[] evidence, byte[] claims, byte[] pubkeyHash) {
    public static final String OID = "2.23.133.5.4.9";
    static final int TAG = 60000;
    static final int MAX = 1 << 20;

    /** Reads the extension of {@code cert}; MALFORMED when it is absent or not in the format. */
    public static RaTlsCertificate of(X509Certificate cert) throws AttestationException {
        byte[] ext = Certificates.extension(cert, OID);
        if (ext == null) {
            throw new AttestationException(Reason.MALFORMED, "certificate has no RA-TLS extension " + OID);
        }
        if (ext.length > MAX) {
            throw new AttestationException(Reason.MALFORMED, "RA-TLS extension too large");
        }
        try (CBORParser p = new CBORFactory().createParser(ext)) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.getCurrentTag() != TAG) {
                throw new AttestationException(Reason.MALFORMED, "RA-TLS extension is not CBOR tag 60000 around an array");
            }
            byte[] evidence = binary(p);
            byte[] claims = binary(p);
            if (p.nextToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
                throw new AttestationException(Reason.MALFORMED, "RA-TLS extension: more than [evidence, claims]");
            }
            JsonNode map = new CBORMapper().readTree(claims);
            JsonNode ph = map == null ? null : map.get("pubkey-hash");
            if (ph == null || !ph.isBinary()) {
                throw new AttestationException(Reason.MALFORMED, "RA-TLS claims have no pubkey-hash");
            }
            JsonNode entry = new CBORMapper().readTree(ph.binaryValue());
            if (entry == null || !entry.isArray() || entry.size() != 2 || entry.get(0).asInt() != 1 || !entry.get(1).isBinary()
                    || entry.get(1).binaryValue().length != 32) {
                throw new AttestationException(Reason.UNSUPPORTED, "RA-TLS pubkey-hash is not [1 (SHA-256), 32 bytes]");
            }
            return new RaTlsCertificate(evidence, claims, entry.get(1).binaryValue());
        } catch (IOException | RuntimeException e) {
            throw new AttestationException(Reason.MALFORMED, "RA-TLS extension: bad CBOR (" + e.getMessage() + ")");
        }
    }

    private static byte[] binary(CBORParser p) throws IOException, AttestationException {
        if (p.nextToken() != JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw new AttestationException(Reason.MALFORMED, "RA-TLS extension: expected a byte string");
        }
        return p.getBinaryValue();
    }

    /** The report data that binds {@code claims}: SHA-256 of them, then 32 zero bytes. */
    public static byte[] reportDataFor(byte[] claims) {
        return Arrays.copyOf(Signatures.sha256(claims), 64);
    }

    /** Checks the binding: the certificate's key is the claimed one, and the report data hashes the claims. */
    public void checkBinding(X509Certificate cert, byte[] reportData) throws AttestationException {
        if (!Arrays.equals(pubkeyHash, Signatures.sha256(cert.getPublicKey().getEncoded()))) {
            throw new AttestationException(Reason.FIELD_MISMATCH, "RA-TLS pubkey-hash is not the hash of the certificate's key");
        }
        if (reportData.length < 32 || !Arrays.equals(Arrays.copyOf(reportData, 32), Signatures.sha256(claims))) {
            throw new AttestationException(Reason.FIELD_MISMATCH, "the evidence's report data does not bind the RA-TLS claims");
        }
    }

    /** Makes a self-signed RA-TLS certificate for {@code key}, with evidence from {@code provider}. */
    public static X509Certificate create(KeyPair key, EvidenceProvider provider, String subject, Instant from, Instant to) throws AttestationException {
        try {
            CBORMapper cbor = new CBORMapper();
            ByteArrayOutputStream hashEntry = new ByteArrayOutputStream();
            try (CBORGenerator g = new CBORFactory().createGenerator(hashEntry)) {
                g.writeStartArray(null, 2);
                g.writeNumber(1);
                g.writeBinary(Signatures.sha256(key.getPublic().getEncoded()));
                g.writeEndArray();
            }
            byte[] claims = cbor.writeValueAsBytes(java.util.Map.of("pubkey-hash", hashEntry.toByteArray()));
            Evidence ev = provider.quote(reportDataFor(claims));
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            try (CBORGenerator g = new CBORFactory().createGenerator(ext)) {
                g.writeTag(TAG);
                g.writeStartArray(null, 2);
                g.writeBinary(ev.bytes());
                g.writeBinary(claims);
                g.writeEndArray();
            }
            return new CertificateBuilder().subject(subject).validity(from, to).extension(OID, ext.toByteArray()).sign(key.getPublic(), key.getPrivate());
        } catch (IOException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "RA-TLS: cannot encode: " + e.getMessage());
        }
    }
}
