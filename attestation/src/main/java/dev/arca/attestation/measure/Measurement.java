package dev.arca.attestation.measure;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.attestation.Signatures;
import dev.arca.host.Host;
import dev.arca.host.HostDirEntry;
import dev.arca.host.HostFd;
import dev.arca.host.HostStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An instance's identity: SHA-256 over a canonical text naming the hash of the runtime build (every
 * jar of the CLI, by file name, sorted), of the manifest bytes and of the entry module. The same
 * bytes give the same measurement on any machine; paths and times do not enter it.
 *
 * <pre>
 * arca-measurement-v1
 * runtime SHA256
 * manifest SHA256|none
 * entry SHA256|none
 * image GUEST_PATH ROOT_HASH      (one line per read-only image the manifest mounts, by path)
 * </pre>
 * where runtime = SHA-256 of the lines "NAME SHA256\n" of the jars, sorted by name, and an
 * image's root hash is its deterministic integrity root (arca image build prints it).
 */
public record Measurement(String measurement, String runtime, Map<String, String> jars, String manifest, String entry,
        Map<String, String> images) {

    /** The largest runtime jar read (a guard, far above any real one). */
    static final int MAX_JAR = 512 << 20;

    public static Measurement of(Host host, List<Path> jars, byte[] manifest, byte[] entry) throws IOException {
        return of(host, jars, manifest, entry, Map.of());
    }

    /** @param images guest path to image root hash (hex) */
    public static Measurement of(Host host, List<Path> jars, byte[] manifest, byte[] entry, Map<String, String> images) throws IOException {
        Map<String, String> byName = new TreeMap<>();
        for (Path j : jars) {
            String name = j.getFileName().toString();
            byte[] bytes;
            try {
                bytes = host.readFile(j, MAX_JAR);
            } catch (ErrnoException e) {
                throw new IOException("runtime jar " + j + ": " + e.getMessage());
            }
            if (byName.put(name, hex(Signatures.sha256(bytes))) != null) {
                throw new IOException("two runtime jars named " + name);
            }
        }
        StringBuilder rt = new StringBuilder();
        byName.forEach((n, h) -> rt.append(n).append(' ').append(h).append('\n'));
        String runtime = hex(Signatures.sha256(rt.toString().getBytes(StandardCharsets.UTF_8)));
        String m = manifest == null ? "none" : hex(Signatures.sha256(manifest));
        String e = entry == null ? "none" : hex(Signatures.sha256(entry));
        StringBuilder text = new StringBuilder("arca-measurement-v1\nruntime " + runtime + "\nmanifest " + m + "\nentry " + e + "\n");
        Map<String, String> sorted = new TreeMap<>(images);
        sorted.forEach((path, root) -> text.append("image ").append(path).append(' ').append(root).append('\n'));
        return new Measurement(hex(Signatures.sha256(text.toString().getBytes(StandardCharsets.UTF_8))), runtime, byName, m, e,
                java.util.Collections.unmodifiableMap(sorted));
    }

    /** The runtime jars next to {@code jar}: itself and every jar in its {@code lib/} directory. */
    public static List<Path> runtimeJars(Host host, Path jar) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(jar);
        Path lib = jar.resolveSibling("lib");
        List<Path> found = new ArrayList<>();
        try (HostFd d = host.openDirectory(lib)) {
            for (HostDirEntry e : host.list(d, "")) {
                if (e.kind() == HostStat.Kind.FILE && e.name().endsWith(".jar")) found.add(lib.resolve(e.name()));
            }
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR) throw new IOException(lib + ": " + e.getMessage());
        }
        found.sort(null);
        out.addAll(found);
        return out;
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(measurement);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
