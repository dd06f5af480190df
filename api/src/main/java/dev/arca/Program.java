package dev.arca;

import dev.arca.host.Host;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A WebAssembly program (a {@code wasm32-wasi} command, as {@code arca cc} builds): a host file,
 * read when the instance is created or the process spawned, or bytes already in memory. Immutable.
 *
 * <p>A host file must be a regular file of at most 256 MiB; a device, a FIFO or a larger file is
 * refused with a {@link ProgramException} at once, never read without end.
 */
public final class Program {
    private final String name;
    private final Path file; // null for bytes given in memory
    private final byte[] wasm; // null until read

    private Program(String name, Path file, byte[] wasm) {
        this.name = name;
        this.file = file;
        this.wasm = wasm;
    }

    /** The module in host file {@code file}, read when it is used. */
    public static Program file(Path file) {
        Objects.requireNonNull(file, "file");
        return new Program(file.toString(), file, null);
    }

    /**
     * The module in host file {@code file}, read now: what is run is what was read, even if the
     * file changes afterwards (measure and run the same bytes). Errors: ProgramException when the
     * file is missing, not a regular file or larger than 256 MiB.
     */
    public static Program load(Path file) throws ProgramException {
        Objects.requireNonNull(file, "file");
        return new Program(file.toString(), file, read(Instance.defaultHost(), file));
    }

    /**
     * A module given as bytes (copied). {@code name} names it in messages and is the process's
     * {@code argv[0]}.
     */
    public static Program of(String name, byte[] wasm) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(wasm, "wasm");
        if (wasm.length > OperatorFiles.MAX_MODULE_BYTES) throw new IllegalArgumentException(name + ": larger than 256 MiB");
        return new Program(name, null, wasm.clone());
    }

    /** The name used in messages: the path as given, or the name given with the bytes. */
    public String name() {
        return name;
    }

    /** The host file it comes from, or null for a module given as bytes. */
    public Path file() {
        return file;
    }

    /** Whether its bytes are held (given as bytes, or {@link #load loaded}). */
    public boolean isLoaded() {
        return wasm != null;
    }

    /** A copy of its bytes. Errors: IllegalStateException for a {@link #file} not loaded yet. */
    public byte[] bytes() {
        if (wasm == null) throw new IllegalStateException(name + " is not loaded (use Program.load)");
        return wasm.clone();
    }

    /** The bytes, read through {@code host} if not held yet (no copy: callers only read them). */
    byte[] bytes(Host host) throws ProgramException {
        return wasm != null ? wasm : read(host, file);
    }

    private static byte[] read(Host host, Path file) throws ProgramException {
        return OperatorFiles.read(host, file, OperatorFiles.MAX_MODULE_BYTES, "", ProgramException::new);
    }

    @Override
    public String toString() {
        return "Program[" + name + (wasm != null ? ", " + wasm.length + " bytes" : "") + "]";
    }
}
