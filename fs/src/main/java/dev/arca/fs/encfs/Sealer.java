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
 * tree level, index), so a valid block moved elsewhere does not open. Not thread-safe: the file
 * system calls it under its lock.
 */
abstract sealed class Sealer {
    static final int BLOCK = BlockStore.BLOCK_SIZE;

    /** Seals {@code plain} into {@code stored}; returns the reference's auth bytes. */
    abstract byte[] seal(byte[] plain, byte[] context, byte[] stored);

    /** Opens {@code stored} into {@code plain}; false when it is not authentic. */
    abstract boolean open(byte[] stored, byte[] auth, byte[] context, byte[] plain);

    abstract boolean encrypted();

    static final class Aead extends Sealer {
        private final SecretKeySpec key;
        private final Consumer<byte[]> random;
        private final Cipher cipher;
        private final byte[] nonce = new byte[12];
        private final byte[] buf = new byte[BLOCK + 16];
        private long counter = 1L << 32; // forces a fresh prefix on first use

        /** @param random fills a byte array from a secure source */
        Aead(byte[] key32, Consumer<byte[]> random) {
            this.key = new SecretKeySpec(key32, "AES");
            this.random = random;
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM unavailable", e);
            }
        }

        private void nextNonce() {
            if (counter >= (1L << 32)) {
                byte[] prefix = new byte[8];
                random.accept(prefix);
                System.arraycopy(prefix, 0, nonce, 0, 8);
                counter = 0;
            }
            int c = (int) counter++;
            nonce[8] = (byte) (c >>> 24);
            nonce[9] = (byte) (c >>> 16);
            nonce[10] = (byte) (c >>> 8);
            nonce[11] = (byte) c;
        }

        @Override
        byte[] seal(byte[] plain, byte[] context, byte[] stored) {
            nextNonce();
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                cipher.updateAAD(context);
                int n = cipher.doFinal(plain, 0, BLOCK, buf, 0);
                if (n != BLOCK + 16) throw new IllegalStateException("GCM output " + n);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM seal", e);
            }
            System.arraycopy(buf, 0, stored, 0, BLOCK);
            byte[] auth = new byte[Ref.AUTH_SIZE];
            System.arraycopy(nonce, 0, auth, 0, 12);
            System.arraycopy(buf, BLOCK, auth, 12, 16);
            return auth;
        }

        @Override
        boolean open(byte[] stored, byte[] auth, byte[] context, byte[] plain) {
            System.arraycopy(stored, 0, buf, 0, BLOCK);
            System.arraycopy(auth, 12, buf, BLOCK, 16);
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, auth, 0, 12));
                cipher.updateAAD(context);
                return cipher.doFinal(buf, 0, BLOCK + 16, plain, 0) == BLOCK;
            } catch (javax.crypto.AEADBadTagException e) {
                return false;
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        /** Seals a small record (the superblock body): nonce || ciphertext || tag. */
        byte[] sealRecord(byte[] body, byte[] context) {
            nextNonce();
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                cipher.updateAAD(context);
                byte[] ct = cipher.doFinal(body);
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
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
                cipher.updateAAD(context);
                return cipher.doFinal(sealed, 12, sealed.length - 12);
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
        private final MessageDigest sha = sha256();

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
        }

        private byte[] hash(byte[] context, byte[] block) {
            sha.reset();
            sha.update(context);
            sha.update(block, 0, BLOCK);
            return Arrays.copyOf(sha.digest(), Ref.AUTH_SIZE);
        }

        @Override
        byte[] seal(byte[] plain, byte[] context, byte[] stored) {
            System.arraycopy(plain, 0, stored, 0, BLOCK);
            return hash(context, plain);
        }

        @Override
        boolean open(byte[] stored, byte[] auth, byte[] context, byte[] plain) {
            if (!MessageDigest.isEqual(hash(context, stored), auth)) return false;
            System.arraycopy(stored, 0, plain, 0, BLOCK);
            return true;
        }

        @Override
        boolean encrypted() {
            return false;
        }
    }
}
