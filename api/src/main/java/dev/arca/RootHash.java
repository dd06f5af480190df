package dev.arca;

import java.util.HexFormat;

/** An image's root hash as people write it: 64 hex digits, optionally after "sha256:". */
final class RootHash {
    private RootHash() {}

    /** The 32 bytes. Errors: IllegalArgumentException naming the text. */
    static byte[] parse(String hash) {
        String hex = hash.startsWith("sha256:") ? hash.substring(7) : hash;
        try {
            byte[] b = HexFormat.of().parseHex(hex);
            if (b.length == 32) return b;
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new IllegalArgumentException("root hash '" + hash + "' is not a sha256 hash (64 hex digits)");
    }
}
