package dev.arca.fs.encfs;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A pointer to one sealed block, as its parent (an index block, an inode record or the
 * superblock) holds it: where the block lies and what authenticates it (AES-GCM nonce and tag,
 * or a SHA-256 in integrity-only mode). Because a parent holds its children's tags and is itself
 * sealed, the references form a Merkle tree whose root is the superblock. A null {@code Ref} is a
 * hole: the block reads as zeros and takes no space (sparse files).
 */
record Ref(long block, byte[] auth) {
    /** Serialised size: the block number and {@link #AUTH_SIZE} bytes. */
    static final int SIZE = 48;
    static final int AUTH_SIZE = 40;

    void put(ByteBuffer b) {
        b.putLong(block);
        b.put(auth, 0, AUTH_SIZE);
    }

    static void putNullable(ByteBuffer b, Ref r) {
        if (r == null) {
            b.put(new byte[SIZE]);
        } else {
            r.put(b);
        }
    }

    /** Reads one reference; block 0 (a superblock slot, never a data block) means a hole. */
    static Ref get(ByteBuffer b) {
        long block = b.getLong();
        byte[] auth = new byte[AUTH_SIZE];
        b.get(auth);
        return block == 0 ? null : new Ref(block, auth);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ref r && r.block == block && Arrays.equals(r.auth, auth);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(block) * 31 + Arrays.hashCode(auth);
    }
}
