package dev.arca.attestation;

import dev.arca.attestation.x509.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * The hardware vendors' root certificates Arca trusts, shipped as resources and pinned by their
 * SHA-256 fingerprints here, so that a resource swapped in the jar fails at start.
 */
public final class TrustAnchors {
    /** Intel SGX Root CA (also the root of TDX): CN=Intel SGX Root CA, valid 2018-05-21..2049-12-31. */
    public static final String INTEL_SGX_ROOT_SHA256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
    /** AMD ARK-Milan (SEV-SNP on EPYC 7003), valid 2020-10-22..2045-10-22. */
    public static final String AMD_ARK_MILAN_SHA256 = "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd";

    /** AMD ASK-Milan, the intermediate under ARK-Milan that signs VCEKs (not an anchor: it is checked against ARK). */
    public static final String AMD_ASK_MILAN_SHA256 = "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b";

    private static final X509Certificate INTEL = load("intel-sgx-root-ca.pem", INTEL_SGX_ROOT_SHA256);
    private static final X509Certificate AMD_MILAN = load("amd-ark-milan.pem", AMD_ARK_MILAN_SHA256);
    private static final X509Certificate AMD_ASK_MILAN = load("amd-ask-milan.pem", AMD_ASK_MILAN_SHA256);

    private TrustAnchors() {}

    public static X509Certificate intelSgxRoot() {
        return INTEL;
    }

    /** The AMD root keys (ARKs) Arca knows; Genoa and Turin are not shipped yet. */
    public static List<X509Certificate> amdRoots() {
        return List.of(AMD_MILAN);
    }

    /** AMD intermediates (ASKs) Arca ships, used when evidence comes with only its VCEK. */
    public static List<X509Certificate> amdIntermediates() {
        return List.of(AMD_ASK_MILAN);
    }

    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate load(String name, String sha256) {
        try (InputStream in = TrustAnchors.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("trust anchor " + name + " missing from the jar");
            }
            X509Certificate c = Certificates.parsePem(new String(in.readAllBytes(), StandardCharsets.US_ASCII), name);
            if (!fingerprint(c).equals(sha256)) {
                throw new IllegalStateException("trust anchor " + name + " does not match its pinned fingerprint");
            }
            return c;
        } catch (IOException | AttestationException e) {
            throw new IllegalStateException("trust anchor " + name + ": " + e.getMessage(), e);
        }
    }
}
