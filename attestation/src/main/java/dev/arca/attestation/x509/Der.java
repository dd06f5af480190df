package dev.arca.attestation.x509;

import dev.arca.attestation.AttestationException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The little DER the JDK does not expose: reading the Intel SGX and AMD extensions of a
 * certificate, and writing the certificates Arca makes (sim keys, RA-TLS). Reading is strict
 * (definite lengths, no trailing bytes) and bounded; bad input is MALFORMED.
 */
public final class Der {
    public static final int INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04, NULL = 0x05, OID = 0x06,
            UTF8 = 0x0c, PRINTABLE = 0x13, UTC_TIME = 0x17, GENERALIZED_TIME = 0x18, SEQUENCE = 0x30, SET = 0x31, BOOLEAN = 0x01;
    private static final int MAX_DEPTH = 32;

    private Der() {}

    /** One TLV: its tag, the bytes of its value, and (for constructed tags) its children. */
    public record Value(int tag, byte[] content) {
        public List<Value> children() throws AttestationException {
            return parseAll(content, 1);
        }

        public String oid() throws AttestationException {
            expect(OID);
            return decodeOid(content);
        }

        public BigInteger integer() throws AttestationException {
            expect(INTEGER);
            if (content.length == 0) {
                throw malformed("empty INTEGER");
            }
            return new BigInteger(content);
        }

        /** An INTEGER that fits in an int. */
        public int smallInt() throws AttestationException {
            BigInteger v = integer();
            if (v.bitLength() > 31) {
                throw malformed("INTEGER out of range");
            }
            return v.intValue();
        }

        public byte[] octets() throws AttestationException {
            expect(OCTET_STRING);
            return content.clone();
        }

        public void expect(int t) throws AttestationException {
            if (tag != t) {
                throw malformed("expected tag 0x" + Integer.toHexString(t) + ", found 0x" + Integer.toHexString(tag));
            }
        }
    }

    static AttestationException malformed(String m) {
        return new AttestationException(AttestationException.Reason.MALFORMED, "DER: " + m);
    }

    /** Parses exactly one value filling {@code der}. */
    public static Value parse(byte[] der) throws AttestationException {
        List<Value> all = parseAll(der, 0);
        if (all.size() != 1) {
            throw malformed("expected one value, found " + all.size());
        }
        return all.get(0);
    }

    static List<Value> parseAll(byte[] der, int depth) throws AttestationException {
        if (depth > MAX_DEPTH) {
            throw malformed("nested too deep");
        }
        List<Value> out = new ArrayList<>();
        int p = 0;
        while (p < der.length) {
            int tag = der[p++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw malformed("multi-byte tags are not supported");
            }
            if (p >= der.length) {
                throw malformed("missing length");
            }
            int len = der[p++] & 0xff;
            if (len == 0x80) {
                throw malformed("indefinite length");
            }
            if (len > 0x80) {
                int n = len & 0x7f;
                if (n > 3 || p + n > der.length) {
                    throw malformed("bad length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (der[p++] & 0xff);
                }
            }
            if (len > der.length - p) {
                throw malformed("value runs past the end (" + len + " bytes, " + (der.length - p) + " left)");
            }
            out.add(new Value(tag, Arrays.copyOfRange(der, p, p + len)));
            p += len;
        }
        return out;
    }

    static String decodeOid(byte[] c) throws AttestationException {
        if (c.length == 0 || (c[c.length - 1] & 0x80) != 0) {
            throw malformed("bad OID");
        }
        StringBuilder sb = new StringBuilder();
        long v = 0;
        boolean first = true;
        for (byte b : c) {
            if (v > (Long.MAX_VALUE >> 7)) {
                throw malformed("OID arc too large");
            }
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    int a = (int) Math.min(v / 40, 2);
                    sb.append(a).append('.').append(v - 40L * a);
                    first = false;
                } else {
                    sb.append('.').append(v);
                }
                v = 0;
            }
        }
        return sb.toString();
    }

    // ---- writing ----

    public static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    public static byte[] seq(byte[]... parts) {
        return tlv(SEQUENCE, concat(parts));
    }

    public static byte[] set(byte[]... parts) {
        return tlv(SET, concat(parts));
    }

    /** [n] EXPLICIT, constructed context tag. */
    public static byte[] explicit(int n, byte[] inner) {
        return tlv(0xa0 | n, inner);
    }

    public static byte[] integer(BigInteger v) {
        return tlv(INTEGER, v.toByteArray());
    }

    public static byte[] octets(byte[] v) {
        return tlv(OCTET_STRING, v);
    }

    public static byte[] bitString(byte[] v) {
        byte[] c = new byte[v.length + 1];
        System.arraycopy(v, 0, c, 1, v.length);
        return tlv(BIT_STRING, c);
    }

    public static byte[] bool(boolean v) {
        return tlv(BOOLEAN, new byte[] {(byte) (v ? 0xff : 0)});
    }

    public static byte[] utf8(String s) {
        return tlv(UTF8, s.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long t = v >>> 7; t != 0; t >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >>> (7 * g)) & 0x7f);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    /** UTCTime before 2050, GeneralizedTime from 2050, as RFC 5280 requires. */
    public static byte[] time(Instant t) {
        var z = t.atZone(ZoneOffset.UTC);
        if (z.getYear() < 2050) {
            return tlv(UTC_TIME, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(z).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(GENERALIZED_TIME, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(z).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
