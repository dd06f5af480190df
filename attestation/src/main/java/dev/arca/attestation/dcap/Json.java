package dev.arca.attestation.dcap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Typed reads from collateral JSON: a missing or mistyped member is COLLATERAL_INVALID. */
final class Json {
    private final String what;

    Json(String what) {
        this.what = what;
    }

    JsonNode parse(byte[] text) throws AttestationException {
        try {
            JsonNode n = new ObjectMapper().readTree(text);
            if (n == null || !n.isObject()) {
                throw bad("not a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw bad("not JSON (" + Collateral.oneLine(e) + ")");
        }
    }

    AttestationException bad(String m) {
        return new AttestationException(Reason.COLLATERAL_INVALID, what + ": " + m);
    }

    JsonNode node(JsonNode n, String key) throws AttestationException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw bad("'" + key + "' missing");
        }
        return v;
    }

    String str(JsonNode n, String key) throws AttestationException {
        JsonNode v = node(n, key);
        if (!v.isTextual()) {
            throw bad("'" + key + "' is not a string");
        }
        return v.asText();
    }

    int integer(JsonNode n, String key) throws AttestationException {
        JsonNode v = node(n, key);
        if (!v.isInt()) {
            throw bad("'" + key + "' is not an integer");
        }
        return v.asInt();
    }

    byte[] hex(JsonNode n, String key) throws AttestationException {
        try {
            return HexFormat.of().parseHex(str(n, key));
        } catch (IllegalArgumentException e) {
            throw bad("'" + key + "' is not hex");
        }
    }

    Instant instant(JsonNode n, String key) throws AttestationException {
        try {
            return Instant.parse(str(n, key));
        } catch (DateTimeParseException e) {
            throw bad("'" + key + "' is not an ISO-8601 instant");
        }
    }

    List<JsonNode> array(JsonNode n, String key) throws AttestationException {
        JsonNode v = node(n, key);
        if (!v.isArray()) {
            throw bad("'" + key + "' is not an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    List<String> strings(JsonNode n, String key) throws AttestationException {
        List<String> out = new ArrayList<>();
        if (n.get(key) == null) {
            return out;
        }
        for (JsonNode s : array(n, key)) {
            if (!s.isTextual()) {
                throw bad("'" + key + "' holds a non-string");
            }
            out.add(s.asText());
        }
        return out;
    }

    /** An array of {"svn": n} objects, as TCB components are written. */
    int[] svns(JsonNode n, String key) throws AttestationException {
        List<JsonNode> comps = array(n, key);
        if (comps.size() != 16) {
            throw bad("'" + key + "' has " + comps.size() + " components, not 16");
        }
        int[] out = new int[16];
        for (int i = 0; i < 16; i++) {
            out[i] = integer(comps.get(i), "svn");
        }
        return out;
    }
}
