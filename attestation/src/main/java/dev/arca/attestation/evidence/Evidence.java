package dev.arca.attestation.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * One piece of evidence: its type, its bytes (a DCAP quote, an SEV-SNP report, or sim evidence)
 * and the certificates that came with it (the VCEK chain of an SNP report).
 *
 * <p>{@link #parse} reads what {@code arca attest verify --evidence} accepts: a raw DCAP quote, a
 * raw SNP report, either in hex, sim evidence, or Arca's bundle
 * {@code {"format": "arca-evidence", "type": "tdx", "evidence": "<base64>", "certificates": ["<PEM>"], "provider": "tsm"}}.
 */
public record Evidence(EvidenceType type, byte[] bytes, List<X509Certificate> certificates, String provider) {
    public static final String BUNDLE = "arca-evidence";

    public Evidence {
        bytes = bytes.clone();
        certificates = List.copyOf(certificates);
    }

    public static Evidence parse(byte[] in) throws AttestationException {
        if (SimEvidence.looksLike(in)) {
            return new Evidence(EvidenceType.SIM, in, List.of(), "sim");
        }
        String head = new String(in, 0, Math.min(in.length, 200), StandardCharsets.UTF_8);
        if (head.contains("\"" + BUNDLE + "\"")) {
            return parseBundle(in);
        }
        String text = new String(in, StandardCharsets.ISO_8859_1).strip();
        if (!text.isEmpty() && text.length() % 2 == 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            in = HexFormat.of().parseHex(text);
        }
        return new Evidence(detect(in), in, List.of(), "file");
    }

    /** DCAP quotes start with version 3..5 and key type 2; SNP reports are 1184 bytes starting with version 2 or 3. */
    public static EvidenceType detect(byte[] b) throws AttestationException {
        if (b.length >= 8 && (b[0] >= 3 && b[0] <= 5) && b[1] == 0 && b[2] == 2 && b[3] == 0) {
            int tee = (b[4] & 0xff) | (b[5] & 0xff) << 8;
            return b[0] != 3 && tee == 0x81 ? EvidenceType.TDX : EvidenceType.SGX_DCAP;
        }
        if (b.length == 1184 && (b[0] == 2 || b[0] == 3) && b[1] == 0 && b[2] == 0 && b[3] == 0) {
            return EvidenceType.SEV_SNP;
        }
        throw new AttestationException(Reason.MALFORMED, "evidence: not a DCAP quote, an SEV-SNP report, sim evidence or an Arca evidence bundle");
    }

    static Evidence parseBundle(byte[] in) throws AttestationException {
        try {
            JsonNode n = new ObjectMapper().readTree(in);
            EvidenceType type = null;
            for (EvidenceType t : EvidenceType.values()) {
                if (t.label().equals(n.path("type").asText())) {
                    type = t;
                }
            }
            if (type == null) {
                throw new AttestationException(Reason.MALFORMED, "evidence bundle: unknown type '" + n.path("type").asText() + "'");
            }
            byte[] bytes = Base64.getDecoder().decode(n.path("evidence").asText());
            List<X509Certificate> certs = new ArrayList<>();
            for (JsonNode c : n.path("certificates")) {
                certs.add(Certificates.parsePem(c.asText(), "evidence bundle certificate"));
            }
            if (type != EvidenceType.SIM && detect(bytes) != type) {
                throw new AttestationException(Reason.MALFORMED, "evidence bundle: type " + type.label() + " but the evidence is " + detect(bytes).label());
            }
            return new Evidence(type, bytes, certs, n.path("provider").asText("unknown"));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new AttestationException(Reason.MALFORMED, "evidence bundle: " + e.getMessage());
        }
    }

    /** The bundle form (sim evidence is written as itself). */
    public byte[] encode() {
        if (type == EvidenceType.SIM) {
            return bytes.clone();
        }
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("format", BUNDLE).put("type", type.label()).put("provider", provider);
        o.put("evidence", Base64.getEncoder().encodeToString(bytes));
        var arr = o.putArray("certificates");
        certificates.forEach(c -> arr.add(Certificates.toPem(c)));
        return (o.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
