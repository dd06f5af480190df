package dev.arca.attestation.dcap;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;

/**
 * Intel signs the exact text of the {@code tcbInfo} or {@code enclaveIdentity} member of a PCS
 * response, so it must be cut out of the response as written, not re-serialized.
 */
final class SignedJson {
    private SignedJson() {}

    /** The raw text of the object value of top-level member {@code name}. */
    static String rawMember(String json, String name) throws AttestationException {
        String key = "\"" + name + "\"";
        int k = json.indexOf(key);
        if (k < 0) {
            throw new AttestationException(Reason.COLLATERAL_MISSING, "PCS response has no '" + name + "'");
        }
        int p = k + key.length();
        while (p < json.length() && (json.charAt(p) == ' ' || json.charAt(p) == ':' || Character.isWhitespace(json.charAt(p)))) {
            p++;
        }
        if (p >= json.length() || json.charAt(p) != '{') {
            throw new AttestationException(Reason.MALFORMED, "PCS response: '" + name + "' is not an object");
        }
        int depth = 0;
        boolean inString = false;
        for (int i = p; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return json.substring(p, i + 1);
            }
        }
        throw new AttestationException(Reason.MALFORMED, "PCS response: '" + name + "' is not closed");
    }
}
