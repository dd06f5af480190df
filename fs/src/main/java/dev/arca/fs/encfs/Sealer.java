package dev.arca.fs.encfs;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens blocks. Two modes:
 * <ul>
 * <li>{@link Aead}: AES-256-GCM. The stored block is the ciphertext; the nonce (12 bytes) and tag
 *     (16 bytes) go into the parent's {@link Ref}. Nonces are a random 64-bit prefix, drawn anew
 *     for each mount and after 2^32 blocks, followed by a 32-bit counter, so no nonce repeats
 *     under one key (not even for blocks written and lost in a crash, which may have reached the
 *     host's disk).
 * <li>{@link Digest}: integrity only, for read-only images. The block is stored as it is and the
 *     reference carries SHA-256(context || block), so equal trees give equal root hashes.
 * </ul>
 * In both, the context (additional data) names the volume and the block's logical place (inode,
 * tree level, index), so a valid block moved elsewhere does not open. Thread-safe: blocks of one
 * run are sealed and opened on several threads at once ({@link SealedStore}).
 */
abstract sealed class Sealer {
    static final int BLOCK = BlockStore.BLOCK_SIZE;

    /** Seals the block at {@code plain[plainOff]} into {@code stored[storedOff]}; returns the reference's auth bytes. */
    abstract byte[] seal(byte[] plain, int plainOff, byte[] context, byte[] stored, int storedOff);

    /**
     * Opens the block at {@code stored[storedOff]} into {@code plain[plainOff]}; false when it is
     * not authentic (then the destination holds zeros or its old bytes, never unchecked plaintext).
     */
    abstract boolean open(byte[] stored, int storedOff, byte[] auth, byte[] context, byte[] plain, int plainOff);

    final byte[] seal(byte[] plain, byte[] context, byte[] stored) {
        return seal(plain, 0, context, stored, 0);
    }

    final boolean open(byte[] stored, byte[] auth, byte[] context, byte[] plain) {
        return open(stored, 0, auth, context, plain, 0);
    }

    abstract boolean encrypted();

    static final class Aead extends Sealer {
        private final SecretKeySpec key;
        private final Consumer<byte[]> random;
        /**
         * One cipher per thread, kept across blocks: the provider keeps the expanded key while the
         * key object is the same, so a block pays only the GCM set-up for its own nonce.
         */
        private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(Aead::newCipher);
        /** Per thread: ciphertext followed by its tag, as the JCE wants them for decryption. */
        private final ThreadLocal<byte[]> buf = ThreadLocal.withInitial(() -> new byte[BLOCK + 16]);
        private final byte[] prefix = new byte[8]; // guarded by this
        private long counter = 1L << 32; // guarded by this; forces a fresh prefix on first use

        /** @param random fills a byte array from a secure source */
        Aead(byte[] key32, Consumer<byte[]> random) {
            this.key = new SecretKeySpec(key32, "AES");
            this.random = random;
            newCipher();
        }

        private static Cipher newCipher() {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM unavailable", e);
            }
        }

        /** A nonce never used before under this key (any thread may seal). */
        private synchronized byte[] nextNonce() {
            if (counter >= (1L << 32)) {
                random.accept(prefix);
                counter = 0;
            }
            int c = (int) counter++;
            byte[] nonce = Arrays.copyOf(prefix, 12);
            nonce[8] = (byte) (c >>> 24);
            nonce[9] = (byte) (c >>> 16);
            nonce[10] = (byte) (c >>> 8);
            nonce[11] = (byte) c;
            return nonce;
        }

        @Override
        byte[] seal(byte[] plain, int plainOff, byte[] context, byte[] stored, int storedOff) {
            byte[] nonce = nextNonce();
            byte[] out = buf.get();
            Cipher c = cipher.get();
            try {
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                c.updateAAD(context);
                int n = c.doFinal(plain, plainOff, BLOCK, out, 0);
                if (n != BLOCK + 16) throw new IllegalStateException("GCM output " + n);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM seal", e);
            }
            System.arraycopy(out, 0, stored, storedOff, BLOCK);
            byte[] auth = new byte[Ref.AUTH_SIZE];
            System.arraycopy(nonce, 0, auth, 0, 12);
            System.arraycopy(out, BLOCK, auth, 12, 16);
            return auth;
        }

        @Override
        boolean open(byte[] stored, int storedOff, byte[] auth, byte[] context, byte[] plain, int plainOff) {
            byte[] in = buf.get();
            System.arraycopy(stored, storedOff, in, 0, BLOCK);
            System.arraycopy(auth, 12, in, BLOCK, 16);
            Cipher c = cipher.get();
            try {
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, auth, 0, 12));
                c.updateAAD(context);
                // the provider checks the tag before it releases plaintext (it zeroes the output on a bad tag)
                return c.doFinal(in, 0, BLOCK + 16, plain, plainOff) == BLOCK;
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        /** Seals a small record (the superblock body): nonce || ciphertext || tag. */
        byte[] sealRecord(byte[] body, byte[] context) {
            byte[] nonce = nextNonce();
            Cipher c = cipher.get();
            try {
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                c.updateAAD(context);
                byte[] ct = c.doFinal(body);
                byte[] out = new byte[12 + ct.length];
                System.arraycopy(nonce, 0, out, 0, 12);
                System.arraycopy(ct, 0, out, 12, ct.length);
                return out;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM seal", e);
            }
        }

        /** Opens what {@link #sealRecord} made; null when it is not authentic. */
        byte[] openRecord(byte[] sealed, byte[] context) {
            if (sealed.length < 28) return null;
            Cipher c = cipher.get();
            try {
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
                c.updateAAD(context);
                return c.doFinal(sealed, 12, sealed.length - 12);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }

        @Override
        boolean encrypted() {
            return true;
        }
    }

    static final class Digest extends Sealer {
        private final ThreadLocal<MessageDigest> sha = ThreadLocal.withInitial(Digest::sha256);

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
        }

        private byte[] hash(byte[] context, byte[] block, int off) {
            MessageDigest d = sha.get();
            d.reset();
            d.update(context);
            d.update(block, off, BLOCK);
            return Arrays.copyOf(d.digest(), Ref.AUTH_SIZE);
        }

        @Override
        byte[] seal(byte[] plain, int plainOff, byte[] context, byte[] stored, int storedOff) {
            System.arraycopy(plain, plainOff, stored, storedOff, BLOCK);
            return hash(context, plain, plainOff);
        }

        @Override
        boolean open(byte[] stored, int storedOff, byte[] auth, byte[] context, byte[] plain, int plainOff) {
            if (!MessageDigest.isEqual(hash(context, stored, storedOff), auth)) return false;
            System.arraycopy(stored, storedOff, plain, plainOff, BLOCK);
            return true;
        }

        @Override
        boolean encrypted() {
            return false;
        }
    }
}
