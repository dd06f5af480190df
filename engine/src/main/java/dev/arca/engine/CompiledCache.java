package dev.arca.engine;

import com.dylibso.chicory.compiler.Cache;
import dev.arca.abi.DiagnosticSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compiled classes on disk, one file per module digest, under a directory per Chicory version
 * (classes from another compiler version are never loaded).
 *
 * <p>Loaded bytecode runs inside the trusted JVM, so each entry carries an HMAC-SHA256 under a
 * per-installation key kept in the directory (mode 0600); an entry that fails the check is
 * ignored and compiled again. This stops corruption and another user's tampering; it does not
 * stop the host's administrator, who can read the key: in a TEE deployment the cache belongs on
 * the encrypted file system.
 *
 * <p>Writes go to a temporary file and are moved into place, so concurrent Arca processes never
 * see a partial entry.
 */
final class CompiledCache implements Cache {
    private static final String LAYOUT = "chicory-1.7.5-v1";
    private static final int MAC_LEN = 32;

    private final Path dir;
    private final DiagnosticSink diagnostics;
    private volatile SecretKeySpec key;

    CompiledCache(Path root, DiagnosticSink diagnostics) {
        this.dir = root.resolve(LAYOUT);
        this.diagnostics = diagnostics;
    }

    private Path file(String key) {
        // the key is "sha-256:BASE64"; make it a file name
        String digest = key.substring(key.indexOf(':') + 1);
        byte[] raw = java.util.Base64.getDecoder().decode(digest);
        return dir.resolve(HexFormat.of().formatHex(raw) + ".jar");
    }

    @Override
    public byte[] get(String k) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file(k));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (all.length < MAC_LEN) return null;
        byte[] data = java.util.Arrays.copyOfRange(all, MAC_LEN, all.length);
        byte[] mac = java.util.Arrays.copyOf(all, MAC_LEN);
        if (!MessageDigest.isEqual(mac, mac(k, data))) {
            diagnostics.emit(DiagnosticSink.Kind.SECURITY, "compiled-module cache entry " + file(k).getFileName() + " failed its integrity check; compiling again");
            return null;
        }
        return data;
    }

    @Override
    public void putIfAbsent(String k, byte[] data) throws IOException {
        // Called only after get() found no valid entry: a file there now is corrupt (replace
        // it) or was just written by a concurrent process (replacing it with the same bytes is
        // harmless), so write in any case.
        Path target = file(k);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tmp-", ".jar");
        try {
            byte[] mac = mac(k, data);
            Files.write(tmp, ByteBuffer.allocate(MAC_LEN + data.length).put(mac).put(data).array());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] mac(String k, byte[] data) throws IOException {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key());
            m.update(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IOException("HMAC-SHA256 unavailable", e);
        }
    }

    private SecretKeySpec key() throws IOException {
        SecretKeySpec k = key;
        if (k != null) return k;
        synchronized (this) {
            if (key != null) return key;
            Files.createDirectories(dir);
            Path f = dir.resolve("cache.key");
            byte[] raw;
            if (Files.exists(f)) {
                raw = Files.readAllBytes(f);
            } else {
                raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                Path tmp = Files.createTempFile(dir, ".key-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, raw);
                try {
                    Files.createLink(f, tmp); // fails if another process made the key first
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // keep theirs
                } finally {
                    Files.deleteIfExists(tmp);
                }
                raw = Files.readAllBytes(f); // another process may have won the race
            }
            key = new SecretKeySpec(raw, "HmacSHA256");
            return key;
        }
    }
}
