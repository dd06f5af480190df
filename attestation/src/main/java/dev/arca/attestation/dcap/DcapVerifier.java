package dev.arca.attestation.dcap;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.Signatures;
import dev.arca.attestation.TcbStatus;
import dev.arca.attestation.TrustAnchors;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies Intel SGX and TDX DCAP quotes, following Intel's Quote Verification Library:
 * <ol>
 * <li>the PCK certificate chain from the quote to the Intel SGX Root CA, with both CRLs;</li>
 * <li>the TCB info and QE identity: Intel's signature (TCB signing chain to the same root), dates, and that they
 *     belong to this platform (FMSPC, PCE id, SGX or TDX);</li>
 * <li>the QE report: signed by the PCK key, binding the attestation key and QE authentication data, and the QE
 *     matching its identity;</li>
 * <li>the quote signature over header and body with the attestation key;</li>
 * <li>the TCB level of the platform (PCK certificate SVNs, TDX TEE_TCB_SVN and module), merged with the QE's.</li>
 * </ol>
 * Without collateral, steps 1 (without CRLs), 3 (without the identity) and 4 run and the status is
 * {@link TcbStatus#NOT_EVALUATED}.
 */
public final class DcapVerifier {
    static final byte[] INTEL_QE_VENDOR = HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607");
    private final List<X509Certificate> anchors;

    public DcapVerifier() {
        this(List.of(TrustAnchors.intelSgxRoot()));
    }

    /** A verifier trusting other roots: for tests only. */
    public DcapVerifier(List<X509Certificate> anchors) {
        this.anchors = List.copyOf(anchors);
    }

    public Verdict verify(byte[] quoteBytes, Collateral collateral, Instant now) throws AttestationException {
        Quote q = Quote.parse(quoteBytes);
        if (!Arrays.equals(q.qeVendorId(), INTEL_QE_VENDOR)) {
            throw new AttestationException(Reason.UNSUPPORTED, "QE vendor " + HexFormat.of().formatHex(q.qeVendorId()) + " is not Intel's");
        }
        if (q.certDataType() != Quote.CERT_DATA_PCK_CHAIN) {
            throw new AttestationException(Reason.UNSUPPORTED, "certification data type " + q.certDataType() + " (only 5, the PCK chain, is supported)");
        }
        List<String> notes = new ArrayList<>();
        if (q.trailing() > 0) {
            notes.add(q.trailing() + " bytes after the quote's signature data ignored (not signed)");
        }
        List<X509Certificate> pckChain = Certificates.parsePemChain(new String(q.certData(), StandardCharsets.US_ASCII), "PCK chain");
        List<X509CRL> crls = new ArrayList<>();
        CheckedCollateral checked = null;
        if (collateral != null) {
            checked = checkCollateral(collateral, now);
            crls.addAll(checked.crls());
        } else {
            notes.add("no collateral: revocation, TCB status and QE identity not checked");
        }
        if (pckChain.size() != 3) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, "PCK chain has " + pckChain.size() + " certificates, not 3");
        }
        Certificates.checkChain(pckChain, anchors, now, crls, "PCK");
        X509Certificate pck = pckChain.get(0);

        PublicKey attKey = Signatures.ecKey(q.attestationKey(), "secp256r1");
        if (!Signatures.verifyP1363(attKey, "SHA256", q.signedRegion(), q.signature())) {
            throw new AttestationException(Reason.SIGNATURE_INVALID, "quote signature does not verify with the attestation key");
        }
        // The QE report, signed by the PCK key, binds the attestation key.
        if (!Signatures.verifyP1363(pck.getPublicKey(), "SHA256", q.qeReportBytes(), q.qeReportSignature())) {
            throw new AttestationException(Reason.QE_REPORT_SIGNATURE_INVALID, "QE report signature does not verify with the PCK key");
        }
        byte[] binding = Signatures.sha256(q.attestationKey(), q.qeAuthData());
        byte[] qeData = q.qeReport().reportData();
        if (!Arrays.equals(Arrays.copyOf(qeData, 32), binding) || !Arrays.equals(Arrays.copyOfRange(qeData, 32, 64), new byte[32])) {
            throw new AttestationException(Reason.QE_REPORT_DATA_MISMATCH, "QE report data is not SHA-256(attestation key || QE auth data)");
        }

        PckExtensions ext = PckExtensions.of(pck);
        Map<String, String> level = new LinkedHashMap<>();
        level.put("fmspc", hex(ext.fmspc()));
        level.put("pceSvn", Integer.toString(ext.pceSvn()));
        level.put("sgxTcbComponents", Arrays.toString(ext.sgxSvns()));
        level.put("qeIsvSvn", Integer.toString(q.qeReport().isvSvn()));
        TcbStatus status = TcbStatus.NOT_EVALUATED;
        Set<String> advisories = new TreeSet<>();
        if (collateral != null) {
            status = evaluate(q, ext, checked, level, advisories);
        }
        return new Verdict(q.isTdx() ? EvidenceType.TDX : EvidenceType.SGX_DCAP, q.version(), status, level, List.copyOf(advisories),
                measurements(q), q.reportData(), q.isTdx() ? q.tdBody().debug() : q.sgxBody().debug(), false, now, notes);
    }

    /** Collateral whose signatures, chains and dates were checked at one instant. */
    record CheckedCollateral(List<X509CRL> crls, TcbInfo tcbInfo, QeIdentity qeIdentity) {}

    /**
     * Checks collateral on its own: the CRLs signed by their issuers (PCK CRL issuer chain to the
     * root) and current, TCB info and QE identity signed by Intel's TCB signing key and current.
     */
    CheckedCollateral checkCollateral(Collateral c, Instant now) throws AttestationException {
        X509CRL rootCrl = Certificates.parseCrl(c.rootCaCrl(), "root CA CRL");
        X509CRL pckCrl = Certificates.parseCrl(c.pckCrl(), "PCK CRL");
        List<X509Certificate> crlChain = Certificates.parsePemChain(c.pckCrlIssuerChain(), "PCK CRL issuer chain");
        Certificates.checkChain(crlChain, anchors, now, List.of(rootCrl), "PCK CRL issuer");
        Certificates.checkCrl(pckCrl, crlChain.get(0), now, "PCK CRL");
        List<X509Certificate> tcbChain = Certificates.parsePemChain(c.tcbInfoIssuerChain(), "TCB info issuer chain");
        Certificates.checkChain(tcbChain, anchors, now, List.of(rootCrl), "TCB signing");
        if (!Signatures.verifyP1363(tcbChain.get(0).getPublicKey(), "SHA256", c.tcbInfoBytes(), c.tcbInfoSignature())) {
            throw new AttestationException(Reason.COLLATERAL_INVALID, "TCB info signature does not verify with Intel's TCB signing key");
        }
        List<X509Certificate> qeChain = Certificates.parsePemChain(c.qeIdentityIssuerChain(), "QE identity issuer chain");
        Certificates.checkChain(qeChain, anchors, now, List.of(rootCrl), "QE identity signing");
        if (!Signatures.verifyP1363(qeChain.get(0).getPublicKey(), "SHA256", c.qeIdentityBytes(), c.qeIdentitySignature())) {
            throw new AttestationException(Reason.COLLATERAL_INVALID, "QE identity signature does not verify with Intel's TCB signing key");
        }
        TcbInfo info = TcbInfo.parse(c.tcbInfoBytes());
        QeIdentity qe = QeIdentity.parse(c.qeIdentityBytes());
        checkWindow("TCB info", info.issueDate(), info.nextUpdate(), now);
        checkWindow("QE identity", qe.issueDate(), qe.nextUpdate(), now);
        return new CheckedCollateral(List.of(rootCrl, pckCrl), info, qe);
    }

    private TcbStatus evaluate(Quote q, PckExtensions ext, CheckedCollateral c, Map<String, String> level, Set<String> advisories)
            throws AttestationException {
        TcbInfo info = c.tcbInfo();
        QeIdentity qe = c.qeIdentity();
        if (!info.id().equals(q.isTdx() ? "TDX" : "SGX")) {
            throw new AttestationException(Reason.COLLATERAL_MISMATCH, "TCB info is for " + info.id() + ", the quote is " + (q.isTdx() ? "TDX" : "SGX"));
        }
        if (!qe.id().equals(q.isTdx() ? "TD_QE" : "QE")) {
            throw new AttestationException(Reason.COLLATERAL_MISMATCH, "QE identity is for " + qe.id());
        }
        if (!Arrays.equals(info.fmspc(), ext.fmspc()) || !Arrays.equals(info.pceId(), ext.pceId())) {
            throw new AttestationException(Reason.COLLATERAL_MISMATCH, "TCB info is for FMSPC " + hex(info.fmspc()) + ", the PCK certificate's is " + hex(ext.fmspc()));
        }
        level.put("tcbEvaluationDataNumber", Integer.toString(info.evaluationDataNumber()));

        // The quoting enclave.
        EnclaveReport qr = q.qeReport();
        if (!Arrays.equals(qr.mrSigner(), qe.mrSigner()) || qr.isvProdId() != qe.isvProdId()
                || (qr.miscSelect() & qe.miscSelectMask()) != (qe.miscSelect() & qe.miscSelectMask())
                || !Arrays.equals(and(qr.attributes(), qe.attributesMask()), and(qe.attributes(), qe.attributesMask()))) {
            throw new AttestationException(Reason.QE_IDENTITY_MISMATCH, "the quoting enclave (MRSIGNER " + hex(qr.mrSigner()) + ", ISVPRODID "
                    + qr.isvProdId() + ") does not match Intel's QE identity");
        }
        QeIdentity.Level qeLevel = null;
        for (QeIdentity.Level l : qe.levels()) {
            if (qr.isvSvn() >= l.isvSvn()) {
                qeLevel = l;
                break;
            }
        }
        if (qeLevel == null) {
            throw new AttestationException(Reason.TCB_NOT_FOUND, "no QE TCB level for ISVSVN " + qr.isvSvn());
        }

        // The platform.
        TcbInfo.Level platform = null;
        byte[] teeTcb = q.isTdx() ? q.tdBody().teeTcbSvn() : null;
        boolean moduleVersioned = q.isTdx() && (teeTcb[1] & 0xff) > 0 && !info.moduleIdentities().isEmpty();
        for (TcbInfo.Level l : info.levels()) {
            if (atLeast(ext.sgxSvns(), l.sgxSvns(), 0) && ext.pceSvn() >= l.pceSvn()
                    && (!q.isTdx() || atLeast(unsigned(teeTcb), l.tdxSvns(), moduleVersioned ? 2 : 0))) {
                platform = l;
                break;
            }
        }
        if (platform == null) {
            throw new AttestationException(Reason.TCB_NOT_FOUND, "no TCB level of FMSPC " + hex(ext.fmspc())
                    + " matches the platform (SGX SVNs " + Arrays.toString(ext.sgxSvns()) + ", PCESVN " + ext.pceSvn()
                    + (q.isTdx() ? ", TEE_TCB_SVN " + hex(teeTcb) : "") + ")");
        }
        level.put("tcbDate", platform.tcbDate());
        TcbStatus status = platform.status();
        advisories.addAll(platform.advisories());
        if (q.isTdx()) {
            level.put("teeTcbSvn", hex(teeTcb));
            TcbStatus module = tdxModuleStatus(q.tdBody(), info, advisories);
            status = converge(status, module);
        }
        advisories.addAll(qeLevel.advisories());
        return converge(status, qeLevel.status());
    }

    private static TcbStatus tdxModuleStatus(TdReport td, TcbInfo info, Set<String> advisories) throws AttestationException {
        TcbInfo.TdxModule m = info.tdxModule();
        if (!Arrays.equals(td.mrSignerSeam(), m.mrSigner())
                || !Arrays.equals(and(td.seamAttributes(), m.attributesMask()), and(m.attributes(), m.attributesMask()))) {
            throw new AttestationException(Reason.FIELD_MISMATCH, "TDX module signer or attributes do not match the TCB info");
        }
        int version = td.teeTcbSvn()[1] & 0xff;
        if (version == 0 || info.moduleIdentities().isEmpty()) {
            return TcbStatus.UP_TO_DATE;
        }
        String id = String.format("TDX_%02X", version);
        for (TcbInfo.TdxModuleIdentity mi : info.moduleIdentities()) {
            if (mi.id().equals(id)) {
                if (!Arrays.equals(td.mrSignerSeam(), mi.mrSigner())
                        || !Arrays.equals(and(td.seamAttributes(), mi.attributesMask()), and(mi.attributes(), mi.attributesMask()))) {
                    throw new AttestationException(Reason.FIELD_MISMATCH, "TDX module " + id + " signer or attributes do not match");
                }
                int isvSvn = td.teeTcbSvn()[0] & 0xff;
                for (TcbInfo.ModuleLevel l : mi.levels()) {
                    if (isvSvn >= l.isvSvn()) {
                        advisories.addAll(l.advisories());
                        return l.status();
                    }
                }
                throw new AttestationException(Reason.TCB_NOT_FOUND, "no TCB level of TDX module " + id + " for ISVSVN " + isvSvn);
            }
        }
        throw new AttestationException(Reason.TCB_NOT_FOUND, "TCB info has no TDX module identity " + id);
    }

    /** Intel's convergence of the platform's status with the QE's (or the TDX module's). */
    static TcbStatus converge(TcbStatus platform, TcbStatus other) {
        if (other == TcbStatus.REVOKED || platform == TcbStatus.REVOKED) {
            return TcbStatus.REVOKED;
        }
        if (other == TcbStatus.OUT_OF_DATE || other == TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED) {
            return switch (platform) {
                case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
                case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
                default -> platform;
            };
        }
        return platform;
    }

    private static void checkWindow(String what, Instant issued, Instant next, Instant now) throws AttestationException {
        if (now.isBefore(issued) || now.isAfter(next)) {
            throw new AttestationException(Reason.COLLATERAL_EXPIRED, what + " valid " + issued + " to " + next + ", now is " + now);
        }
    }

    private static boolean atLeast(int[] have, int[] need, int from) {
        for (int i = from; i < 16; i++) {
            if (have[i] < need[i]) {
                return false;
            }
        }
        return true;
    }

    private static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    private static byte[] and(byte[] a, byte[] mask) {
        byte[] out = new byte[Math.min(a.length, mask.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (a[i] & mask[i]);
        }
        return out;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static Map<String, String> measurements(Quote q) {
        Map<String, String> m = new LinkedHashMap<>();
        if (q.isTdx()) {
            TdReport t = q.tdBody();
            m.put("mrtd", hex(t.mrTd()));
            for (int i = 0; i < 4; i++) {
                m.put("rtmr" + i, hex(t.rtmrs()[i]));
            }
            m.put("mrseam", hex(t.mrSeam()));
            m.put("mrconfigid", hex(t.mrConfigId()));
            m.put("mrowner", hex(t.mrOwner()));
            m.put("mrownerconfig", hex(t.mrOwnerConfig()));
            m.put("tdattributes", hex(t.tdAttributes()));
            m.put("xfam", hex(t.xfam()));
        } else {
            EnclaveReport r = q.sgxBody();
            m.put("mrenclave", hex(r.mrEnclave()));
            m.put("mrsigner", hex(r.mrSigner()));
            m.put("isvprodid", Integer.toString(r.isvProdId()));
            m.put("isvsvn", Integer.toString(r.isvSvn()));
            m.put("attributes", hex(r.attributes()));
        }
        return m;
    }
}
