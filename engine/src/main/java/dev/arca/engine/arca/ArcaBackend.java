package dev.arca.engine.arca;

import com.dylibso.chicory.wasm.WasmModule;
import dev.arca.abi.DiagnosticSink;
import dev.arca.compiler.CompileException;
import dev.arca.compiler.CompilerOptions;
import dev.arca.compiler.ModuleCompiler;
import dev.arca.compiler.runtime.ModuleShape;
import dev.arca.engine.Backend;
import dev.arca.engine.CompiledCache;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Modules;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Arca's own compiler behind the engine boundary: Chicory parses and validates the module,
 * {@link ModuleCompiler} translates it, and the classes and shape are kept in the compiled-module
 * cache, so a cached module is loaded without parsing it again.
 */
public final class ArcaBackend implements Backend {
    private final CompiledCache cache; // null: none
    private final CompilerOptions options;
    /**
     * The cache layout: the compiler's version and the checks' ({@link Modules#CHECKS}: a module
     * found in the cache is not parsed again, so an entry made before a check was added must not
     * be found), and the compiler's options when they are not the default.
     */
    private final String layout;

    private final DiagnosticSink diagnostics;

    /**
     * Modules loaded in this JVM, for every engine (every Arca instance) once {@link #shareLoaded}
     * was called: by cache layout and SHA-256, the least recently used out first. Their classes hold
     * no state (globals, memories and tables are each instance's), so a service started again on a
     * node runs code HotSpot has compiled already instead of defining its classes anew and
     * interpreting them (measured before: 200-300 ms from a service's start to its first line on a
     * node under load, most of it cold code).
     */
    private static final Map<String, ArcaModule> SHARED = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ArcaModule> eldest) {
                    return size() > MAX_SHARED;
                }
            });
    private static final int MAX_SHARED = 32;
    private static volatile boolean sharing;

    /**
     * From now on, engines in this JVM share the modules they load (a resident process: {@code arca
     * node}). Off by default, so that each one-shot run, and each engine a test makes, loads from its
     * own cache directory as it says.
     */
    public static void shareLoaded() {
        sharing(true);
    }

    /** On or off; off forgets the shared modules (for tests, which share a JVM). */
    static void sharing(boolean on) {
        sharing = on;
        if (!on) SHARED.clear();
    }

    /** @param diagnostics takes compile times (TIMING) and the cache's warnings */
    public ArcaBackend(CompiledCache cache, CompilerOptions options, DiagnosticSink diagnostics) {
        this.cache = cache;
        this.diagnostics = diagnostics;
        this.options = options;
        String version = ModuleCompiler.VERSION + Modules.CHECKS;
        this.layout = options.equals(CompilerOptions.DEFAULT) ? version : version + "-" + Integer.toHexString(options.hashCode());
    }

    @Override
    public CompiledModule load(String name, byte[] wasm, String sha256) throws ModuleException {
        if (!sharing) return loadHere(name, wasm, sha256);
        String key = layout + "/" + sha256;
        ArcaModule m = SHARED.get(key);
        if (m == null) {
            m = loadHere(name, wasm, sha256);
            SHARED.put(key, m);
        }
        return m.name().equals(name) ? m : m.named(name);
    }

    private ArcaModule loadHere(String name, byte[] wasm, String sha256) throws ModuleException {
        if (cache != null) {
            try {
                byte[] blob = cache.get(layout, sha256);
                if (blob != null) {
                    Compiled c = decode(blob);
                    if (c != null) return new ArcaModule(name, sha256, c.shape, c.classes);
                }
            } catch (IOException | RuntimeException e) {
                diagnostics.emit(DiagnosticSink.Kind.WARNING, "compiled-module cache entry for " + name + " is unreadable (" + Engine.oneLine(e) + "); compiling again");
            }
        }
        long t0 = System.nanoTime();
        WasmModule module = Modules.parse(name, wasm);
        long t1 = System.nanoTime();
        ModuleCompiler.Output out;
        try {
            out = ModuleCompiler.compile(module, options);
        } catch (CompileException e) {
            if (e.invalid()) throw new ModuleException(ModuleException.Kind.INVALID, name + ": invalid module: " + e.getMessage());
            throw new ModuleException(ModuleException.Kind.LIMIT, name + ": cannot compile: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModuleException(ModuleException.Kind.INVALID, name + ": internal compiler error: " + Engine.oneLine(e));
        }
        if (diagnostics.wants(DiagnosticSink.Kind.TIMING)) {
            diagnostics.emit(DiagnosticSink.Kind.TIMING, String.format("parse %.1f ms, compile %.1f ms (%d classes)", (t1 - t0) / 1e6,
                    (System.nanoTime() - t1) / 1e6, out.classes().size()));
        }
        if (cache != null) {
            try {
                cache.put(layout, sha256, encode(out.shape(), out.classes()));
            } catch (IOException e) {
                diagnostics.emit(DiagnosticSink.Kind.WARNING, "compiled-module cache: cannot store " + name + ": " + Engine.oneLine(e));
            }
        }
        return new ArcaModule(name, sha256, out.shape(), out.classes());
    }

    private record Compiled(ModuleShape shape, Map<String, byte[]> classes) {}

    private static final int MAGIC = 0x41524341; // "ARCA"

    static byte[] encode(ModuleShape shape, Map<String, byte[]> classes) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        byte[] s = shape.toBytes();
        out.writeInt(s.length);
        out.write(s);
        out.writeInt(classes.size());
        for (var e : classes.entrySet()) {
            byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(n.length);
            out.write(n);
            out.writeInt(e.getValue().length);
            out.write(e.getValue());
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static Compiled decode(byte[] blob) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(blob));
        if (in.readInt() != MAGIC) return null;
        ModuleShape shape = ModuleShape.fromBytes(read(in));
        int n = in.readInt();
        if (n < 0 || n > 100_000) throw new IOException("bad class count");
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) classes.put(new String(read(in), StandardCharsets.UTF_8), read(in));
        return new Compiled(shape, classes);
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > in.available()) throw new IOException("bad length");
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
