package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The cache's HMAC-SHA256 against RFC 4231's vectors and against the JDK's {@code Mac}. */
class HmacSha256Test {
    @Test
    void rfc4231Vectors() {
        HexFormat hex = HexFormat.of();
        // test case 1: a 20-byte key
        assertArrayEquals(hex.parseHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                HmacSha256.mac(hex.parseHex("0b".repeat(20)), "Hi There".getBytes(StandardCharsets.US_ASCII)));
        // test case 2: a key shorter than the digest, the message in two parts
        assertArrayEquals(hex.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                HmacSha256.mac("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want ".getBytes(StandardCharsets.US_ASCII),
                        "for nothing?".getBytes(StandardCharsets.US_ASCII)));
        // test case 6: a 131-byte key (longer than the block: hashed first)
        assertArrayEquals(hex.parseHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                HmacSha256.mac(hex.parseHex("aa".repeat(131)),
                        "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void sameAsTheJdksMacForEveryKeyLength() throws Exception {
        Random r = new Random(42);
        for (int keyLength = 1; keyLength <= 130; keyLength++) { // the JDK refuses an empty key
            byte[] key = new byte[keyLength];
            r.nextBytes(key);
            byte[] a = new byte[r.nextInt(300)];
            byte[] b = new byte[r.nextInt(3000)];
            r.nextBytes(a);
            r.nextBytes(b);
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(a);
            assertArrayEquals(m.doFinal(b), HmacSha256.mac(key, a, b), "key length " + keyLength);
        }
    }
}
