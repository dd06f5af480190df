package dev.arca.attestation.dcap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.time.Instant;
import java.util.List;
import dev.arca.attestation.x509.Certificates;

/**
 * Intel's verification collateral for one platform: the CRLs with the chain of their issuer, and
 * the signed TCB info and QE identity with the chain of Intel's TCB signing key. The signed
 * bodies are kept as the exact text Intel signed.
 *
 * <p>The file format is that of Phala's dcap-qvl ({@code get_collateral}): a JSON object with
 * {@code pck_crl_issuer_chain}, {@code root_ca_crl} (hex DER), {@code pck_crl} (hex DER),
 * {@code tcb_info_issuer_chain}, {@code tcb_info}, {@code tcb_info_signature} (hex r||s),
 * {@code qe_identity_issuer_chain}, {@code qe_identity}, {@code qe_identity_signature}.
 */
public record Collateral(
        String pckCrlIssuerChain, byte[] rootCaCrl, byte[] pckCrl,
        String tcbInfoIssuerChain, String tcbInfo, byte[] tcbInfoSignature,
        String qeIdentityIssuerChain, String qeIdentity, byte[] qeIdentitySignature) {

    /** Reads the dcap-qvl JSON form. */
    public static Collateral parseJson(byte[] json) throws AttestationException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AttestationException(Reason.MALFORMED, "collateral: not JSON (" + oneLine(e) + ")");
        }
        if (n == null || !n.isObject()) {
            throw new AttestationException(Reason.MALFORMED, "collateral: not a JSON object");
        }
        return new Collateral(
                text(n, "pck_crl_issuer_chain"), hex(n, "root_ca_crl"), hex(n, "pck_crl"),
                text(n, "tcb_info_issuer_chain"), text(n, "tcb_info"), hex(n, "tcb_info_signature"),
                text(n, "qe_identity_issuer_chain"), text(n, "qe_identity"), hex(n, "qe_identity_signature"));
    }

    /**
     * Builds collateral from Intel PCS responses as fetched: the TCB info and QE identity
     * responses ({@code {"tcbInfo": {...}, "signature": "..."}}), the DER CRLs, and the issuer
     * chains (from the responses' issuer-chain headers).
     */
    public static Collateral fromPcs(String tcbInfoResponse, String qeIdentityResponse, byte[] pckCrl, byte[] rootCaCrl,
            String tcbSigningChain, String pckCrlIssuerChain) throws AttestationException {
        String tcbBody = SignedJson.rawMember(tcbInfoResponse, "tcbInfo");
        String qeBody = SignedJson.rawMember(qeIdentityResponse, "enclaveIdentity");
        return new Collateral(pckCrlIssuerChain, rootCaCrl, pckCrl,
                tcbSigningChain, tcbBody, signatureOf(tcbInfoResponse),
                tcbSigningChain, qeBody, signatureOf(qeIdentityResponse));
    }

    private static byte[] signatureOf(String response) throws AttestationException {
        try {
            JsonNode n = new ObjectMapper().readTree(response);
            return hex(n, "signature");
        } catch (JsonProcessingException e) {
            throw new AttestationException(Reason.MALFORMED, "PCS response: not JSON (" + oneLine(e) + ")");
        }
    }

    static String oneLine(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }

    private static String text(JsonNode n, String key) throws AttestationException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new AttestationException(Reason.COLLATERAL_MISSING, "collateral: '" + key + "' missing or not a string");
        }
        return v.asText();
    }

    private static byte[] hex(JsonNode n, String key) throws AttestationException {
        String s = text(n, key);
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Reason.MALFORMED, "collateral: '" + key + "' is not hex");
        }
    }

    /**
     * The last instant inside every validity window of this collateral (TCB info and QE identity
     * nextUpdate, both CRLs' nextUpdate): the "now" at which it is freshest-but-valid.
     */
    public Instant validUntil() throws AttestationException {
        Instant t = TcbInfo.parse(tcbInfoBytes()).nextUpdate();
        t = min(t, QeIdentity.parse(qeIdentityBytes()).nextUpdate());
        for (byte[] crl : List.of(rootCaCrl, pckCrl)) {
            var c = Certificates.parseCrl(crl, "CRL");
            if (c.getNextUpdate() != null) {
                t = min(t, c.getNextUpdate().toInstant());
            }
        }
        return t;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The TCB info body as bytes (the signed text). */
    byte[] tcbInfoBytes() {
        return tcbInfo.getBytes(StandardCharsets.UTF_8);
    }

    byte[] qeIdentityBytes() {
        return qeIdentity.getBytes(StandardCharsets.UTF_8);
    }
}
