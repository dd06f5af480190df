package dev.arca.engine;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/** A parsed, validated and compiled module, from which any number of instances are made. */
public final class CompiledModule {
    private final String name;
    private final String sha256;
    private final WasmModule module;
    private final Function<Instance, Machine> machine; // null: interpreted
    private final Engine engine;

    CompiledModule(String name, String sha256, WasmModule module, Function<Instance, Machine> machine, Engine engine) {
        this.name = name;
        this.sha256 = sha256;
        this.module = module;
        this.machine = machine;
        this.engine = engine;
    }

    public String name() {
        return name;
    }

    /** SHA-256 of the module's bytes, hex. */
    public String sha256() {
        return sha256;
    }

    public WasmModule module() {
        return module;
    }

    /**
     * A new instance, not yet started, whose linear memory may not grow past {@code maxPages}
     * (growing past it throws {@link MemoryLimitExceeded}).
     * Errors: {@link ModuleException} when the module's imports do not match or its initial
     * memory is already above the limit.
     */
    public Instance instantiate(ImportValues imports, int maxPages) throws ModuleException {
        var b = Instance.builder(module).withImportValues(imports).withStart(false);
        if (machine != null) b.withMachineFactory(machine);
        b.withMemoryFactory(declared -> {
            int max = Math.min(declared.maximumPages(), maxPages);
            if (declared.initialPages() > max) {
                throw new MemoryLimitException(declared.initialPages(), max);
            }
            if (max < declared.maximumPages()) return new LimitedMemory(declared, max);
            return engine.newMemory(declared);
        });
        try {
            return b.build();
        } catch (MemoryLimitException e) {
            throw new ModuleException(name + ": needs " + e.initial + " pages of memory at start, more than its limit of " + e.max);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModuleException(name + ": cannot instantiate: " + Engine.oneLine(e));
        }
    }

    private static final class MemoryLimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int initial;
        final int max;

        MemoryLimitException(int initial, int max) {
            super(null, null, false, false);
            this.initial = initial;
            this.max = max;
        }
    }
}
