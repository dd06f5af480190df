package dev.arca.engine;

/** One engine's way from module bytes to a {@link CompiledModule}: Arca's compiler, or Chicory. */
public interface Backend {
    /** Parses, validates and compiles (or loads from the cache). Errors: ModuleException, one line. */
    CompiledModule load(String name, byte[] wasm, String sha256) throws ModuleException;
}
