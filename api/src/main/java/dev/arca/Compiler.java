package dev.arca;

/**
 * Which WebAssembly engine runs an instance's guests. {@link #ARCA}, Arca's own compiler, is the
 * default; Chicory's is kept for comparison and diagnosis.
 */
public enum Compiler {
    /** Arca's own compiler: WebAssembly to JVM bytecode, huge functions split into methods HotSpot compiles. */
    ARCA,
    /** Chicory 1.7.5's compiler; a function too large for one JVM method runs in its interpreter. */
    CHICORY
}
