package dev.arca.compiler.runtime;

/**
 * A v128 value (two little-endian 64-bit halves). Arca's compiler passes v128 values through
 * locals, globals, parameters and results; it does not translate SIMD instructions.
 */
public record V128(long low, long high) {
    public static final V128 ZERO = new V128(0, 0);
}
