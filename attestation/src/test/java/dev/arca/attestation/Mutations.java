package dev.arca.attestation;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.Set;

/** Byte flips and a seeded mutation fuzzer: the verifier must answer with a typed error, nothing else. */
public final class Mutations {
    private Mutations() {}

    public interface Check {
        void run(byte[] input) throws AttestationException;
    }

    /**
     * Flips one bit of each byte in [from, to) in turn; each result must be refused with one of
     * {@code allowed} reasons.
     */
    public static int flipEach(byte[] original, int from, int to, Check check, Set<AttestationException.Reason> allowed) {
        int n = 0;
        for (int i = from; i < to; i++) {
            byte[] m = original.clone();
            m[i] ^= 0x01;
            try {
                check.run(m);
                fail("flipping byte " + i + " was accepted");
            } catch (AttestationException e) {
                if (!allowed.contains(e.reason())) {
                    fail("flipping byte " + i + " gave " + e + ", expected one of " + allowed);
                }
            } catch (RuntimeException e) {
                throw new AssertionError("flipping byte " + i + " threw " + e, e);
            }
            n++;
        }
        return n;
    }

    /** Seeded random mutations (flips, truncations, insertions, splices); only AttestationException may come out. */
    public static void fuzz(byte[] original, long seed, int rounds, Check check) {
        Random rnd = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            byte[] m = mutate(original, rnd);
            try {
                check.run(m);
            } catch (AttestationException e) {
                assertNotNull(e.reason());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("seed " + seed + " round " + round + " (" + m.length + " bytes) threw " + e, e);
            }
        }
    }

    static byte[] mutate(byte[] in, Random rnd) {
        byte[] m = in.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> {
                for (int k = rnd.nextInt(8) + 1; k > 0 && m.length > 0; k--) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 1 -> m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length + 1));
            case 2 -> {
                int at = rnd.nextInt(m.length + 1);
                byte[] ins = new byte[rnd.nextInt(64) + 1];
                rnd.nextBytes(ins);
                byte[] out = new byte[m.length + ins.length];
                System.arraycopy(m, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(m, at, out, at + ins.length, m.length - at);
                m = out;
            }
            case 3 -> {
                // a length-like field set to an extreme value
                if (m.length >= 4) {
                    int at = rnd.nextInt(m.length - 3);
                    int v = rnd.nextBoolean() ? 0xffffffff : rnd.nextInt(1 << 16);
                    for (int i = 0; i < 4; i++) {
                        m[at + i] = (byte) (v >>> (8 * i));
                    }
                }
            }
            default -> {
                if (m.length > 2) {
                    int a = rnd.nextInt(m.length), b = rnd.nextInt(m.length);
                    int len = rnd.nextInt(Math.min(m.length - Math.max(a, b), 128) + 1);
                    System.arraycopy(in, a, m, b, len);
                }
            }
        }
        return m;
    }
}
