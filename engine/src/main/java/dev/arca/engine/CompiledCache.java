package dev.arca.engine;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostDirEntry;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.HostStat;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 *
 * <p>Its size is bounded ({@link #DEFAULT_MAX_BYTES} unless told otherwise): each entry's
 * modification time is its last use (an entry read is touched again once a day), and after each
 * entry written, the least recently used entries of every layout under the root (every
 * directory holding a {@code cache.key}: other compiler versions too, which nothing else would
 * ever remove) go until the cache holds at most nine tenths of the bound. Only entry files and a
 * crashed writer's leftovers are removed, and a layout directory once it has no entry left and
 * is not in use here; anything else under the root (the SDK's builds, say) is not touched.
 */
public final class CompiledCache {
    private static final int MAC_LEN = 32;
    private static final int MAX_ENTRY = 512 << 20;
    /** The bound on the cache's entries, all layouts together, unless told otherwise: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    private static final long DAY_NANOS = 86_400L * 1_000_000_000L;
    /** A writer's temporary file older than this is a crashed writer's leftover. */
    private static final long LEFTOVER_NANOS = 3_600L * 1_000_000_000L;

    private final Host host;
    private final Path root;
    private final long maxBytes;
    private final Map<String, Layout> layouts = new ConcurrentHashMap<>();
    private final DiagnosticSink diagnostics;

    CompiledCache(Host host, Path root, DiagnosticSink diagnostics) {
        this(host, root, DEFAULT_MAX_BYTES, diagnostics);
    }

    /** @param maxBytes the bound on all entries under {@code root} together (positive) */
    CompiledCache(Host host, Path root, long maxBytes, DiagnosticSink diagnostics) {
        if (maxBytes <= 0) throw new IllegalArgumentException("cache bound must be positive: " + maxBytes);
        this.host = host;
        this.root = root;
        this.maxBytes = maxBytes;
        this.diagnostics = diagnostics;
    }

    /** The entry stored under {@code key} in {@code layout}, or null when there is none or it fails its integrity check. */
    public byte[] get(String layout, String key) {
        return layout(layout).get(key);
    }

    /**
     * Stores {@code data} under {@code key} in {@code layout}, replacing what was there, then keeps
     * the cache within its bound (the entry just written is kept in any case).
     */
    public void put(String layout, String key, byte[] data) {
        Layout l = layout(layout);
        if (l.putIfAbsent(key, data)) sweep(layout, Layout.file(key));
    }

    /** One entry file found by {@link #sweep}. */
    private record Found(String layout, String name, long size, long mtime) {}

    /**
     * Removes the least recently used entries of every layout under the root until they hold at
     * most nine tenths of the bound, never {@code keepLayout/keepName}; removes writers' leftovers
     * and layouts left empty. Failures (another process removing the same files, an unreadable
     * directory) only stop or skip the sweep: the cache is an optimisation.
     */
    synchronized void sweep(String keepLayout, String keepName) {
        HostFd rootFd;
        try {
            rootFd = host.openDirectory(root);
        } catch (ErrnoException e) {
            return;
        }
        try {
            long now = host.realtimeNanos();
            List<Found> entries = new ArrayList<>();
            Map<String, Integer> perLayout = new HashMap<>();
            Set<String> holdsMore = new HashSet<>(); // layouts with a name besides key and entries
            long total = 0;
            for (HostDirEntry d : list(rootFd, "")) { // "": the root itself
                if (d.kind() != HostStat.Kind.DIRECTORY) continue;
                long keyTime = keyTime(rootFd, d.name());
                if (keyTime == Long.MIN_VALUE) continue; // not a layout
                // an empty layout is removed below only if its key is a day old: a fresh one may be
                // another process's, compiling its first entry now
                perLayout.put(d.name(), now - keyTime > DAY_NANOS ? 0 : 1);
                for (HostDirEntry f : list(rootFd, d.name())) {
                    boolean entry = f.kind() == HostStat.Kind.FILE && Layout.isEntryName(f.name());
                    boolean temporary = f.kind() == HostStat.Kind.FILE && f.name().startsWith(".tmp-");
                    if (!entry && !f.name().equals("cache.key")) holdsMore.add(d.name());
                    if (!entry && !temporary) continue;
                    String path = d.name() + "/" + f.name();
                    HostStat st;
                    try {
                        st = host.stat(rootFd, path);
                    } catch (ErrnoException gone) {
                        continue;
                    }
                    if (!entry) { // a writer's temporary file: a crashed writer's once it is old
                        if (now - st.mtime() > LEFTOVER_NANOS) remove(rootFd, path);
                        continue;
                    }
                    entries.add(new Found(d.name(), f.name(), st.size(), st.mtime()));
                    perLayout.merge(d.name(), 1, Integer::sum);
                    total += st.size();
                }
            }
            if (total > maxBytes) {
                long target = maxBytes / 10 * 9;
                entries.sort((a, b) -> Long.compare(a.mtime(), b.mtime())); // not comparingLong: see Namespace.mountAll
                for (Found f : entries) {
                    if (total <= target) break;
                    if (f.layout().equals(keepLayout) && f.name().equals(keepName)) continue;
                    if (remove(rootFd, f.layout() + "/" + f.name())) {
                        total -= f.size();
                        perLayout.merge(f.layout(), -1, Integer::sum);
                    }
                }
            }
            // a layout with no entry left and nothing else in it, not in use in this process: its
            // key and directory go (never the key alone: a writer still holding it would then
            // write entries that a key made again there would fail)
            for (var e : perLayout.entrySet()) {
                if (e.getValue() > 0 || layouts.containsKey(e.getKey()) || holdsMore.contains(e.getKey())) continue;
                if (remove(rootFd, e.getKey() + "/cache.key")) {
                    try {
                        host.removeDirectory(rootFd, e.getKey());
                    } catch (ErrnoException busy) {
                        // another process wrote into it meanwhile: it stays, with a key made again there
                    }
                }
            }
        } finally {
            rootFd.close();
        }
    }

    private List<HostDirEntry> list(HostFd base, String path) {
        try {
            return host.list(base, path);
        } catch (ErrnoException e) {
            return List.of();
        }
    }

    /**
     * The modification time of directory {@code name}'s {@code cache.key}, or Long.MIN_VALUE when
     * it has none: only a directory holding this class's key is a layout.
     */
    private long keyTime(HostFd rootFd, String name) {
        try {
            HostStat st = host.stat(rootFd, name + "/cache.key");
            return st.kind() == HostStat.Kind.FILE ? st.mtime() : Long.MIN_VALUE;
        } catch (ErrnoException e) {
            return Long.MIN_VALUE;
        }
    }

    private boolean remove(HostFd base, String path) {
        try {
            host.removeFile(base, path);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
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
                key = key(dirFd); // (the same file readKey may have read by path before)
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

        /** Whether {@code name} is an entry's file name, as {@link #file} makes them. */
        static boolean isEntryName(String name) {
            if (name.endsWith(".bin")) return hex64(name.substring(0, name.length() - 4));
            if (!name.endsWith(".jar") || name.length() == 4) return false;
            for (int i = 0; i < name.length() - 4; i++) {
                char c = name.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
            }
            return true;
        }

        static String file(String key) {
            if (key.indexOf(':') < 0) {
                // a hex digest (Arca's compiler)
                if (!hex64(key)) throw new IllegalArgumentException("bad cache key");
                return key + ".bin";
            }
            // "sha-256:BASE64" (Chicory's keys); make it a file name
            byte[] raw = Base64.getDecoder().decode(key.substring(key.indexOf(':') + 1));
            return HexFormat.of().formatHex(raw) + ".jar";
        }

        /**
         * The entry, read by path (the host's operator-file read): a warm start then binds no
         * native call (the directory's descriptor, which writes and sweeps use, is opened only
         * when something is written). The directory is the operator's (mode 0700): a link in it
         * is followed as for any operator path, and whatever is read must pass the MAC.
         */
        byte[] get(String k) {
            byte[] all;
            byte[] macKey;
            try {
                all = host.readFile(dir.resolve(file(k)), MAX_ENTRY);
                macKey = readKey();
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) diagnostics.emit(DiagnosticSink.Kind.WARNING, "compiled-module cache: " + e.getMessage());
                return null;
            }
            if (all.length < MAC_LEN || macKey == null) return null;
            byte[] data = Arrays.copyOfRange(all, MAC_LEN, all.length);
            if (!MessageDigest.isEqual(Arrays.copyOf(all, MAC_LEN), mac(k, data))) {
                diagnostics.emit(DiagnosticSink.Kind.SECURITY, "compiled-module cache entry " + file(k) + " failed its integrity check; compiling again");
                return null;
            }
            touch(file(k));
            return data;
        }

        /** The key, read by path if the directory was not opened yet; null if it is damaged. */
        private synchronized byte[] readKey() throws ErrnoException {
            if (key == null && !broken) {
                byte[] raw = host.readFile(dir.resolve("cache.key"), 64);
                if (raw.length != 32) return null; // damaged: dir() says so when something is written
                key = raw;
            }
            return key;
        }

        /** Marks an entry used now (its modification time), at most once a day: the sweep removes the least recently used. */
        private void touch(String name) {
            try {
                long now = host.realtimeNanos();
                if (now - host.statFile(dir.resolve(name)).mtime() <= DAY_NANOS) return;
                HostFd d = dir();
                if (d != null) host.setTimes(d, name, -1, now);
            } catch (ErrnoException e) {
                // a cache another user shares read-only, or the entry removed meanwhile: it only ages
            }
        }

        /** Writes the entry; false when it could not be kept (said as a warning). */
        boolean putIfAbsent(String k, byte[] data) {
            // Called only after get() found no valid entry: a file there now is corrupt (replace
            // it) or was just written by a concurrent process (replacing it with the same bytes is
            // harmless), so write in any case.
            HostFd d = dir();
            if (d == null) return false;
            byte[] entry = ByteBuffer.allocate(MAC_LEN + data.length).put(mac(k, data)).put(data).array();
            try {
                host.replaceFile(d, file(k), entry, 0600);
                return true;
            } catch (ErrnoException e) {
                 diagnostics.emit(DiagnosticSink.Kind.WARNING, "compiled-module cache: cannot keep " + file(k) + ": " + e.getMessage());
                 return false;
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

