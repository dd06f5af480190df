package dev.arca.attestation.dcap;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.ByteReader;

/** A TDX TD report body: TD report 1.0 (584 bytes) or 1.5 (648 bytes, quote v5 body type 3). */
public record TdReport(
        byte[] teeTcbSvn, byte[] mrSeam, byte[] mrSignerSeam, byte[] seamAttributes, byte[] tdAttributes,
        byte[] xfam, byte[] mrTd, byte[] mrConfigId, byte[] mrOwner, byte[] mrOwnerConfig,
        byte[][] rtmrs, byte[] reportData, byte[] teeTcbSvn2, byte[] mrServiceTd) {
    public static final int SIZE_10 = 584;
    public static final int SIZE_15 = 648;

    static TdReport parse(byte[] b, boolean v15) throws AttestationException {
        ByteReader r = new ByteReader(b, "TD report");
        byte[] tcb = r.bytes(16, "TEE_TCB_SVN");
        byte[] mrSeam = r.bytes(48, "MRSEAM");
        byte[] mrSignerSeam = r.bytes(48, "MRSIGNERSEAM");
        byte[] seamAttr = r.bytes(8, "SEAMATTRIBUTES");
        byte[] tdAttr = r.bytes(8, "TDATTRIBUTES");
        byte[] xfam = r.bytes(8, "XFAM");
        byte[] mrTd = r.bytes(48, "MRTD");
        byte[] cfg = r.bytes(48, "MRCONFIGID");
        byte[] owner = r.bytes(48, "MROWNER");
        byte[] ownerCfg = r.bytes(48, "MROWNERCONFIG");
        byte[][] rtmr = new byte[4][];
        for (int i = 0; i < 4; i++) {
            rtmr[i] = r.bytes(48, "RTMR" + i);
        }
        byte[] data = r.bytes(64, "report data");
        byte[] tcb2 = v15 ? r.bytes(16, "TEE_TCB_SVN2") : null;
        byte[] serviceTd = v15 ? r.bytes(48, "MRSERVICETD") : null;
        r.end();
        return new TdReport(tcb, mrSeam, mrSignerSeam, seamAttr, tdAttr, xfam, mrTd, cfg, owner, ownerCfg, rtmr, data, tcb2, serviceTd);
    }

    /** The DEBUG bit of TDATTRIBUTES. */
    public boolean debug() {
        return (tdAttributes[0] & 0x01) != 0;
    }
}
