package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The superblock: the root of trust of a volume, in two slots (blocks 0 and 1 of the store).
 * Version v is written to slot v % 2, so a commit never overwrites the superblock it follows;
 * opening takes the valid slot with the highest version.
 *
 * <p>Slot layout (4096 bytes, the rest zero):
 * <ul>
 * <li>header, {@value #HEADER} bytes in clear: magic {@code ARCAVOL1}, mode (1: encrypted, 2:
 *     integrity-only), 7 zero bytes, volume id (16), key check (16), body length (4: {@value #BODY});
 * <li>body, {@value #BODY} bytes: version (8), the inode table's root {@link Ref} (48), its tree
 *     height (1), its data block count (8), the {@link SpaceMap}'s inode number (8; 0 in the
 *     format before 2026-12-05, which had none: such a volume is mounted by walking its tree and
 *     gets a map at its next commit), zeros;
 * <li>encrypted: nonce (12) ‖ AES-GCM of the body with the header as additional data ‖ tag (16);
 *     integrity-only: the body ‖ SHA-256(header ‖ body).
 * </ul>
 * A slot is valid when its header is this volume's, byte for byte, and its body authenticates.
 * An integrity-only image's root hash is SHA-256(header ‖ body).
 */
final class Superblock {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    static final byte[] MAGIC = "ARCAVOL1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 52;
    static final int BODY = 80;
    static final byte MODE_ENCRYPTED = 1, MODE_INTEGRITY = 2;

    /** What a superblock names: a version, the inode table's tree and the space map's inode (0: none). */
    record State(long version, Ref table, int tableHeight, long tableBlocks, long spaceMap) {}

    /** The clear header of a volume, as read before its key is checked. */
    record Header(byte mode, byte[] volumeId, byte[] keyCheck) {}

    /** The valid slot with the highest version, and the slot's bytes. */
    record Newest(State state, byte[] slot) {}

    private final byte mode;
    private final byte[] volumeId;
    private final byte[] keyCheck;
    private final Sealer sealer;

    Superblock(byte mode, byte[] volumeId, byte[] keyCheck, Sealer sealer) {
        this.mode = mode;
        this.volumeId = volumeId;
        this.keyCheck = keyCheck;
        this.sealer = sealer;
    }

    /**
     * The header of the first slot that has the magic (the header is the same in both; which slot
     * authenticates is checked by {@link #newest}). Errors: EIO when neither is an Arca volume.
     */
    static Header header(String name, byte[][] slots, boolean[] present) throws ErrnoException {
        if (!present[0] && !present[1]) throw Errno.EIO.fail(name + ": empty, not an Arca volume");
        byte[] hdr = null;
        for (int s = 0; s < 2; s++) {
            if (present[s] && Arrays.equals(slots[s], 0, 8, MAGIC, 0, 8)) hdr = slots[s];
        }
        if (hdr == null) throw Errno.EIO.fail(name + ": not an Arca volume or image");
        return new Header(hdr[8], Arrays.copyOfRange(hdr, 16, 32), Arrays.copyOfRange(hdr, 32, 48));
    }

    private byte[] header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).put(mode).put(new byte[7]).put(volumeId).put(keyCheck).putInt(BODY);
        return h.array();
    }

    /** The valid slot with the highest version; null when none authenticates. */
    Newest newest(byte[][] slots, boolean[] present) {
        Newest best = null;
        for (int s = 0; s < 2; s++) {
            if (!present[s]) continue;
            ByteBuffer body = open(slots[s]);
            if (body == null) continue;
            long v = body.getLong();
            Ref table = Ref.get(body);
            int height = body.get();
            long blocks = body.getLong();
            long spaceMap = body.getLong();
            if (best == null || v > best.state().version()) best = new Newest(new State(v, table, height, blocks, spaceMap), slots[s]);
        }
        return best;
    }

    private ByteBuffer open(byte[] slot) {
        if (!Arrays.equals(slot, 0, 8, MAGIC, 0, 8)) return null;
        byte[] hdr = Arrays.copyOf(slot, HEADER);
        if (!Arrays.equals(hdr, header())) return null;
        if (sealer instanceof Sealer.Aead aead) {
            byte[] body = aead.openRecord(Arrays.copyOfRange(slot, HEADER, HEADER + 12 + BODY + 16), hdr);
            return body == null || body.length != BODY ? null : ByteBuffer.wrap(body);
        }
        byte[] body = Arrays.copyOfRange(slot, HEADER, HEADER + BODY);
        byte[] sum = Arrays.copyOfRange(slot, HEADER + BODY, HEADER + BODY + 32);
        MessageDigest sha = Sealer.Digest.sha256();
        sha.update(hdr);
        sha.update(body);
        return MessageDigest.isEqual(sha.digest(), sum) ? ByteBuffer.wrap(body) : null;
    }

    /** The slot's bytes for {@code s} (to be written to block {@code s.version() % 2}). */
    byte[] seal(State s) {
        ByteBuffer body = ByteBuffer.allocate(BODY);
        body.putLong(s.version());
        Ref.putNullable(body, s.table());
        body.put((byte) s.tableHeight());
        body.putLong(s.tableBlocks());
        body.putLong(s.spaceMap());
        byte[] hdr = header();
        byte[] slot = new byte[BLOCK];
        System.arraycopy(hdr, 0, slot, 0, HEADER);
        if (sealer instanceof Sealer.Aead aead) {
            byte[] sealed = aead.sealRecord(body.array(), hdr);
            System.arraycopy(sealed, 0, slot, HEADER, sealed.length);
        } else {
            MessageDigest sha = Sealer.Digest.sha256();
            sha.update(hdr);
            sha.update(body.array());
            System.arraycopy(body.array(), 0, slot, HEADER, BODY);
            System.arraycopy(sha.digest(), 0, slot, HEADER + BODY, 32);
        }
        return slot;
    }

    /** SHA-256 over a slot's header and body: an integrity-only image's identity. */
    static byte[] rootHash(byte[] slot) {
        MessageDigest sha = Sealer.Digest.sha256();
        sha.update(slot, 0, HEADER + BODY);
        return sha.digest();
    }
}
