package dev.arca.attestation.snp;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.ByteReader;
import java.util.Arrays;

/**
 * An AMD SEV-SNP attestation report (SEV Secure Nested Paging Firmware ABI Specification, table
 * "ATTESTATION_REPORT"), versions 2 and 3: 1184 bytes, of which the first 0x2A0 are signed.
 */
public record SnpReport(
        int version, int guestSvn, long policy, byte[] familyId, byte[] imageId, int vmpl, int signatureAlgo,
        long currentTcb, long platformInfo, int flags, byte[] reportData, byte[] measurement, byte[] hostData,
        byte[] idKeyDigest, byte[] authorKeyDigest, byte[] reportId, byte[] reportIdMa, long reportedTcb,
        int cpuidFamily, int cpuidModel, int cpuidStepping, byte[] chipId, long committedTcb, long launchTcb,
        byte[] signedRegion, byte[] signatureR, byte[] signatureS) {

    public static final int SIZE = 1184;
    public static final int SIGNED_SIZE = 0x2a0;

    public static SnpReport parse(byte[] b) throws AttestationException {
        if (b.length != SIZE) {
            throw new AttestationException(Reason.MALFORMED, "SEV-SNP report is " + b.length + " bytes, not " + SIZE);
        }
        ByteReader r = new ByteReader(b, "SEV-SNP report");
        int version = r.u32("version");
        if (version != 2 && version != 3) {
            throw new AttestationException(Reason.UNSUPPORTED, "SEV-SNP report version " + version + " (supported: 2, 3)");
        }
        int guestSvn = r.u32("guest SVN");
        long policy = r.u64("policy");
        byte[] family = r.bytes(16, "family id");
        byte[] image = r.bytes(16, "image id");
        int vmpl = r.u32("VMPL");
        int algo = r.u32("signature algorithm");
        if (algo != 1) {
            throw new AttestationException(Reason.UNSUPPORTED, "SEV-SNP signature algorithm " + algo + " (only 1, ECDSA P-384 with SHA-384)");
        }
        long currentTcb = r.u64("current TCB");
        long platformInfo = r.u64("platform info");
        int flags = r.u32("flags");
        r.skip(4, "reserved");
        byte[] data = r.bytes(64, "report data");
        byte[] measurement = r.bytes(48, "measurement");
        byte[] host = r.bytes(32, "host data");
        byte[] idKey = r.bytes(48, "id key digest");
        byte[] authorKey = r.bytes(48, "author key digest");
        byte[] reportId = r.bytes(32, "report id");
        byte[] reportIdMa = r.bytes(32, "report id MA");
        long reportedTcb = r.u64("reported TCB");
        int fam = r.u8("CPUID family");
        int model = r.u8("CPUID model");
        int step = r.u8("CPUID stepping");
        r.skip(0x1a0 - 0x18b, "reserved");
        byte[] chip = r.bytes(64, "chip id");
        long committed = r.u64("committed TCB");
        r.skip(8, "build numbers");
        long launch = r.u64("launch TCB");
        r.skip(SIGNED_SIZE - 0x1f8, "reserved");
        byte[] sigR = r.bytes(72, "signature R");
        byte[] sigS = r.bytes(72, "signature S");
        r.skip(r.remaining(), "reserved");
        for (int i = 48; i < 72; i++) {
            if (sigR[i] != 0 || sigS[i] != 0) {
                throw new AttestationException(Reason.MALFORMED, "SEV-SNP signature components have non-zero bytes past 48");
            }
        }
        if (version == 2) {
            fam = model = step = 0;
        }
        return new SnpReport(version, guestSvn, policy, family, image, vmpl, algo, currentTcb, platformInfo, flags, data, measurement, host,
                idKey, authorKey, reportId, reportIdMa, reportedTcb, fam, model, step, chip, committed, launch,
                Arrays.copyOf(b, SIGNED_SIZE), sigR, sigS);
    }

    /** Which key signed: 0 VCEK, 1 VLEK, 7 none. */
    public int signingKey() {
        return (flags >> 2) & 7;
    }

    public boolean chipIdMasked() {
        return (flags & 2) != 0;
    }

    /** Guest policy bit 19: the hypervisor may debug the guest (read its memory). */
    public boolean debug() {
        return (policy & (1L << 19)) != 0;
    }

    /** True for a Turin (family 0x1A) report, whose TCB layout differs. */
    public boolean turin() {
        return cpuidFamily == 0x1a;
    }

    /** The components of a TCB version in this report's layout: bootloader, tee, snp, microcode (and fmc on Turin). */
    public TcbVersion tcb(long raw) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (raw >>> (8 * i));
        }
        return turin() ? new TcbVersion(b[1] & 0xff, b[2] & 0xff, b[3] & 0xff, b[7] & 0xff, b[0] & 0xff)
                : new TcbVersion(b[0] & 0xff, b[1] & 0xff, b[6] & 0xff, b[7] & 0xff, -1);
    }

    /** SPL values of a TCB; fmc is -1 before Turin. */
    public record TcbVersion(int bootloader, int tee, int snp, int microcode, int fmc) {}
}
