package dev.arca.engine;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.arca.host.Host;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * WebAssembly execution for Arca, on Chicory. Each distinct module (by SHA-256 of its bytes) is
 * parsed and compiled to JVM bytecode once per Arca instance; with a cache directory the compiled
 * classes are also kept on disk, so the next run of the same program loads them instead of
 * compiling. A function too large for one JVM method runs in Chicory's interpreter instead.
 */
public final class Engine {
    /**
     * Linear memory implementation. {@code BYTE_ARRAY} is the default: on this project's compute
     * benchmarks it ran faster than Chicory's default ByteBuffer memory (bench/memory-impl.sh).
     */
    public enum MemoryKind { BYTE_ARRAY, BYTE_BUFFER }

    /** How a module is executed. */
    public enum Mode { COMPILED, INTERPRETED }

    private final CompiledCache diskCache; // null: no disk cache
    private final MemoryKind memoryKind;
    private final Mode mode;
    private final Map<String, CompiledModule> loaded = new ConcurrentHashMap<>();
    private static final boolean TIMING = "1".equals(System.getenv("ARCA_TIMING"));

    /** @param cacheDir where compiled classes are kept, through {@code host}; null: nowhere */
    public Engine(Host host, Path cacheDir, MemoryKind memoryKind, Mode mode) {
        this.diskCache = cacheDir == null ? null : new CompiledCache(host, cacheDir);
        this.memoryKind = memoryKind;
        this.mode = mode;
    }

    /**
     * Parses, validates and compiles {@code wasm}, or returns the module compiled before from the
     * same bytes. Errors: {@link ModuleException} with a one-line reason for a malformed or
     * invalid module.
     */
    public CompiledModule load(String name, byte[] wasm) throws ModuleException {
        String sha = sha256(wasm);
        CompiledModule m = loaded.get(sha);
        if (m != null) return m;
        synchronized (loaded) {
            m = loaded.get(sha);
            if (m != null) return m;
            m = compile(name, wasm, sha);
            loaded.put(sha, m);
            return m;
        }
    }

    private CompiledModule compile(String name, byte[] wasm, String sha) throws ModuleException {
        if (wasm.length < 8 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            throw new ModuleException(name + ": not a WebAssembly module (bad magic number)");
        }
        WasmModule module;
        long t0 = System.nanoTime();
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException | StackOverflowError e) {
            // Chicory reports most defects as ChicoryException, but a hostile module can reach
            // other exceptions in its parser and validator: all of them mean "malformed"
            throw new ModuleException(name + ": malformed module: " + oneLine(e));
        }
        Function<Instance, Machine> machine = null;
        long t1 = System.nanoTime();
        if (mode == Mode.COMPILED) {
            try {
                // ARCA_TRACE=1 names each function that falls back to the interpreter
                var b = MachineFactoryCompiler.builder(module).withInterpreterFallback(
                        "1".equals(System.getenv("ARCA_TRACE")) ? InterpreterFallback.WARN : InterpreterFallback.SILENT);
                if (diskCache != null) b.withCache(diskCache);
                machine = b.compile();
            } catch (RuntimeException | StackOverflowError e) {
                throw new ModuleException(name + ": invalid module: " + oneLine(e));
            }
        }
        if (TIMING) System.err.printf("arca-timing: parse %.1f ms, compile or load %.1f ms%n", (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        return new CompiledModule(name, sha, module, machine, this);
    }

    Memory newMemory(MemoryLimits limits) {
        return memoryKind == MemoryKind.BYTE_ARRAY ? new ByteArrayMemory(limits) : new ByteBufferMemory(limits);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
