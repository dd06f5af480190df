package dev.arca.attestation.dcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.Mutations;
import dev.arca.attestation.Vectors;
import dev.arca.attestation.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every byte of every signed region flipped, certificates swapped, and a seeded fuzz of the parser. */
class DcapTamperTest {
    final DcapVerifier verifier = new DcapVerifier();
    static final Set<Reason> CERTS = EnumSet.of(Reason.MALFORMED, Reason.CERT_CHAIN_INVALID, Reason.UNTRUSTED_ROOT);

    void flipQuote(String name, Instant now) throws Exception {
        byte[] q = Vectors.bytes(name);
        Quote parsed = Quote.parse(q);
        Mutations.Check check = m -> verifier.verify(m, null, now);
        int signed = parsed.signedRegion().length;
        int p = 0;
        p += Mutations.flipEach(q, 0, Quote.HEADER_SIZE, check, EnumSet.of(Reason.UNSUPPORTED, Reason.MALFORMED, Reason.SIGNATURE_INVALID));
        p += Mutations.flipEach(q, Quote.HEADER_SIZE, signed, check, EnumSet.of(Reason.SIGNATURE_INVALID, Reason.MALFORMED, Reason.UNSUPPORTED));
        int at = signed;
        p += Mutations.flipEach(q, at, at + 4, check, EnumSet.of(Reason.MALFORMED));
        at += 4;
        p += Mutations.flipEach(q, at, at + 64, check, EnumSet.of(Reason.SIGNATURE_INVALID));
        at += 64;
        p += Mutations.flipEach(q, at, at + 64, check, EnumSet.of(Reason.SIGNATURE_INVALID, Reason.MALFORMED));
        at += 64;
        if (parsed.version() >= 4) {
            p += Mutations.flipEach(q, at, at + 6, check, EnumSet.of(Reason.MALFORMED, Reason.UNSUPPORTED));
            at += 6;
        }
        p += Mutations.flipEach(q, at, at + 384 + 64, check, EnumSet.of(Reason.QE_REPORT_SIGNATURE_INVALID));
        at += 384 + 64;
        p += Mutations.flipEach(q, at, at + 2, check, EnumSet.of(Reason.MALFORMED));
        at += 2;
        int auth = parsed.qeAuthData().length;
        p += Mutations.flipEach(q, at, at + auth, check, EnumSet.of(Reason.QE_REPORT_DATA_MISMATCH));
        at += auth;
        p += Mutations.flipEach(q, at, at + 6, check, EnumSet.of(Reason.MALFORMED, Reason.UNSUPPORTED));
        at += 6;
        int certEnd = at + parsed.certData().length;
        p += Mutations.flipEach(q, at, certEnd, check, CERTS);
        assertEquals(q.length - parsed.trailing(), certEnd);
        assertEquals(certEnd, p);
    }

    @Test
    void everyByteOfSgxV3() throws Exception {
        flipQuote("dcap-qvl/sgx_quote", Instant.parse("2025-07-01T00:00:00Z"));
    }

    @Test
    void everyByteOfTdxV4() throws Exception {
        flipQuote("dcap-qvl/tdx_quote", Instant.parse("2025-07-01T00:00:00Z"));
    }

    @Test
    void everyByteOfTdxV5() throws Exception {
        flipQuote("go-tdx-guest/quote_v5_sample.dat", Instant.parse("2026-02-03T01:00:00Z"));
    }

    /** Every byte of the signed collateral: TCB info, QE identity, their signatures, the CRLs. */
    @Test
    void everyByteOfCollateral() throws Exception {
        Collateral c = DcapVectorsTest.collateral("sgx_quote_collateral.json");
        byte[] q = Vectors.bytes("dcap-qvl/sgx_quote");
        Instant now = c.validUntil();
        Set<Reason> bad = EnumSet.of(Reason.COLLATERAL_INVALID);
        byte[] tcb = c.tcbInfo().getBytes(StandardCharsets.UTF_8);
        Mutations.flipEach(tcb, 0, tcb.length, m -> verifier.checkCollateral(with(c, 0, m), now), bad);
        byte[] qe = c.qeIdentity().getBytes(StandardCharsets.UTF_8);
        Mutations.flipEach(qe, 0, qe.length, m -> verifier.checkCollateral(with(c, 1, m), now), bad);
        Mutations.flipEach(c.tcbInfoSignature(), 0, 64, m -> verifier.checkCollateral(with(c, 2, m), now), bad);
        Mutations.flipEach(c.qeIdentitySignature(), 0, 64, m -> verifier.checkCollateral(with(c, 3, m), now), bad);
        Set<Reason> crl = EnumSet.of(Reason.CRL_INVALID, Reason.MALFORMED);
        Mutations.flipEach(c.rootCaCrl(), 0, c.rootCaCrl().length, m -> verifier.checkCollateral(with(c, 4, m), now), crl);
        Mutations.flipEach(c.pckCrl(), 0, c.pckCrl().length, m -> verifier.checkCollateral(with(c, 5, m), now), crl);
        byte[] chain = c.tcbInfoIssuerChain().getBytes(StandardCharsets.US_ASCII);
        Mutations.flipEach(chain, 0, chain.length, m -> verifier.checkCollateral(with(c, 6, m), now), CERTS);
        // and the whole, once: a flipped TCB info is refused by verify too
        byte[] tcb0 = tcb.clone();
        tcb0[100] ^= 1;
        assertEquals(Reason.COLLATERAL_INVALID, assertThrows(AttestationException.class, () -> verifier.verify(q, with(c, 0, tcb0), now)).reason());
    }

