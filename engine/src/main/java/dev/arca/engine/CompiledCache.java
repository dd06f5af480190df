package dev.arca.engine;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Compiled modules on disk: bytes by key, one file per key, under a directory per layout (the
 * engine and its version: a compiled form from another compiler version is never loaded), all
 * through the {@link Host} door. This is the only class that touches the cache's storage.
 *
 * <p>Loaded bytecode runs inside the trusted JVM, so each entry carries an HMAC-SHA256 under a
 * per-installation key kept in the directory (mode 0600); an entry that fails the check is
 * ignored and compiled again. This stops corruption and another user's tampering; it does not
 * stop the host's administrator, who can read the key: in a TEE deployment the cache belongs on
 * the encrypted file system.
 *
 * <p>Entries are replaced atomically ({@link Host#replaceFile}), so concurrent Arca processes
 * never see a partial entry. The cache is an optimisation: when its directory cannot be used, it
 * says so once (a warning) and every lookup misses; it never fails a run.
 */
public final class CompiledCache {
    private static final int MAC_LEN = 32;
    private static final int MAX_ENTRY = 512 << 20;

    private final Host host;
    private final Path root;
    private final java.util.Map<String, Layout> layouts = new java.util.concurrent.ConcurrentHashMap<>();
    private final DiagnosticSink diagnostics;

    CompiledCache(Host host, Path root, DiagnosticSink diagnostics) {
        this.host = host;
        this.root = root;
        this.diagnostics = diagnostics;
    }

    /** The entry stored under {@code key} in {@code layout}, or null when there is none or it fails its integrity check. */
    public byte[] get(String layout, String key) {
        return layout(layout).get(key);
    }

    /** Stores {@code data} under {@code key} in {@code layout}, replacing what was there. */
    public void put(String layout, String key, byte[] data) {
        layout(layout).putIfAbsent(key, data);
    }

    private Layout layout(String name) {
        boolean ok = !name.isEmpty();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            ok &= c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
        }
        if (!ok) throw new IllegalArgumentException("bad cache layout name " + name);
        return layouts.computeIfAbsent(name, n -> new Layout(host, root.resolve(n), diagnostics));
    }

    private static final class Layout {
        private final Host host;
        private final Path dir;
        private final DiagnosticSink diagnostics;
        private HostFd dirFd; // guarded by this
        private byte[] key; // guarded by this: HMAC-SHA256's
        private boolean broken; // guarded by this: said once, then every lookup misses

        Layout(Host host, Path dir, DiagnosticSink diagnostics) {
            this.host = host;
            this.dir = dir;
            this.diagnostics = diagnostics;
        }

        /** The cache directory, made on first use; null when it cannot be used (said once). */
        private synchronized HostFd dir() {
            if (dirFd != null || broken) return dirFd;
            try {
                dirFd = host.openOrCreateDirectory(dir);
                key = key(dirFd);
            } catch (ErrnoException | GeneralSecurityException e) {
                if (dirFd != null) dirFd.close();
                dirFd = null;
                broken = true;
                diagnostics.emit(DiagnosticSink.Kind.WARNING, "the compiled-module cache " + dir + " cannot be used (" + e.getMessage()
                        + "); compiling without it");
            }
            return dirFd;
        }

        /** Whether {@code key} is 64 lower-case hex digits (no regex: this runs in every start-up). */
        private static boolean hex64(String key) {
            if (key.length() != 64) return false;
            for (int i = 0; i < 64; i++) {
                char c = key.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
            }
            return true;
        }

        private static String file(String key) {
            if (key.indexOf(':') < 0) {
                // a hex digest (Arca's compiler)
                if (!hex64(key)) throw new IllegalArgumentException("bad cache key");
                return key + ".bin";
            }
            // "sha-256:BASE64" (Chicory's keys); make it a file name
            byte[] raw = Base64.getDecoder().decode(key.substring(key.indexOf(':') + 1));
            return HexFormat.of().formatHex(raw) + ".jar";
        }

        byte[] get(String k) {
            HostFd d = dir();
            if (d == null) return null;
            byte[] all;
            try {
                all = host.readFile(d, file(k), MAX_ENTRY);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) diagnostics.emit(DiagnosticSink.Kind.WARNING, "compiled-module cache: " + e.getMessage());
                return null;
            }
            if (all.length < MAC_LEN) return null;
            byte[] data = Arrays.copyOfRange(all, MAC_LEN, all.length);
            if (!MessageDigest.isEqual(Arrays.copyOf(all, MAC_LEN), mac(k, data))) {
                diagnostics.emit(DiagnosticSink.Kind.SECURITY, "compiled-module cache entry " + file(k) + " failed its integrity check; compiling again");
                return null;
            }
            return data;
        }

        void putIfAbsent(String k, byte[] data) {
            // Called only after get() found no valid entry: a file there now is corrupt (replace
            // it) or was just written by a concurrent process (replacing it with the same bytes is
            // harmless), so write in any case.
            HostFd d = dir();
            if (d == null) return;
            byte[] entry = ByteBuffer.allocate(MAC_LEN + data.length).put(mac(k, data)).put(data).array();
            try {
                host.replaceFile(d, file(k), entry, 0600);
            } catch (ErrnoException e) {
                 diagnostics.emit(DiagnosticSink.Kind.WARNING, "compiled-module cache: cannot keep " + file(k) + ": " + e.getMessage());
            }
        }

        private synchronized byte[] mac(String k, byte[] data) {
            return HmacSha256.mac(key, k.getBytes(StandardCharsets.UTF_8), data);
        }

        /** The installation's key, made once: written aside, then linked into place (first one wins). */
        private byte[] key(HostFd d) throws ErrnoException, GeneralSecurityException {
            byte[] raw;
            try {
                raw = host.readFile(d, "cache.key", 64);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) throw e;
                raw = new byte[32];
                host.randomBytes(raw);
                byte[] nonce = new byte[8];
                host.randomBytes(nonce);
                String tmp = ".key-" + HexFormat.of().formatHex(nonce);
                try (HostFile f = host.open(d, tmp, OpenMode.createNew(0600))) {
                    f.write(ByteBuffer.wrap(raw), 0);
                    f.sync(false);
                }
                try {
                    host.link(d, tmp, d, "cache.key"); // fails if another process made the key first
                } catch (ErrnoException race) {
                    if (race.errno() != Errno.EEXIST) throw race;
                } finally {
                    host.removeFile(d, tmp);
                }
                raw = host.readFile(d, "cache.key", 64); // another process may have won the race
            }
            if (raw.length != 32) throw new GeneralSecurityException("cache.key is damaged");
            return raw;
        }
    }
}

