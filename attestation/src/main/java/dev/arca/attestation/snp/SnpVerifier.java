package dev.arca.attestation.snp;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.Signatures;
import dev.arca.attestation.TcbStatus;
import dev.arca.attestation.TrustAnchors;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.x509.Certificates;
import dev.arca.attestation.x509.Der;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies an AMD SEV-SNP report: the VCEK (or VLEK) chain to an AMD root key (ASK or ASVK, then
 * ARK, all RSASSA-PSS with SHA-384), the report's ECDSA P-384 signature, and that the report's
 * fields agree with the certificate (reported TCB SPLs and chip id).
 */
public final class SnpVerifier {
    static final String EXT = "1.3.6.1.4.1.3704.1.";
    private final List<X509Certificate> anchors;
    private final List<X509Certificate> intermediates;

    public SnpVerifier() {
        this(TrustAnchors.amdRoots(), TrustAnchors.amdIntermediates());
    }

    public SnpVerifier(List<X509Certificate> anchors, List<X509Certificate> intermediates) {
        this.anchors = List.copyOf(anchors);
        this.intermediates = List.copyOf(intermediates);
    }

    /**
     * @param certs the endorsement key certificate (VCEK or VLEK) first, then optionally its
     *     issuer (ASK or ASVK) and the ARK; missing ones are taken from the shipped AMD certificates
     */
    public Verdict verify(byte[] reportBytes, List<X509Certificate> certs, Instant now) throws AttestationException {
        SnpReport r = SnpReport.parse(reportBytes);
        if (certs.isEmpty()) {
            throw new AttestationException(Reason.COLLATERAL_MISSING, "SEV-SNP report needs its VCEK or VLEK certificate");
        }
        String keyName = switch (r.signingKey()) {
            case 0 -> "VCEK";
            case 1 -> "VLEK";
            default -> throw new AttestationException(Reason.UNSUPPORTED, "SEV-SNP report signed by key type " + r.signingKey());
        };
        X509Certificate ek = certs.get(0);
        String cn = ek.getSubjectX500Principal().getName();
        if (!cn.contains("CN=SEV-" + keyName)) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, "the report is signed by a " + keyName + ", the certificate is '" + cn + "'");
        }
        List<X509Certificate> chain = new ArrayList<>(certs);
        if (chain.size() < 3) {
            for (X509Certificate cand : concat(intermediates, anchors)) {
                X509Certificate top = chain.get(chain.size() - 1);
                if (chain.size() < 3 && top.getIssuerX500Principal().equals(cand.getSubjectX500Principal()) && !top.equals(cand)) {
                    chain.add(cand);
                }
            }
        }
        if (chain.size() != 3) {
            throw new AttestationException(Reason.CERT_CHAIN_INVALID, keyName + " issuer '" + chain.get(chain.size() - 1).getIssuerX500Principal().getName()
                    + "' is not known (give the ASK/ASVK and ARK)");
        }
        Certificates.checkChain(chain, anchors, now, List.of(), keyName);

        byte[] rs = new byte[96];
        System.arraycopy(reverse48(r.signatureR()), 0, rs, 0, 48);
        System.arraycopy(reverse48(r.signatureS()), 0, rs, 48, 48);
        if (!Signatures.verifyP1363(ek.getPublicKey(), "SHA384", r.signedRegion(), rs)) {
            throw new AttestationException(Reason.SIGNATURE_INVALID, "report signature does not verify with the " + keyName);
        }

        SnpReport.TcbVersion tcb = r.tcb(r.reportedTcb());
        checkSpl(ek, "3.1", tcb.bootloader(), "bootloader", keyName);
        checkSpl(ek, "3.2", tcb.tee(), "TEE", keyName);
        checkSpl(ek, "3.3", tcb.snp(), "SNP", keyName);
        checkSpl(ek, "3.8", tcb.microcode(), "microcode", keyName);
        if (r.turin()) {
            checkSpl(ek, "3.9", tcb.fmc(), "FMC", keyName);
        }
        List<String> notes = new ArrayList<>();
        notes.add("AMD publishes no TCB status: UpToDate means the " + keyName + " certifies the reported TCB; require versions with minSnpTcb");
        if (keyName.equals("VCEK")) {
            byte[] hwid = Certificates.extension(ek, EXT + "4");
            if (hwid == null) {
                throw new AttestationException(Reason.FIELD_MISMATCH, "VCEK has no hardware id extension");
            }
            byte[] id = hwid.length == 64 ? hwid : Der.parse(hwid).octets();
            if (r.chipIdMasked()) {
                notes.add("chip id masked by the guest");
            } else if (!Arrays.equals(id, r.chipId())) {
                throw new AttestationException(Reason.FIELD_MISMATCH, "report chip id is not the VCEK's hardware id");
            }
        }
        Map<String, String> level = new LinkedHashMap<>();
        level.put("bootloader", Integer.toString(tcb.bootloader()));
        level.put("tee", Integer.toString(tcb.tee()));
        level.put("snp", Integer.toString(tcb.snp()));
        level.put("microcode", Integer.toString(tcb.microcode()));
        if (tcb.fmc() >= 0) {
            level.put("fmc", Integer.toString(tcb.fmc()));
        }
        level.put("signingKey", keyName);
        Map<String, String> m = new LinkedHashMap<>();
        HexFormat hex = HexFormat.of();
        m.put("measurement", hex.formatHex(r.measurement()));
        m.put("hostData", hex.formatHex(r.hostData()));
        m.put("idKeyDigest", hex.formatHex(r.idKeyDigest()));
        m.put("authorKeyDigest", hex.formatHex(r.authorKeyDigest()));
        m.put("familyId", hex.formatHex(r.familyId()));
        m.put("imageId", hex.formatHex(r.imageId()));
        m.put("guestSvn", Integer.toString(r.guestSvn()));
        m.put("policy", "0x" + Long.toHexString(r.policy()));
        m.put("vmpl", Integer.toString(r.vmpl()));
        return new Verdict(EvidenceType.SEV_SNP, r.version(), TcbStatus.UP_TO_DATE, level, List.of(), m, r.reportData(), r.debug(), false, now, notes);
    }

    private static void checkSpl(X509Certificate ek, String arc, int reported, String name, String keyName) throws AttestationException {
        byte[] v = Certificates.extension(ek, EXT + arc);
        if (v == null) {
            throw new AttestationException(Reason.FIELD_MISMATCH, keyName + " has no " + name + " SPL extension");
        }
        int certified = Der.parse(v).smallInt();
        if (certified != reported) {
            throw new AttestationException(Reason.FIELD_MISMATCH, "reported " + name + " SPL " + reported + " is not the " + keyName + "'s " + certified);
        }
    }

    private static byte[] reverse48(byte[] le) {
        byte[] out = new byte[48];
        for (int i = 0; i < 48; i++) {
            out[i] = le[47 - i];
        }
        return out;
    }

    private static List<X509Certificate> concat(List<X509Certificate> a, List<X509Certificate> b) {
        List<X509Certificate> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
