package dev.arca.attestation.dcap;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.ByteReader;
import java.util.Arrays;

/**
 * An Intel DCAP quote (Intel SGX ECDSA Quote Library Reference, quote formats v3, v4 and v5): the
 * header, an SGX enclave report or a TDX TD report, and the ECDSA signature data with the quoting
 * enclave's report and the PCK certificate chain. Parsing checks structure only; {@link DcapVerifier}
 * checks what it means.
 *
 * @param version 3, 4 or 5
 * @param teeType {@link #TEE_SGX} or {@link #TEE_TDX}
 * @param qeVendorId the quoting enclave vendor (Intel's is 939a7233f79c4ca9940a0db3957f0607)
 * @param signedRegion the bytes the attestation key signed: header and body (for v5 including its type and size)
 * @param sgxBody the enclave report, for SGX quotes (else null)
 * @param tdBody the TD report, for TDX quotes (else null)
 * @param signature the quote signature, r||s
 * @param attestationKey the attestation public key, x||y on P-256
 * @param qeReport the quoting enclave's report
 * @param qeReportBytes the 384 bytes the PCK key signed
 * @param qeReportSignature r||s
 * @param qeAuthData the authentication data the QE report binds with the attestation key
 * @param certDataType the certification data type (5 = PCK certificate chain in PEM)
 * @param certData the certification data
 * @param trailing the number of bytes after the signature data (ignored)
 */
public record Quote(
        int version, int teeType, byte[] qeVendorId, byte[] signedRegion,
        EnclaveReport sgxBody, TdReport tdBody,
        byte[] signature, byte[] attestationKey,
        EnclaveReport qeReport, byte[] qeReportBytes, byte[] qeReportSignature, byte[] qeAuthData,
        int certDataType, byte[] certData, int trailing) {

    public static final int TEE_SGX = 0x00000000;
    public static final int TEE_TDX = 0x00000081;
    public static final int HEADER_SIZE = 48;
    public static final int CERT_DATA_PCK_CHAIN = 5;
    public static final int CERT_DATA_QE_REPORT = 6;
    /** Bound on sizes read from the quote, so hostile lengths cannot make large allocations. */
    static final int MAX_DATA = 1 << 20;

    /** Parses a quote; anything but a well-formed v3, v4 or v5 ECDSA-P256 quote is an error. */
    public static Quote parse(byte[] q) throws AttestationException {
        ByteReader r = new ByteReader(q, "DCAP quote");
        int version = r.u16("version");
        if (version < 3 || version > 5) {
            throw new AttestationException(Reason.UNSUPPORTED, "DCAP quote version " + version + " (supported: 3, 4, 5)");
        }
        int keyType = r.u16("attestation key type");
        if (keyType != 2) {
            throw new AttestationException(Reason.UNSUPPORTED, "attestation key type " + keyType + " (only 2, ECDSA P-256, is supported)");
        }
        int teeType = version == 3 ? TEE_SGX : r.u32("TEE type");
        if (version == 3) {
            r.skip(4, "reserved");
        }
        if (teeType != TEE_SGX && teeType != TEE_TDX) {
            throw new AttestationException(Reason.UNSUPPORTED, "TEE type 0x" + Integer.toHexString(teeType));
        }
        if (version == 3 && teeType != TEE_SGX) {
            throw new AttestationException(Reason.MALFORMED, "v3 quotes are SGX only");
        }
        r.skip(4, "QE and PCE SVN");
        byte[] vendor = r.bytes(16, "QE vendor id");
        r.skip(20, "user data");
        EnclaveReport sgx = null;
        TdReport td = null;
        if (version == 5) {
            int bodyType = r.u16("body type");
            int bodySize = r.u32("body size");
            switch (bodyType) {
                case 1 -> {
                    if (bodySize != EnclaveReport.SIZE || teeType != TEE_SGX) {
                        throw new AttestationException(Reason.MALFORMED, "v5 SGX body of size " + bodySize + " for TEE type 0x" + Integer.toHexString(teeType));
                    }
                    sgx = EnclaveReport.parse(r.bytes(bodySize, "SGX report body"));
                }
                case 2, 3 -> {
                    int want = bodyType == 2 ? TdReport.SIZE_10 : TdReport.SIZE_15;
                    if (bodySize != want || teeType != TEE_TDX) {
                        throw new AttestationException(Reason.MALFORMED, "v5 TD report type " + bodyType + " of size " + bodySize);
                    }
                    td = TdReport.parse(r.bytes(bodySize, "TD report body"), bodyType == 3);
                }
                default -> throw new AttestationException(Reason.UNSUPPORTED, "v5 body type " + bodyType);
            }
        } else if (teeType == TEE_SGX) {
            sgx = EnclaveReport.parse(r.bytes(EnclaveReport.SIZE, "SGX report body"));
        } else {
            td = TdReport.parse(r.bytes(TdReport.SIZE_10, "TD report body"), false);
        }
        byte[] signed = Arrays.copyOfRange(q, 0, r.position());
        int sigLen = r.u32("signature data length");
        if (sigLen > r.remaining()) {
            throw new AttestationException(Reason.MALFORMED, "signature data length " + sigLen + " but " + r.remaining() + " bytes follow");
        }
        ByteReader s = new ByteReader(r.bytes(sigLen, "signature data"), "quote signature data");
        // Quotes are often read from a fixed-size buffer: bytes after the signature data are ignored,
        // as Intel's library does; they are signed by nothing and the verdict notes them.
        int trailing = r.remaining();
        byte[] sig = s.bytes(64, "quote signature");
        byte[] key = s.bytes(64, "attestation key");
        ByteReader qe = s;
        if (version >= 4) {
            int outerType = s.u16("certification data type");
            int outerSize = s.u32("certification data size");
            if (outerType != CERT_DATA_QE_REPORT) {
                throw new AttestationException(Reason.UNSUPPORTED, "certification data type " + outerType + " (expected 6, QE report)");
            }
            qe = new ByteReader(s.bytes(outerSize, "QE report certification data"), "QE report certification data");
            s.end();
        }
        byte[] qeReportBytes = qe.bytes(EnclaveReport.SIZE, "QE report");
        byte[] qeSig = qe.bytes(64, "QE report signature");
        int authLen = qe.u16("QE auth data size");
        byte[] auth = qe.bytes(authLen, "QE auth data");
        int certType = qe.u16("certification data type");
        int certSize = qe.u32("certification data size");
        if (certSize > MAX_DATA) {
            throw new AttestationException(Reason.MALFORMED, "certification data of " + certSize + " bytes");
        }
        byte[] cert = qe.bytes(certSize, "certification data");
        qe.end();
        return new Quote(version, teeType, vendor, signed, sgx, td, sig, key,
                EnclaveReport.parse(qeReportBytes), qeReportBytes, qeSig, auth, certType, cert, trailing);
    }

    public boolean isTdx() {
        return teeType == TEE_TDX;
    }

    /** The 64 bytes of report data of the body. */
    public byte[] reportData() {
        return isTdx() ? tdBody.reportData() : sgxBody.reportData();
    }
}
