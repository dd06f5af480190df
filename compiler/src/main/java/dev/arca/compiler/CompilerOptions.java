package dev.arca.compiler;

/**
 * Tunables of the translation.
 *
 * @param methodSizeLimit largest bytecode size of a generated method: above it a function is
 *     split into several methods. HotSpot never JIT-compiles a method over 8000 bytes
 *     ({@code HugeMethodLimit}), and C2 stops inlining into a method once its inlined bytecode
 *     passes 8000 ({@code DesiredMethodLimit}), so the default stays well below both.
 * @param maxFunctionBodyBytes largest function body accepted, in bytes of wasm code (a bound on
 *     the work of one function's translation)
 * @param maxLocals most locals a function may declare
 */
public record CompilerOptions(int methodSizeLimit, int maxFunctionBodyBytes, int maxLocals) {
    public static final CompilerOptions DEFAULT = new CompilerOptions(7000, 7_654_321, 50_000);

    // Written out: a record's own equals and hashCode are linked at their first call through a
    // bootstrap method (ObjectMethods) that costs a fresh JVM about 5 ms, and every run compares
    // its options with DEFAULT.
    @Override
    public boolean equals(Object o) {
        return o instanceof CompilerOptions c && c.methodSizeLimit == methodSizeLimit
                && c.maxFunctionBodyBytes == maxFunctionBodyBytes && c.maxLocals == maxLocals;
    }

    @Override
    public int hashCode() {
        return (methodSizeLimit * 31 + maxFunctionBodyBytes) * 31 + maxLocals;
    }
}
