package dev.arca.attestation.dcap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.TcbStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Intel's identity of its quoting enclave (QE for SGX, TD_QE for TDX), version 2. */
record QeIdentity(String id, Instant issueDate, Instant nextUpdate, int evaluationDataNumber, long miscSelect, long miscSelectMask,
        byte[] attributes, byte[] attributesMask, byte[] mrSigner, int isvProdId, List<Level> levels) {

    record Level(int isvSvn, String tcbDate, TcbStatus status, List<String> advisories) {}

    static QeIdentity parse(byte[] text) throws AttestationException {
        Json j = new Json("QE identity");
        JsonNode n = j.parse(text);
        int version = j.integer(n, "version");
        if (version != 2) {
            throw new AttestationException(Reason.UNSUPPORTED, "QE identity version " + version + " (only 2 is supported)");
        }
        List<Level> levels = new ArrayList<>();
        for (JsonNode l : j.array(n, "tcbLevels")) {
            levels.add(new Level(j.integer(j.node(l, "tcb"), "isvsvn"), j.str(l, "tcbDate"), TcbStatus.fromIntel(j.str(l, "tcbStatus")),
                    j.strings(l, "advisoryIDs")));
        }
        byte[] misc = j.hex(n, "miscselect");
        byte[] miscMask = j.hex(n, "miscselectMask");
        if (misc.length != 4 || miscMask.length != 4) {
            throw j.bad("miscselect must be 4 bytes");
        }
        byte[] attr = j.hex(n, "attributes");
        byte[] attrMask = j.hex(n, "attributesMask");
        byte[] mrSigner = j.hex(n, "mrsigner");
        if (attr.length != 16 || attrMask.length != 16 || mrSigner.length != 32) {
            throw j.bad("attributes must be 16 bytes and mrsigner 32");
        }
        return new QeIdentity(j.str(n, "id"), j.instant(n, "issueDate"), j.instant(n, "nextUpdate"), j.integer(n, "tcbEvaluationDataNumber"),
                Long.parseLong(java.util.HexFormat.of().formatHex(misc), 16), Long.parseLong(java.util.HexFormat.of().formatHex(miscMask), 16),
                attr, attrMask, mrSigner, j.integer(n, "isvprodid"), levels);
    }
}
