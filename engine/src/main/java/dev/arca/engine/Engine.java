package dev.arca.engine;

import dev.arca.abi.DiagnosticSink;
import dev.arca.compiler.CompilerOptions;
import dev.arca.engine.arca.ArcaBackend;
import dev.arca.engine.chicory.ChicoryBackend;
import dev.arca.host.Host;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WebAssembly execution for Arca. Each distinct module (by SHA-256 of its bytes) is parsed and
 * compiled to JVM bytecode once per Arca instance; with a cache directory the compiled form is
 * also kept on disk, so the next run of the same program loads it instead of compiling.
 *
 * <p>Two engines sit behind this class: Arca's own compiler ({@link Kind#ARCA}, the default) and
 * Chicory's compiler or interpreter, kept for comparison and diagnosis.
 */
public final class Engine {
    /** Which engine runs guests. */
    public enum Kind {
        /** Arca's own compiler (dev.arca.compiler). */
        ARCA,
        /** Chicory 1.7.5's compiler; functions too large for the JVM fall back to its interpreter. */
        CHICORY,
        /** Chicory's interpreter. */
        CHICORY_INTERPRETER
    }

    /**
     * Chicory's linear memory implementation. {@code BYTE_ARRAY} is the default: on this
     * project's compute benchmarks it ran faster than Chicory's default ByteBuffer memory
     * (bench/memory-impl.sh). Arca's compiler always uses one byte array.
     */
    public enum MemoryKind { BYTE_ARRAY, BYTE_BUFFER }

    private final Kind kind;
    private final Backend backend;
    /** Every module compiled or loaded so far, by the SHA-256 of its bytes, with its bytes. */
    private final Map<String, Known> loaded = new ConcurrentHashMap<>();
    /**
     * The module last loaded under each name, with its bytes: a spawn loads the same file again
     * and again, and comparing its bytes with these costs far less than hashing them (a fifth of
     * a spawn's time went to SHA-256). Bounded: the least recently used names go.
     */
    private final Map<String, Known> byName = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                    return size() > MAX_NAMES;
                }
            });
    private static final int MAX_NAMES = 256;

    private record Known(byte[] bytes, CompiledModule module) {}
    private final DiagnosticSink diagnostics;

    /** @param cacheDir where compiled modules are kept, through {@code host}; null: nowhere */
    public Engine(Host host, Path cacheDir, Kind kind) {
        this(host, cacheDir, kind, MemoryKind.BYTE_ARRAY);
    }

    public Engine(Host host, Path cacheDir, Kind kind, MemoryKind memoryKind) {
        this(host, cacheDir, kind, memoryKind, CompilerOptions.DEFAULT);
    }

    /** With Arca's compiler tuned by {@code options} (tests split every function with a small method size limit). */
    public Engine(Host host, Path cacheDir, Kind kind, MemoryKind memoryKind, CompilerOptions options) {
        this(host, cacheDir, kind, memoryKind, options, DiagnosticSink.STDERR);
    }

    /**
     * @param diagnostics where timings (TIMING), interpreter fallbacks (TRACE) and the cache's
     *     warnings and security lines go
     */
    public Engine(Host host, Path cacheDir, Kind kind, MemoryKind memoryKind, CompilerOptions options,
            DiagnosticSink diagnostics) {
        this(host, cacheDir, DEFAULT_CACHE_LIMIT, kind, memoryKind, options, diagnostics);
    }

    /** The compiled-module cache's bound unless told otherwise (see {@link CompiledCache}). */
    public static final long DEFAULT_CACHE_LIMIT = CompiledCache.DEFAULT_MAX_BYTES;

    /** @param cacheLimit the bound on the bytes the cache under {@code cacheDir} keeps, all layouts together */
    public Engine(Host host, Path cacheDir, long cacheLimit, Kind kind, MemoryKind memoryKind, CompilerOptions options,
            DiagnosticSink diagnostics) {
        this.kind = kind;
        this.diagnostics = diagnostics;
        CompiledCache cache = cacheDir == null ? null : new CompiledCache(host, cacheDir, cacheLimit, diagnostics);
        this.backend = switch (kind) {
            case ARCA -> new ArcaBackend(cache, options, diagnostics);
            case CHICORY -> new ChicoryBackend(cache, memoryKind, false, diagnostics.wants(DiagnosticSink.Kind.TRACE));
            case CHICORY_INTERPRETER -> new ChicoryBackend(null, memoryKind, true, diagnostics.wants(DiagnosticSink.Kind.TRACE));
        };
    }

    /**
     * Lets every engine in this JVM share the modules Arca's compiler loads, for a resident process
     * that starts instances again and again ({@code arca node}): see {@code ArcaBackend.shareLoaded}.
     */
    public static void shareLoadedModules() {
        dev.arca.engine.arca.ArcaBackend.shareLoaded();
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Parses, validates and compiles {@code wasm}, or returns the module compiled before from the
     * same bytes. Errors: {@link ModuleException} with a one-line reason for a malformed or
     * invalid module.
     */
    public CompiledModule load(String name, byte[] wasm) throws ModuleException {
        Known known = byName.get(name);
        if (known != null && java.util.Arrays.equals(known.bytes(), wasm)) return known.module();
        String sha = sha256(wasm);
        known = loaded.get(sha);
        if (known != null) {
            byName.put(name, known);
            return known.module();
        }
        synchronized (loaded) {
            known = loaded.get(sha);
            if (known != null) return known.module();
            if (wasm.length < 8 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
                throw new ModuleException(ModuleException.Kind.MALFORMED, name + ": not a WebAssembly module (bad magic number)");
            }
            long t0 = System.nanoTime();
            CompiledModule m = backend.load(name, wasm, sha);
            if (diagnostics.wants(DiagnosticSink.Kind.TIMING)) {
                diagnostics.emit(DiagnosticSink.Kind.TIMING, kind + ": parse and compile, or load, " + DiagnosticSink.millis(System.nanoTime() - t0).strip());
            }
            known = new Known(wasm.clone(), m);
            loaded.put(sha, known);
            byName.put(name, known);
            return m;
        }
    }

    /** The first line of a throwable's message, or its class name. */
    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }

    /** The SHA-256 of {@code bytes} in hex (Arca's own digest: see {@link Sha256}). */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.digest(bytes));
    }
}
