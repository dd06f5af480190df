package dev.arca.attestation;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/** ECDSA with raw r||s signatures and raw x||y keys, as TEE quotes carry them, over JCA. */
public final class Signatures {
    private Signatures() {}

    /** A P-256 or P-384 public key from its raw big-endian x||y coordinates. */
    public static PublicKey ecKey(byte[] xy, String curve) throws AttestationException {
        try {
            int n = xy.length / 2;
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(curve));
            ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
            ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(xy, 0, n)), new BigInteger(1, Arrays.copyOfRange(xy, n, 2 * n)));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(AttestationException.Reason.MALFORMED, "not a point on " + curve);
        }
    }

    /** Verifies an ECDSA signature given as r||s (IEEE P1363); false on any mismatch. */
    public static boolean verifyP1363(PublicKey key, String hash, byte[] data, byte[] rs) {
        try {
            Signature s = Signature.getInstance(hash + "withECDSAinP1363Format");
            s.initVerify(key);
            s.update(data);
            return s.verify(rs);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    public static byte[] sha256(byte[]... parts) {
        return digest("SHA-256", parts);
    }

    public static byte[] sha384(byte[]... parts) {
        return digest("SHA-384", parts);
    }

    public static byte[] digest(String alg, byte[]... parts) {
        try {
            var md = java.security.MessageDigest.getInstance(alg);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
