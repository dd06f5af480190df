package dev.arca.attestation.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.TcbStatus;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Arca's software evidence, INSECURE by construction: a JSON document signing a measurement and
 * 64 bytes of report data with a per-installation key, certified by a local test root. It lets
 * everything above attestation run without a TEE; every verdict made from it says insecure.
 *
 * <pre>{@code
 * {"format": "arca-sim-evidence", "version": 1, "insecure": true, "warning": "...",
 *  "measurement": "<hex>", "reportData": "<hex 64 bytes>", "certificates": ["<PEM key cert>", "<PEM root>"],
 *  "signature": "<hex DER ECDSA over DOMAIN || measurement || reportData>"}
 * }</pre>
 */
public final class SimEvidence {
    public static final String FORMAT = "arca-sim-evidence";
    static final byte[] DOMAIN = "arca-sim-evidence-v1\0".getBytes(StandardCharsets.US_ASCII);
    public static final String WARNING = "INSECURE: simulated attestation with a software key, no TEE";

    private SimEvidence() {}

    static byte[] signedBytes(byte[] measurement, byte[] reportData) {
        byte[] out = new byte[DOMAIN.length + measurement.length + reportData.length];
        System.arraycopy(DOMAIN, 0, out, 0, DOMAIN.length);
        System.arraycopy(measurement, 0, out, DOMAIN.length, measurement.length);
        System.arraycopy(reportData, 0, out, DOMAIN.length + measurement.length, reportData.length);
        return out;
    }

    static byte[] encode(byte[] measurement, byte[] reportData, List<X509Certificate> chain, byte[] signature) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("format", FORMAT).put("version", 1).put("insecure", true).put("warning", WARNING);
        o.put("measurement", HexFormat.of().formatHex(measurement));
        o.put("reportData", HexFormat.of().formatHex(reportData));
        var certs = o.putArray("certificates");
        chain.forEach(c -> certs.add(Certificates.toPem(c)));
        o.put("signature", HexFormat.of().formatHex(signature));
        return (o.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static boolean looksLike(byte[] b) {
        return new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8).contains("\"" + FORMAT + "\"");
    }

    /** Verifies sim evidence against the sim roots the caller trusts (normally this installation's). */
    public static Verdict verify(byte[] evidence, List<X509Certificate> trustedRoots, Instant now) throws AttestationException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(evidence);
        } catch (java.io.IOException e) {
            throw new AttestationException(Reason.MALFORMED, "sim evidence: not JSON");
        }
        if (n == null || !n.isObject() || !FORMAT.equals(n.path("format").asText()) || n.path("version").asInt() != 1) {
            throw new AttestationException(Reason.MALFORMED, "sim evidence: not format " + FORMAT + " version 1");
        }
        byte[] measurement = hex(n, "measurement");
        byte[] reportData = hex(n, "reportData");
        if (measurement.length != 32 || reportData.length != 64) {
            throw new AttestationException(Reason.MALFORMED, "sim evidence: measurement must be 32 bytes and reportData 64");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode c : n.path("certificates")) {
            chain.add(Certificates.parsePem(c.asText(), "sim evidence certificate"));
        }
        if (chain.size() != 2) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, "sim evidence: needs its key certificate and root");
        }
        if (trustedRoots.isEmpty()) {
            throw new AttestationException(Reason.UNTRUSTED_ROOT, "sim evidence: no sim root is trusted here (no local installation root)");
        }
        Certificates.checkChain(chain, trustedRoots, now, List.of(), "sim");
        try {
            Signature s = Signature.getInstance(chain.get(0).getPublicKey().getAlgorithm().equals("EC") ? "SHA384withECDSA" : "none");
            s.initVerify(chain.get(0).getPublicKey());
            s.update(signedBytes(measurement, reportData));
            if (!s.verify(hex(n, "signature"))) {
                throw new AttestationException(Reason.SIGNATURE_INVALID, "sim evidence signature does not verify");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(Reason.SIGNATURE_INVALID, "sim evidence signature does not verify");
        }
        return new Verdict(EvidenceType.SIM, 1, TcbStatus.INSECURE, Map.of(), List.of(), Map.of("measurement", HexFormat.of().formatHex(measurement)),
                reportData, false, true, now, List.of(WARNING));
    }

    private static byte[] hex(JsonNode n, String key) throws AttestationException {
        try {
            JsonNode v = n.get(key);
            if (v == null || !v.isTextual()) {
                throw new AttestationException(Reason.MALFORMED, "sim evidence: '" + key + "' missing");
            }
            return HexFormat.of().parseHex(v.asText());
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Reason.MALFORMED, "sim evidence: '" + key + "' is not hex");
        }
    }
}
