package dev.arca.attestation.dcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.TcbStatus;
import dev.arca.attestation.Vectors;
import dev.arca.attestation.Verdict;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every Intel vector in ../shared/attestation-vectors with its known outcome. */
class DcapVectorsTest {
    final DcapVerifier verifier = new DcapVerifier();

    static Collateral collateral(String name) throws AttestationException {
        return Collateral.parseJson(Vectors.bytes("dcap-qvl/" + name));
    }

    @Test
    void sgxQuoteV3WithCollateral() throws Exception {
        Collateral c = collateral("sgx_quote_collateral.json");
        Verdict v = verifier.verify(Vectors.bytes("dcap-qvl/sgx_quote"), c, c.validUntil());
        assertEquals(EvidenceType.SGX_DCAP, v.type());
        assertEquals(3, v.version());
        assertEquals(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED, v.tcbStatus());
        assertEquals(List.of("INTEL-SA-00289", "INTEL-SA-00615"), v.advisories());
        assertEquals(64, v.reportData().length);
        assertEquals(64, v.measurements().get("mrenclave").length());
    }

    @Test
    void tdxQuoteV4WithCollateral() throws Exception {
        Collateral c = collateral("tdx_quote_collateral.json");
        Verdict v = verifier.verify(Vectors.bytes("dcap-qvl/tdx_quote"), c, c.validUntil());
        assertEquals(EvidenceType.TDX, v.type());
        assertEquals(4, v.version());
        assertEquals(TcbStatus.UP_TO_DATE, v.tcbStatus());
        assertEquals(List.of(), v.advisories());
        assertEquals(96, v.measurements().get("mrtd").length());
        assertFalse(v.debug());
    }

    /** The v5 quote's platform (SGX component 8 at 3) is below every TCB level of its collateral. */
    @Test
    void tdxQuoteV5OutdatedHasNoTcbLevel() throws Exception {
        Collateral c = collateral("tdx_quote_outdated_collateral.json");
        AttestationException e = assertThrows(AttestationException.class,
                () -> verifier.verify(Vectors.bytes("dcap-qvl/tdx_quote_outdated"), c, c.validUntil()));
        assertEquals(Reason.TCB_NOT_FOUND, e.reason());
        // Every signature checked before that: without collateral it verifies.
        Verdict v = verifier.verify(Vectors.bytes("dcap-qvl/tdx_quote_outdated"), null, c.validUntil());
        assertEquals(5, v.version());
        assertEquals(TcbStatus.NOT_EVALUATED, v.tcbStatus());
    }

    @Test
    void collateralOfAnotherPlatformIsRefused() throws Exception {
        Collateral other = collateral("tdx_quote_outdated_collateral.json");
        Collateral own = collateral("tdx_quote_collateral.json");
        // at an instant where both are valid the wrong FMSPC is named; otherwise dates fail first
        AttestationException e = assertThrows(AttestationException.class,
                () -> verifier.verify(Vectors.bytes("dcap-qvl/tdx_quote"), other, other.validUntil()));
        assertTrue(e.reason() == Reason.COLLATERAL_MISMATCH || e.reason() == Reason.CRL_INVALID || e.reason() == Reason.COLLATERAL_EXPIRED, e.toString());
        e = assertThrows(AttestationException.class,
                () -> verifier.verify(Vectors.bytes("dcap-qvl/sgx_quote"), own, own.validUntil()));
        assertTrue(e.reason() == Reason.COLLATERAL_MISMATCH || e.reason() == Reason.CRL_INVALID, e.toString());
    }

