package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A volume's master key, as the operator supplies it (a key file of 32 raw bytes, or 64 hex
 * digits), and the keys derived from it per volume with HMAC-SHA256 (an HKDF-Expand step with a
 * label): one for blocks, one for the freshness record, a key-check value that tells a wrong
 * key apart from a damaged volume, and a replicated volume's writer token.
 */
public final class VolumeKey {
    private final byte[] master;

    private VolumeKey(byte[] master) {
        this.master = master;
    }

    /** From the bytes of a key file. Errors: EINVAL when it is not 32 bytes or 64 hex digits. */
    public static VolumeKey fromKeyFile(byte[] content) throws ErrnoException {
        if (content.length == 32) return new VolumeKey(content.clone());
        String s = new String(content, StandardCharsets.US_ASCII).strip();
        if (s.length() == 64) {
            try {
                return new VolumeKey(HexFormat.of().parseHex(s));
            } catch (IllegalArgumentException e) {
                // fall through
            }
        }
        throw Errno.EINVAL.fail("a key file holds 32 random bytes or 64 hex digits (make one with: head -c 32 /dev/urandom > KEY)");
    }

    byte[] derive(String label, byte[] volumeId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(volumeId);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    byte[] blockKey(byte[] volumeId) {
        return derive("arca encfs block key", volumeId);
    }

    byte[] freshnessKey(byte[] volumeId) {
        return derive("arca encfs freshness key", volumeId);
    }

    /**
     * What a writer of the replicated volume {@code name} shows the cluster (docs/cluster.md): it
     * proves knowledge of this key without giving the key away, so that a program the cluster
     * admits but that lacks the key can neither fence the volume's writer nor write blocks.
     */
    public byte[] writerToken(String name) {
        return derive("arca replicated volume writer", name.getBytes(StandardCharsets.UTF_8));
    }

    byte[] check(byte[] volumeId) {
        return Arrays.copyOf(derive("arca encfs key check", volumeId), 16);
    }
}
