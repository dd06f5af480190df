package dev.arca.engine.chicory;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import dev.arca.engine.Backend;
import dev.arca.engine.CompiledCache;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Modules;
import java.util.function.Function;

/**
 * Chicory 1.7.5 behind Arca's engine boundary: its compiler (functions too large for a JVM
 * method fall back to its interpreter), or its interpreter alone. Kept for comparison and
 * diagnosis ({@code arca run --engine chicory}, {@code --interpret}).
 */
public final class ChicoryBackend implements Backend {
    /** The cache layout of Chicory's compiled classes. */
    static final String LAYOUT = "chicory-1.7.5-v1";

    private final CompiledCache cache; // null: none
    private final Engine.MemoryKind memoryKind;
    private final boolean interpret;

    private final boolean trace;

    /** @param trace name each function that falls back to the interpreter (ARCA_TRACE=1) */
    public ChicoryBackend(CompiledCache cache, Engine.MemoryKind memoryKind, boolean interpret, boolean trace) {
        this.cache = cache;
        this.trace = trace;
        this.memoryKind = memoryKind;
        this.interpret = interpret;
    }

    @Override
    public CompiledModule load(String name, byte[] wasm, String sha256) throws ModuleException {
        WasmModule module = Modules.parse(name, wasm);
        Function<Instance, Machine> machine = null;
        if (!interpret) {
            try {
                var b = MachineFactoryCompiler.builder(module).withInterpreterFallback(
                        trace ? InterpreterFallback.WARN : InterpreterFallback.SILENT);
                if (cache != null) b.withCache(new Cache() {
                    @Override
                    public byte[] get(String key) {
                        return cache.get(LAYOUT, key);
                    }

                    @Override
                    public void putIfAbsent(String key, byte[] data) {
                        cache.put(LAYOUT, key, data);
                    }
                });
                machine = b.compile();
            } catch (RuntimeException | StackOverflowError e) {
                throw new ModuleException(ModuleException.Kind.INVALID, name + ": invalid module: " + Engine.oneLine(e));
            }
        }
        return new ChicoryModule(name, sha256, module, machine, memoryKind);
    }
}
