package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Arca's SHA-256 ({@link Sha256}) against FIPS 180-4's examples and the JDK's MessageDigest. */
class Sha256Test {
    @Test
    void fipsExamples() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex("abc"));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(""));
        byte[] million = new byte[1_000_000];
        java.util.Arrays.fill(million, (byte) 'a');
        assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", HexFormat.of().formatHex(Sha256.digest(million)));
    }

    @Test
    void everyLengthAroundThePaddingAndRandomPiecesMatchTheJdk() throws Exception {
        Random r = new Random(20261205);
        for (int len = 0; len <= 300; len++) {
            byte[] m = new byte[len];
            r.nextBytes(m);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(m);
            assertArrayEquals(expected, Sha256.digest(m), "length " + len);
            // the same message in random pieces
            Sha256 s = new Sha256();
            for (int at = 0; at < len; ) {
                int n = Math.min(len - at, r.nextInt(70));
                s.update(m, at, n);
                at += n;
            }
            assertArrayEquals(expected, s.digest(), "length " + len + " in pieces");
        }
        byte[] big = new byte[(1 << 20) + 13];
        r.nextBytes(big);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(big), Sha256.digest(big));
    }

    @Test
    void misuseIsRefused() {
        Sha256 s = new Sha256();
        assertThrows(IndexOutOfBoundsException.class, () -> s.update(new byte[4], 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.update(new byte[4], -1, 1));
        s.digest();
        assertThrows(IllegalStateException.class, () -> s.update(new byte[1]));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(Sha256.digest(s.getBytes(StandardCharsets.US_ASCII)));
    }
}
