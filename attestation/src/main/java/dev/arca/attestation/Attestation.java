package dev.arca.attestation;

import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.dcap.Collateral;
import dev.arca.attestation.dcap.DcapVerifier;
import dev.arca.attestation.evidence.Evidence;
import dev.arca.attestation.evidence.SimEvidence;
import dev.arca.attestation.snp.SnpVerifier;
import dev.arca.attestation.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One entry point over every verifier: evidence in, a {@link Verdict} or a typed refusal out. */
public final class Attestation {
    private final DcapVerifier dcap = new DcapVerifier();
    private final SnpVerifier snp = new SnpVerifier();
    private final List<X509Certificate> simRoots;

    /** @param simRoots the sim roots trusted (normally this installation's); empty refuses all sim evidence */
    public Attestation(List<X509Certificate> simRoots) {
        this.simRoots = List.copyOf(simRoots);
    }

    /**
     * @param collateral for DCAP, Intel collateral JSON; for SNP, the VCEK (PEM or DER) and optionally
     *     ASK and ARK; null when the evidence carries what it needs or none is at hand
     */
    public Verdict verify(Evidence e, byte[] collateral, Instant now) throws AttestationException {
        return switch (e.type()) {
            case SGX_DCAP, TDX -> dcap.verify(e.bytes(), collateral == null ? null : Collateral.parseJson(collateral), now);
            case SEV_SNP -> {
                List<X509Certificate> certs = new ArrayList<>(e.certificates());
                if (collateral != null) {
                    certs.addAll(certificates(collateral));
                }
                yield snp.verify(e.bytes(), certs, now);
            }
            case SIM -> SimEvidence.verify(e.bytes(), simRoots, now);
        };
    }

    static List<X509Certificate> certificates(byte[] b) throws AttestationException {
        String text = new String(b, StandardCharsets.ISO_8859_1);
        if (text.contains("-----BEGIN CERTIFICATE-----")) {
            return Certificates.parsePemChain(text, "collateral");
        }
        if (b.length > 0 && b[0] == 0x30) {
            return List.of(Certificates.parse(b, "collateral"));
        }
        throw new AttestationException(Reason.MALFORMED, "SEV-SNP collateral must be PEM certificates or one DER certificate");
    }
}