    @Test
    void expiredCollateral() throws Exception {
        Collateral c = collateral("sgx_quote_collateral.json");
        byte[] q = Vectors.bytes("dcap-qvl/sgx_quote");
        AttestationException e = assertThrows(AttestationException.class, () -> verifier.verify(q, c, c.validUntil().plusSeconds(1)));
        assertTrue(e.reason() == Reason.COLLATERAL_EXPIRED || e.reason() == Reason.CRL_INVALID, e.toString());
        e = assertThrows(AttestationException.class, () -> verifier.verify(q, c, Instant.parse("2024-01-01T00:00:00Z")));
        assertTrue(e.reason() == Reason.COLLATERAL_EXPIRED || e.reason() == Reason.CRL_INVALID, e.toString());
        e = assertThrows(AttestationException.class, () -> verifier.verify(q, c, Instant.parse("2060-01-01T00:00:00Z")));
        assertEquals(Reason.CERT_EXPIRED, e.reason());
    }

    @Test
    void goTdxGuestV4() throws Exception {
        byte[] q = Vectors.bytes("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
        Verdict v = verifier.verify(q, null, Instant.parse("2023-07-01T01:00:00Z"));
        assertEquals(TcbStatus.NOT_EVALUATED, v.tcbStatus());
        assertEquals(4, v.version());
        AttestationException e = assertThrows(AttestationException.class, () -> verifier.verify(q, null, Instant.parse("2053-07-01T00:00:00Z")));
        assertEquals(Reason.CERT_EXPIRED, e.reason());
    }

    /** go-tdx-guest's Intel PCS responses, assembled into collateral (TCB signing chain from dcap-qvl's: Intel's key is the same). */
    @Test
    void goTdxGuestV4WithPcsCollateral() throws Exception {
        Collateral dcapQvl = collateral("tdx_quote_collateral.json");
        Collateral pcs = Collateral.fromPcs(Vectors.text("go-tdx-guest/sample_tcbInfo_response"), Vectors.text("go-tdx-guest/sample_qeIdentity_response"),
                Vectors.bytes("go-tdx-guest/pckcrl"), Vectors.bytes("go-tdx-guest/rootcrl.der"), dcapQvl.tcbInfoIssuerChain(), dcapQvl.pckCrlIssuerChain());
        try {
            Verdict v = verifier.verify(Vectors.bytes("go-tdx-guest/tdx_prod_quote_SPR_E4.dat"), pcs, Instant.parse("2023-07-01T01:00:00Z"));
            assertEquals(EvidenceType.TDX, v.type());
        } catch (AttestationException e) {
            // The sample PCS responses need not belong to this quote's platform; what matters is a specific reason.
            assertTrue(List.of(Reason.COLLATERAL_MISMATCH, Reason.CRL_INVALID, Reason.CERT_CHAIN_INVALID, Reason.COLLATERAL_INVALID, Reason.COLLATERAL_EXPIRED, Reason.CERT_EXPIRED)
                    .contains(e.reason()), e.toString());
        }
    }

    @Test
    void goTdxGuestV5() throws Exception {
        Verdict v = verifier.verify(Vectors.bytes("go-tdx-guest/quote_v5_sample.dat"), null, Instant.parse("2026-02-03T01:00:00Z"));
        assertEquals(5, v.version());
        assertEquals(EvidenceType.TDX, v.type());
    }

    @Test
    void trusteeQuotes() throws Exception {
        Verdict sgx = verifier.verify(Vectors.bytes("trustee/occlum_quote.dat"), null, Instant.parse("2024-01-01T00:00:00Z"));
        assertEquals(EvidenceType.SGX_DCAP, sgx.type());
        Verdict tdx = verifier.verify(Vectors.bytes("trustee/tdx_quote_4.dat"), null, Instant.parse("2024-01-01T00:00:00Z"));
        assertEquals(EvidenceType.TDX, tdx.type());
    }

    @Test
    void reportDataIsTheQuotes() throws Exception {
        byte[] q = Vectors.bytes("dcap-qvl/sgx_quote");
        Verdict v = verifier.verify(q, null, Instant.parse("2025-07-01T00:00:00Z"));
        assertEquals(HexFormat.of().formatHex(java.util.Arrays.copyOfRange(q, 48 + 320, 48 + 384)), v.reportDataHex());
    }
}
