package dev.arca.engine;

/**
 * HMAC-SHA256 (RFC 2104) over Arca's SHA-256 ({@link Sha256}), for the compiled-module cache, which
 * every run reads: {@code javax.crypto.Mac} would cost a fresh JVM about 15 ms before its first
 * MAC (the JCE's jurisdiction policy set-up, and the security providers loaded one by one to
 * find HmacSHA256), more than reading and checking the entry. Checked against {@code Mac} in
 * {@code HmacSha256Test} (RFC 4231's vectors and random keys and messages).
 */
final class HmacSha256 {
    private HmacSha256() {}

    private static final int BLOCK = 64;

    /** The MAC of the concatenation of {@code parts} under {@code key}. */
    static byte[] mac(byte[] key, byte[]... parts) {
        byte[] k = key.length > BLOCK ? Sha256.digest(key) : key;
        byte[] ipad = new byte[BLOCK];
        byte[] opad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (b ^ 0x36);
            opad[i] = (byte) (b ^ 0x5c);
        }
        Sha256 inner = new Sha256();
        inner.update(ipad);
        for (byte[] p : parts) inner.update(p);
        Sha256 outer = new Sha256();
        outer.update(opad);
        outer.update(inner.digest());
        return outer.digest();
    }
}