    static Collateral with(Collateral c, int field, byte[] v) {
        String s = new String(v, StandardCharsets.ISO_8859_1);
        return new Collateral(c.pckCrlIssuerChain(), field == 4 ? v : c.rootCaCrl(), field == 5 ? v : c.pckCrl(),
                field == 6 ? s : c.tcbInfoIssuerChain(), field == 0 ? s : c.tcbInfo(), field == 2 ? v : c.tcbInfoSignature(),
                c.qeIdentityIssuerChain(), field == 1 ? s : c.qeIdentity(), field == 3 ? v : c.qeIdentitySignature());
    }

    /** A quote whose PCK chain is replaced, certificate by certificate, with another platform's. */
    @Test
    void certificateSwaps() throws Exception {
        byte[] sgx = Vectors.bytes("dcap-qvl/sgx_quote");
        byte[] tdx = Vectors.bytes("dcap-qvl/tdx_quote");
        List<X509Certificate> a = Certificates.parsePemChain(new String(Quote.parse(sgx).certData(), StandardCharsets.US_ASCII), "a");
        List<X509Certificate> b = Certificates.parsePemChain(new String(Quote.parse(tdx).certData(), StandardCharsets.US_ASCII), "b");
        Instant now = Instant.parse("2025-07-01T00:00:00Z");
        // the other platform's PCK leaf: its key did not sign this QE report
        assertEquals(Reason.QE_REPORT_SIGNATURE_INVALID, swapped(sgx, List.of(b.get(0), b.get(1), b.get(2)), now).reason());
        // a leaf with a foreign intermediate
        assertEquals(Reason.CERT_CHAIN_INVALID, swapped(sgx, List.of(a.get(0), b.get(1), a.get(2)), now).reason());
        // the intermediate as root
        assertEquals(Reason.UNTRUSTED_ROOT, swapped(sgx, List.of(a.get(0), a.get(1), a.get(1)), now).reason());
        // a root that is not Intel's: the verifier trusting only a different anchor
        DcapVerifier other = new DcapVerifier(List.of(b.get(1)));
        assertEquals(Reason.UNTRUSTED_ROOT, assertThrows(AttestationException.class, () -> other.verify(sgx, null, now)).reason());
        // the TCB signing chain replaced by the PCK chain
        Collateral c = DcapVectorsTest.collateral("sgx_quote_collateral.json");
        Collateral swappedChain = with(c, 6, c.pckCrlIssuerChain().getBytes(StandardCharsets.US_ASCII));
        assertEquals(Reason.COLLATERAL_INVALID, assertThrows(AttestationException.class, () -> verifier.verify(sgx, swappedChain, c.validUntil())).reason());
    }

    AttestationException swapped(byte[] quote, List<X509Certificate> chain, Instant now) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate x : chain) {
            pem.append(Certificates.toPem(x));
        }
        byte[] rebuilt = QuoteBuilder.withCertData(quote, pem.toString().getBytes(StandardCharsets.US_ASCII));
        return assertThrows(AttestationException.class, () -> verifier.verify(rebuilt, null, now));
    }

    @Test
    void fuzzedQuotesGiveTypedErrors() {
        Instant now = Instant.parse("2025-07-01T00:00:00Z");
        for (String name : List.of("dcap-qvl/sgx_quote", "dcap-qvl/tdx_quote", "go-tdx-guest/quote_v5_sample.dat")) {
            Mutations.fuzz(Vectors.bytes(name), name.hashCode(), 500, m -> verifier.verify(m, null, now));
        }
    }

    @Test
    void fuzzedCollateralGivesTypedErrors() throws Exception {
        byte[] json = Vectors.bytes("dcap-qvl/sgx_quote_collateral.json");
        byte[] q = Vectors.bytes("dcap-qvl/sgx_quote");
        Instant now = DcapVectorsTest.collateral("sgx_quote_collateral.json").validUntil();
        Mutations.fuzz(json, 42, 400, m -> verifier.verify(q, Collateral.parseJson(m), now));
    }
}
