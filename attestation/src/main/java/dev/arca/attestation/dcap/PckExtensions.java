package dev.arca.attestation.dcap;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.x509.Certificates;
import dev.arca.attestation.x509.Der;
import java.security.cert.X509Certificate;

/** The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's TCB and identity. */
record PckExtensions(int[] sgxSvns, int pceSvn, byte[] cpuSvn, byte[] pceId, byte[] fmspc) {
    static final String SGX_EXTENSIONS = "1.2.840.113741.1.13.1";

    static PckExtensions of(X509Certificate pck) throws AttestationException {
        byte[] ext = Certificates.extension(pck, SGX_EXTENSIONS);
        if (ext == null) {
            throw new AttestationException(Reason.FIELD_MISMATCH, "PCK certificate has no Intel SGX extension");
        }
        int[] svns = new int[16];
        int pceSvn = -1;
        byte[] cpuSvn = null, pceId = null, fmspc = null;
        boolean[] seen = new boolean[16];
        for (Der.Value entry : Der.parse(ext).children()) {
            var kv = entry.children();
            if (kv.size() != 2) {
                throw new AttestationException(Reason.MALFORMED, "SGX extension entry of " + kv.size() + " items");
            }
            String oid = kv.get(0).oid();
            Der.Value v = kv.get(1);
            switch (oid.substring(Math.min(oid.length(), SGX_EXTENSIONS.length()))) {
                case ".2" -> {
                    for (Der.Value c : v.children()) {
                        var ckv = c.children();
                        if (ckv.size() != 2) {
                            throw new AttestationException(Reason.MALFORMED, "SGX TCB entry of " + ckv.size() + " items");
                        }
                        String coid = ckv.get(0).oid();
                        String prefix = SGX_EXTENSIONS + ".2.";
                        if (!coid.startsWith(prefix)) {
                            continue;
                        }
                        String arc = coid.substring(prefix.length());
                        int k = arc.matches("[0-9]{1,3}") ? Integer.parseInt(arc) : 0;
                        if (k >= 1 && k <= 16) {
                            svns[k - 1] = ckv.get(1).smallInt();
                            seen[k - 1] = true;
                        } else if (k == 17) {
                            pceSvn = ckv.get(1).smallInt();
                        } else if (k == 18) {
                            cpuSvn = ckv.get(1).octets();
                        }
                    }
                }
                case ".3" -> pceId = v.octets();
                case ".4" -> fmspc = v.octets();
                default -> { }
            }
        }
        for (boolean s : seen) {
            if (!s || pceSvn < 0 || pceId == null || fmspc == null) {
                throw new AttestationException(Reason.MALFORMED, "PCK certificate's SGX extension lacks TCB, PCE id or FMSPC");
            }
        }
        return new PckExtensions(svns, pceSvn, cpuSvn, pceId, fmspc);
    }
}
