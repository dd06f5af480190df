package dev.arca.attestation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Little-endian reader over untrusted bytes: every read is bounds-checked and a short input is a
 * {@link AttestationException.Reason#MALFORMED} error, never an index exception.
 */
public final class ByteReader {
    private final byte[] data;
    private final String what;
    private int pos;

    public ByteReader(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return data.length - pos;
    }

    private void need(int n, String field) throws AttestationException {
        if (n < 0 || n > data.length - pos) {
            throw new AttestationException(AttestationException.Reason.MALFORMED,
                    what + " truncated: " + field + " needs " + n + " bytes at offset " + pos + ", " + remaining() + " left");
        }
    }

    public byte[] bytes(int n, String field) throws AttestationException {
        need(n, field);
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    public void skip(int n, String field) throws AttestationException {
        need(n, field);
        pos += n;
    }

    public int u8(String field) throws AttestationException {
        need(1, field);
        return data[pos++] & 0xff;
    }

    public int u16(String field) throws AttestationException {
        need(2, field);
        int v = ByteBuffer.wrap(data, pos, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        pos += 2;
        return v;
    }

    /** An unsigned 32-bit value; values above {@code Integer.MAX_VALUE} are MALFORMED (used as lengths). */
    public int u32(String field) throws AttestationException {
        need(4, field);
        int v = ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        pos += 4;
        if (v < 0) {
            throw new AttestationException(AttestationException.Reason.MALFORMED, what + ": " + field + " out of range: " + Integer.toUnsignedString(v));
        }
        return v;
    }

    public long u64(String field) throws AttestationException {
        need(8, field);
        long v = ByteBuffer.wrap(data, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        pos += 8;
        return v;
    }

    /** Fails unless every byte was consumed. */
    public void end() throws AttestationException {
        if (pos != data.length) {
            throw new AttestationException(AttestationException.Reason.MALFORMED, what + ": " + remaining() + " trailing bytes");
        }
    }
}
