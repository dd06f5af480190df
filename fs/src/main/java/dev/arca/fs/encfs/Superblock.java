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
 * opening takes the valid slot with the highest version (and the one before it when the newest
 * is a listed commit that did not complete: see {@link #LIST}).
 *
 * <p>Slot layout (4096 bytes, the rest zero):
 * <ul>
 * <li>header, {@value #HEADER} bytes in clear: magic {@code ARCAVOL1}, mode (1: encrypted, 2:
 *     integrity-only), 7 zero bytes, volume id (16), key check (16), body length (4:
 *     {@value #BODY_LISTED} for an encrypted volume since 2026-12-05, {@value #BODY} for an
 *     integrity-only image and an encrypted volume before);
 * <li>body: version (8), the inode table's root {@link Ref} (48), its tree height (1), its data
 *     block count (8), the {@link SpaceMap}'s inode number (8; 0 in the format before
 *     2026-12-05, which had none: such a volume is mounted by walking its tree and gets a map at
 *     its next commit); in a body of {@value #BODY_LISTED} bytes then the digest of the listed
 *     blocks (32; zeros when none are listed); zeros;
 * <li>encrypted: nonce (12) ‖ AES-GCM of the body ‖ tag (16); in a body of {@value #BODY_LISTED}
 *     bytes then, at {@value #LIST}, the list in clear: its count (4) and the block numbers
 *     (8 each); the additional data is the header, and the list when there is one;
 *     integrity-only: the body ‖ SHA-256(header ‖ body).
 * </ul>
 * A slot is valid when its header is this volume's, byte for byte, and its body (and list)
 * authenticates. An integrity-only image's root hash is SHA-256(header ‖ body).
 */
final class Superblock {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    static final byte[] MAGIC = "ARCAVOL1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 52;
    static final int BODY = 80;
    static final int BODY_LISTED = 112;
    /**
     * Where a listed slot's list starts. A commit that wrote few blocks (at most
     * {@link #MAX_LISTED}) does not sync them before its superblock: it names them here, with a
     * digest of what it wrote in the body, and syncs once. Such a slot counts only if its blocks
     * hold what it lists ({@link #digest}); otherwise the crash came before the commit's sync, the
     * commit never returned, and the slot before it is the volume.
     */
    static final int LIST = HEADER + 12 + BODY_LISTED + 16;
    static final int MAX_LISTED = (BLOCK - LIST - 4) / 8;
    static final byte MODE_ENCRYPTED = 1, MODE_INTEGRITY = 2;

    /**
     * What a superblock names: a version, the inode table's tree, the space map's inode (0:
     * none), and the blocks of a listed commit with their digest (both null: the commit synced its
     * blocks before its superblock).
     */
    record State(long version, Ref table, int tableHeight, long tableBlocks, long spaceMap, long[] listed, byte[] digest) {
        State(long version, Ref table, int tableHeight, long tableBlocks, long spaceMap) {
            this(version, table, tableHeight, tableBlocks, spaceMap, null, null);
        }
    }

    /** The clear header of a volume, as read before its key is checked. */
    record Header(byte mode, byte[] volumeId, byte[] keyCheck) {}

    /** A valid slot: what it names, and its bytes. */
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

    private byte[] header(int body) {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).put(mode).put(new byte[7]).put(volumeId).put(keyCheck).putInt(body);
        return h.array();
    }

    /** The body length this volume writes. */
    private int body() {
        return mode == MODE_ENCRYPTED ? BODY_LISTED : BODY;
    }

    /** The valid slots, the highest version first (none, one or two). */
    java.util.List<Newest> valid(byte[][] slots, boolean[] present) {
        java.util.List<Newest> all = new java.util.ArrayList<>(2);
        for (int s = 0; s < 2; s++) {
            if (!present[s]) continue;
            State st = open(slots[s]);
            if (st != null) all.add(new Newest(st, slots[s]));
        }
        all.sort((a, b) -> Long.compare(b.state().version(), a.state().version()));
        return all;
    }

    /** The valid slot with the highest version; null when none authenticates. */
    Newest newest(byte[][] slots, boolean[] present) {
        java.util.List<Newest> all = valid(slots, present);
        return all.isEmpty() ? null : all.get(0);
    }

    private State open(byte[] slot) {
        if (!Arrays.equals(slot, 0, 8, MAGIC, 0, 8)) return null;
        int length = ByteBuffer.wrap(slot, HEADER - 4, 4).getInt();
        if (length != BODY && length != body()) return null;
        byte[] hdr = Arrays.copyOf(slot, HEADER);
        if (!Arrays.equals(hdr, header(length))) return null;
        ByteBuffer body = openBody(slot, hdr, length);
        if (body == null) return null;
        long v = body.getLong();
        Ref table = Ref.get(body);
        int height = body.get();
        long blocks = body.getLong();
        long spaceMap = body.getLong();
        if (length == BODY) return new State(v, table, height, blocks, spaceMap);
        int count = ByteBuffer.wrap(slot, LIST, 4).getInt(); // authenticated: part of the additional data
        if (count == 0) return new State(v, table, height, blocks, spaceMap);
        long[] listed = new long[count];
        ByteBuffer list = ByteBuffer.wrap(slot, LIST + 4, count * 8);
        for (int i = 0; i < count; i++) listed[i] = list.getLong();
        byte[] digest = new byte[32];
        body.get(digest);
        return new State(v, table, height, blocks, spaceMap, listed, digest);
    }

    private ByteBuffer openBody(byte[] slot, byte[] hdr, int length) {
        if (sealer instanceof Sealer.Aead aead) {
            byte[] context = hdr;
            if (length == BODY_LISTED) {
                int count = ByteBuffer.wrap(slot, LIST, 4).getInt();
                if (count < 0 || count > MAX_LISTED) return null;
                context = listedContext(hdr, slot, count);
            }
            byte[] body = aead.openRecord(Arrays.copyOfRange(slot, HEADER, HEADER + 12 + length + 16), context);
            return body == null || body.length != length ? null : ByteBuffer.wrap(body);
        }
        byte[] body = Arrays.copyOfRange(slot, HEADER, HEADER + BODY);
        byte[] sum = Arrays.copyOfRange(slot, HEADER + BODY, HEADER + BODY + 32);
        MessageDigest sha = Sealer.Digest.sha256();
        sha.update(hdr);
        sha.update(body);
        return MessageDigest.isEqual(sha.digest(), sum) ? ByteBuffer.wrap(body) : null;
    }

    /** A listed slot's additional data: its header, then its list (count and blocks) as the slot holds it. */
    private static byte[] listedContext(byte[] hdr, byte[] slot, int count) {
        byte[] context = new byte[HEADER + 4 + count * 8];
        System.arraycopy(hdr, 0, context, 0, HEADER);
        System.arraycopy(slot, LIST, context, HEADER, 4 + count * 8);
        return context;
    }

    /** The slot's bytes for {@code s} (to be written to block {@code s.version() % 2}). */
    byte[] seal(State s) {
        int length = body();
        if (s.listed() != null && (length != BODY_LISTED || s.listed().length > MAX_LISTED || s.digest().length != 32)) {
            throw new IllegalArgumentException("a list of " + s.listed().length + " blocks in a body of " + length);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        body.putLong(s.version());
        Ref.putNullable(body, s.table());
        body.put((byte) s.tableHeight());
        body.putLong(s.tableBlocks());
        body.putLong(s.spaceMap());
        if (s.listed() != null) body.put(s.digest());
        byte[] hdr = header(length);
        byte[] slot = new byte[BLOCK];
        System.arraycopy(hdr, 0, slot, 0, HEADER);
        if (sealer instanceof Sealer.Aead aead) {
            byte[] context = hdr;
            if (length == BODY_LISTED) {
                int count = s.listed() == null ? 0 : s.listed().length;
                ByteBuffer list = ByteBuffer.wrap(slot, LIST, 4 + count * 8);
                list.putInt(count);
                for (int i = 0; i < count; i++) list.putLong(s.listed()[i]);
                context = listedContext(hdr, slot, count);
            }
            byte[] sealed = aead.sealRecord(body.array(), context);
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

    /**
     * The digest of a listed commit: SHA-256 over the count, then each block's number and the
     * SHA-256 of its bytes, in the order given (block numbers ascending). {@code hashes[i]} is
     * the hash of block {@code blocks[i]}.
     */
    static byte[] digest(long[] blocks, byte[][] hashes) {
        MessageDigest sha = Sealer.Digest.sha256();
        ByteBuffer b = ByteBuffer.allocate(8);
        sha.update(b.putLong(0, blocks.length).array());
        for (int i = 0; i < blocks.length; i++) {
            sha.update(b.putLong(0, blocks[i]).array());
            sha.update(hashes[i]);
        }
        return sha.digest();
    }

    /**
     * Whether the blocks a listed slot names hold what its commit wrote: read from {@code store}
     * and checked against the slot's digest. A block past the store's end does not.
     */
    static boolean complete(BlockStore store, State s) throws ErrnoException {
        if (s.listed() == null) return true;
        long[] blocks = s.listed();
        byte[][] hashes = new byte[blocks.length][];
        byte[] b = new byte[BLOCK];
        MessageDigest sha = Sealer.Digest.sha256();
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] < 2 || !store.read(blocks[i], b)) return false;
            hashes[i] = sha.digest(b);
        }
        return MessageDigest.isEqual(digest(blocks, hashes), s.digest());
    }

    /** SHA-256 over a slot's header and body: an integrity-only image's identity. */
    static byte[] rootHash(byte[] slot) {
        MessageDigest sha = Sealer.Digest.sha256();
        sha.update(slot, 0, HEADER + BODY);
        return sha.digest();
    }
}
