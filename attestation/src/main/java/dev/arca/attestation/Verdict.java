package dev.arca.attestation;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What verified evidence says: made only by a verifier after every signature and chain checked.
 *
 * @param type the kind of evidence
 * @param version the quote or report format version
 * @param tcbStatus the platform's TCB status (including the quoting enclave for Intel)
 * @param tcbLevel the TCB level that matched, as name/value pairs (SVNs, dates); empty when none was evaluated
 * @param advisories security advisory ids that apply to this TCB level, sorted
 * @param measurements named measurements (MRENCLAVE, MRTD, RTMR0..3, MEASUREMENT, ...), lower-case hex
 * @param reportData the 64 bytes of report data the evidence binds
 * @param debug true when the TEE runs in debug mode (its memory is readable by the host)
 * @param insecure true for sim evidence: no hardware stands behind it
 * @param verifiedAt the instant the verification used as "now"
 * @param notes anything the verifier did not check, e.g. revocation without CRLs
 */
public record Verdict(
        EvidenceType type,
        int version,
        TcbStatus tcbStatus,
        Map<String, String> tcbLevel,
        List<String> advisories,
        Map<String, String> measurements,
        byte[] reportData,
        boolean debug,
        boolean insecure,
        Instant verifiedAt,
        List<String> notes) {

    public Verdict {
        tcbLevel = Map.copyOf(tcbLevel);
        advisories = advisories.stream().sorted().distinct().toList();
        measurements = Map.copyOf(measurements);
        reportData = reportData.clone();
        notes = List.copyOf(notes);
    }

    @Override
    public byte[] reportData() {
        return reportData.clone();
    }

    /** Report data as lower-case hex. */
    public String reportDataHex() {
        return HexFormat.of().formatHex(reportData);
    }
}
