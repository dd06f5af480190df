package dev.arca.attestation.dcap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.TcbStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Intel's TCB info (version 3) for one FMSPC: the TCB levels of SGX or TDX platforms, best first. */
record TcbInfo(String id, int version, Instant issueDate, Instant nextUpdate, byte[] fmspc, byte[] pceId,
        int evaluationDataNumber, List<Level> levels, TdxModule tdxModule, List<TdxModuleIdentity> moduleIdentities) {

    record Level(int[] sgxSvns, int pceSvn, int[] tdxSvns, String tcbDate, TcbStatus status, List<String> advisories) {}

    record TdxModule(byte[] mrSigner, byte[] attributes, byte[] attributesMask) {}

    record ModuleLevel(int isvSvn, String tcbDate, TcbStatus status, List<String> advisories) {}

    record TdxModuleIdentity(String id, byte[] mrSigner, byte[] attributes, byte[] attributesMask, List<ModuleLevel> levels) {}

    static TcbInfo parse(byte[] text) throws AttestationException {
        Json j = new Json("TCB info");
        JsonNode n = j.parse(text);
        String id = j.str(n, "id");
        int version = j.integer(n, "version");
        if (version != 3) {
            throw new AttestationException(Reason.UNSUPPORTED, "TCB info version " + version + " (only 3 is supported)");
        }
        if (!id.equals("SGX") && !id.equals("TDX")) {
            throw j.bad("unknown id '" + id + "'");
        }
        List<Level> levels = new ArrayList<>();
        for (JsonNode l : j.array(n, "tcbLevels")) {
            JsonNode tcb = j.node(l, "tcb");
            int[] tdx = id.equals("TDX") ? j.svns(tcb, "tdxtcbcomponents") : null;
            levels.add(new Level(j.svns(tcb, "sgxtcbcomponents"), j.integer(tcb, "pcesvn"), tdx, j.str(l, "tcbDate"),
                    TcbStatus.fromIntel(j.str(l, "tcbStatus")), j.strings(l, "advisoryIDs")));
        }
        TdxModule module = null;
        List<TdxModuleIdentity> identities = new ArrayList<>();
        if (id.equals("TDX")) {
            JsonNode m = j.node(n, "tdxModule");
            module = new TdxModule(j.hex(m, "mrsigner"), j.hex(m, "attributes"), j.hex(m, "attributesMask"));
            if (n.get("tdxModuleIdentities") != null) {
                for (JsonNode mi : j.array(n, "tdxModuleIdentities")) {
                    List<ModuleLevel> ml = new ArrayList<>();
                    for (JsonNode l : j.array(mi, "tcbLevels")) {
                        ml.add(new ModuleLevel(j.integer(j.node(l, "tcb"), "isvsvn"), j.str(l, "tcbDate"),
                                TcbStatus.fromIntel(j.str(l, "tcbStatus")), j.strings(l, "advisoryIDs")));
                    }
                    identities.add(new TdxModuleIdentity(j.str(mi, "id"), j.hex(mi, "mrsigner"), j.hex(mi, "attributes"),
                            j.hex(mi, "attributesMask"), ml));
                }
            }
        }
        return new TcbInfo(id, version, j.instant(n, "issueDate"), j.instant(n, "nextUpdate"), j.hex(n, "fmspc"), j.hex(n, "pceId"),
                j.integer(n, "tcbEvaluationDataNumber"), levels, module, identities);
    }
}
