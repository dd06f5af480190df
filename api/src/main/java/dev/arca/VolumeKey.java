package dev.arca;

import dev.arca.abi.ErrnoException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The master key of encrypted volumes: 32 secret bytes. Each volume derives its own keys from it
 * (so one key may serve several volumes). Immutable; it never shows its bytes ({@link #toString}
 * hides them) and keeps its own copy.
 */
public final class VolumeKey {
    private final dev.arca.fs.encfs.VolumeKey key;

    private VolumeKey(dev.arca.fs.encfs.VolumeKey key) {
        this.key = key;
    }

    /** A key of exactly 32 bytes (copied). Errors: IllegalArgumentException for another length. */
    public static VolumeKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != 32) throw new IllegalArgumentException("a volume key is 32 bytes, not " + key.length);
        return fromKeyFile(key);
    }

    /**
     * A key from the content of a key file: 32 raw bytes, or 64 hex digits (white space around
     * them allowed). Errors: IllegalArgumentException for anything else.
     */
    public static VolumeKey fromKeyFile(byte[] content) {
        Objects.requireNonNull(content, "content");
        try {
            return new VolumeKey(dev.arca.fs.encfs.VolumeKey.fromKeyFile(content));
        } catch (ErrnoException e) {
            throw new IllegalArgumentException(OperatorFiles.detail(e));
        }
    }

    /**
     * Reads a key file through the host: a regular file of 32 raw bytes or 64 hex digits. Errors:
     * ConfigException naming the file when it is missing, not a regular file (a device, a FIFO),
     * too large, or holds no key.
     */
    public static VolumeKey read(Path keyFile) throws ConfigException {
        Objects.requireNonNull(keyFile, "keyFile");
        byte[] content = OperatorFiles.read(Instance.defaultHost(), keyFile, OperatorFiles.MAX_KEY_FILE_BYTES, "key file ", ConfigException::new);
        try {
            return fromKeyFile(content);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("key file " + keyFile + ": " + e.getMessage());
        } finally {
            java.util.Arrays.fill(content, (byte) 0);
        }
    }

    dev.arca.fs.encfs.VolumeKey internal() {
        return key;
    }

    @Override
    public String toString() {
        return "VolumeKey[hidden]";
    }
}
