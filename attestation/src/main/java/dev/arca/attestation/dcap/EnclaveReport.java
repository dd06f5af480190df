package dev.arca.attestation.dcap;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.ByteReader;

/** An SGX enclave report body (384 bytes): the identity of an enclave and its report data. */
public record EnclaveReport(
        byte[] cpuSvn, long miscSelect, byte[] attributes, byte[] mrEnclave, byte[] mrSigner,
        int isvProdId, int isvSvn, byte[] reportData) {
    public static final int SIZE = 384;

    static EnclaveReport parse(byte[] b) throws AttestationException {
        ByteReader r = new ByteReader(b, "SGX report");
        byte[] cpuSvn = r.bytes(16, "CPUSVN");
        long misc = r.u32("MISCSELECT") & 0xffffffffL;
        r.skip(28, "reserved");
        byte[] attributes = r.bytes(16, "attributes");
        byte[] mrEnclave = r.bytes(32, "MRENCLAVE");
        r.skip(32, "reserved");
        byte[] mrSigner = r.bytes(32, "MRSIGNER");
        r.skip(96, "reserved");
        int prod = r.u16("ISVPRODID");
        int svn = r.u16("ISVSVN");
        r.skip(60, "reserved");
        byte[] data = r.bytes(64, "report data");
        r.end();
        return new EnclaveReport(cpuSvn, misc, attributes, mrEnclave, mrSigner, prod, svn, data);
    }

    /** The DEBUG bit of the enclave's attributes. */
    public boolean debug() {
        return (attributes[0] & 0x02) != 0;
    }
}
