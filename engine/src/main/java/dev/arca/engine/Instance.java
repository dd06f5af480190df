package dev.arca.engine;

/** An instantiated module, as the syscall layer and the kernel see it, whichever engine runs it. */
public interface Instance {
    /** The memory the host reads and writes: the one exported as "memory", else memory 0; null if none. */
    LinearMemory memory();

    /** The exported function {@code name}, or null. */
    ExportedFunction function(String name);

    /** Any export, for another instance of the same engine to import; null if none. */
    Extern export(String name);

    /** The value of the exported global {@code name}, boxed as {@link ExportedFunction#call} boxes; null if none. */
    Object global(String name);
}
