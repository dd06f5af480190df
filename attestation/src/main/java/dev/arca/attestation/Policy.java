package dev.arca.attestation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a relying party requires of verified evidence. JSON, unknown keys are errors:
 *
 * <pre>{@code
 * {
 *   "allowedMeasurements": ["<hex>", ...],   // the main measurement: MRENCLAVE, MRTD, SNP MEASUREMENT or the sim measurement
 *   "minTcbStatus": "SWHardeningNeeded",     // at least this good (order: UpToDate, SWHardeningNeeded, ConfigurationNeeded,
 *                                            // ConfigurationAndSWHardeningNeeded, OutOfDate, OutOfDateConfigurationNeeded, NotEvaluated)
 *   "allowedAdvisories": ["INTEL-SA-00615"], // when present, every advisory of the TCB level must be listed
 *   "allowDebug": false,                     // default false
 *   "allowSim": false,                       // default false: sim evidence is refused
 *   "reportData": "<hex>"                    // exact report data, when the caller knows it
 * }
 * }</pre>
 */
public record Policy(
        @JsonProperty("allowedMeasurements") List<String> allowedMeasurements,
        @JsonProperty("minTcbStatus") String minTcbStatus,
        @JsonProperty("allowedAdvisories") List<String> allowedAdvisories,
        @JsonProperty("allowDebug") Boolean allowDebug,
        @JsonProperty("allowSim") Boolean allowSim,
        @JsonProperty("reportData") String reportData) {

    /** The default: hardware evidence only, not in debug mode, any verified TCB status except Revoked. */
    public static final Policy DEFAULT = new Policy(null, null, null, false, false, null);

    public Policy {
        allowedMeasurements = allowedMeasurements == null ? null : allowedMeasurements.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    public static Policy parse(byte[] json) throws AttestationException {
        Policy p;
        try {
            p = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(json, Policy.class);
        } catch (java.io.IOException e) {
            String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new AttestationException(AttestationException.Reason.MALFORMED, "policy: " + (m == null ? "unreadable" : m.lines().findFirst().orElse("")));
        }
        if (p == null) {
            throw new AttestationException(AttestationException.Reason.MALFORMED, "policy: empty");
        }
        if (p.minTcbStatus != null) {
            TcbStatus.fromIntel(p.minTcbStatus);
        }
        return p;
    }

    /** The main measurement of a verdict, the one {@code allowedMeasurements} lists. */
    public static String mainMeasurement(Verdict v) {
        Map<String, String> m = v.measurements();
        return switch (v.type()) {
            case SGX_DCAP -> m.get("mrenclave");
            case TDX -> m.get("mrtd");
            case SEV_SNP, SIM -> m.get("measurement");
        };
    }

    /** Every way {@code v} falls short of this policy; empty when it meets it. */
    public List<String> violations(Verdict v) {
        List<String> out = new ArrayList<>();
        if (v.insecure() && !Boolean.TRUE.equals(allowSim)) {
            out.add("sim evidence (insecure, no TEE) is not allowed");
        }
        if (v.debug() && !Boolean.TRUE.equals(allowDebug)) {
            out.add("the TEE runs in debug mode");
        }
        if (v.tcbStatus() == TcbStatus.REVOKED) {
            out.add("the platform's TCB is revoked");
        }
        if (minTcbStatus != null && !v.insecure()) {
            try {
                TcbStatus min = TcbStatus.fromIntel(minTcbStatus);
                if (!v.tcbStatus().meets(min)) {
                    out.add("TCB status " + v.tcbStatus().intelName() + " is below " + min.intelName());
                }
            } catch (AttestationException e) {
                out.add(e.getMessage());
            }
        }
        if (allowedAdvisories != null) {
            for (String a : v.advisories()) {
                if (!allowedAdvisories.contains(a)) {
                    out.add("advisory " + a + " is not allowed");
                }
            }
        }
        if (allowedMeasurements != null && !allowedMeasurements.contains(mainMeasurement(v))) {
            out.add("measurement " + mainMeasurement(v) + " is not allowed");
        }
        if (reportData != null && !reportData.equalsIgnoreCase(HexFormat.of().formatHex(v.reportData()))) {
            out.add("report data differs from the expected");
        }
        return out;
    }

    /** Fails with POLICY_VIOLATION naming every shortfall. */
    public void check(Verdict v) throws AttestationException {
        List<String> bad = violations(v);
        if (!bad.isEmpty()) {
            throw new AttestationException(AttestationException.Reason.POLICY_VIOLATION, String.join("; ", bad));
        }
    }
}
