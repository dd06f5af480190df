package dev.arca.attestation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The JSON form of a verdict or a refusal, as {@code arca attest verify} prints it. */
public final class VerdictJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VerdictJson() {}

    public static String of(Verdict v, List<String> violations) {
        ObjectNode o = JSON.createObjectNode();
        o.put("verified", true);
        o.put("meetsPolicy", violations.isEmpty());
        if (v.insecure()) {
            o.put("WARNING", "INSECURE: sim evidence, made with a software key; it proves nothing about the platform");
        }
        o.put("type", v.type().label());
        o.put("version", v.version());
        o.put("tcbStatus", v.tcbStatus().intelName());
        ObjectNode level = o.putObject("tcbLevel");
        v.tcbLevel().forEach(level::put);
        ArrayNode adv = o.putArray("advisories");
        v.advisories().forEach(adv::add);
        ObjectNode m = o.putObject("measurements");
        new java.util.TreeMap<>(v.measurements()).forEach(m::put);
        o.put("reportData", v.reportDataHex());
        o.put("debug", v.debug());
        o.put("insecure", v.insecure());
        o.put("verifiedAt", v.verifiedAt().toString());
        ArrayNode notes = o.putArray("notes");
        v.notes().forEach(notes::add);
        ArrayNode pv = o.putArray("policyViolations");
        violations.forEach(pv::add);
        return write(o);
    }

    public static String of(AttestationException e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("verified", false);
        o.put("meetsPolicy", false);
        ObjectNode err = o.putObject("error");
        err.put("reason", e.reason().name());
        err.put("message", e.getMessage());
        return write(o);
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
