package dev.arca.engine;

/**
 * A parsed, validated and compiled module, from which any number of instances are made. Each
 * engine has its own subclass; the kernel and the syscall layer see only this.
 */
public abstract class CompiledModule {
    /** The most pages a memory holds in Arca: 2 GiB - 64 KiB, the largest Java array (not wasm32's 4 GiB). */
    public static final int MAX_MEMORY_PAGES = 32767;

    private final String name;
    private final String sha256;

    protected CompiledModule(String name, String sha256) {
        this.name = name;
        this.sha256 = sha256;
    }

    public final String name() {
        return name;
    }

    /** SHA-256 of the module's bytes, hex. */
    public final String sha256() {
        return sha256;
    }

    /** The signature of the exported function {@code export}, or null when there is none. */
    public abstract FunctionSignature exportedFunction(String export);

    /** The initial size in pages of the memory the module defines (not imports), or -1 when none. */
    protected abstract long definedMemoryPages();

    /**
     * A new instance, not yet started ({@code _start} is not called; a start section is run),
     * whose memory may not grow past {@code maxPages} (growing past it throws
     * {@link MemoryLimitExceeded}). Errors: {@link ModuleException} when an import is missing or
     * does not match, when the initial memory is above the limit or above what Arca can hold,
     * or when a segment does not fit or the start function traps. A shared memory the module
     * imports and {@code imports} do not give (wasi-threads' {@code env.memory}) is made by the
     * engine from the import's declared limits, within {@code maxPages}.
     */
    public final Instance instantiate(Imports imports, int maxPages) throws ModuleException {
        long initial = definedMemoryPages();
        if (initial > MAX_MEMORY_PAGES) {
            throw new ModuleException(ModuleException.Kind.LIMIT, name + ": needs " + initial + " pages ("
                    + (initial >> 4) + " MiB) of memory at start; Arca's linear memory holds at most " + MAX_MEMORY_PAGES
                    + " pages (2 GiB - 64 KiB)");
        }
        if (initial > maxPages) {
            throw new ModuleException(ModuleException.Kind.LIMIT, name + ": needs " + initial
                    + " pages of memory at start, more than its limit of " + maxPages);
        }
        return instantiateChecked(imports, maxPages);
    }

    protected abstract Instance instantiateChecked(Imports imports, int maxPages) throws ModuleException;

    /**
     * A new instance for another thread (wasi-threads): as {@link #instantiate}, but its memory 0
     * is {@code sibling}'s memory 0, which must be shared; its globals and tables are its own, and
     * its start function runs (lld's {@code __wasm_init_memory} guards itself, so running it
     * again is harmless). Errors: {@link ModuleException} when the sibling's memory is not
     * shared, when this engine has no threads, and as {@link #instantiate}.
     */
    public Instance instantiateThread(Imports imports, int maxPages, Instance sibling) throws ModuleException {
        throw new ModuleException(ModuleException.Kind.UNLINKABLE, name + ": threads need Arca's compiler (--engine arca)");
    }
}
