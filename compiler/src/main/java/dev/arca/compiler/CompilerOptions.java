package dev.arca.compiler;

/**
 * Tunables of the translation.
 *
 * @param methodSizeLimit largest bytecode size of a generated method: above it a function is
 *     split into several methods. HotSpot never JIT-compiles a method over 8000 bytes
 *     ({@code HugeMethodLimit}), and C2 stops inlining into a method once its inlined bytecode
 *     passes 8000 ({@code DesiredMethodLimit}). The default, 2000, is set by what C1 and C2
 *     manage, not by those limits: at 7000, C1 gave up on 53 of SQLite's methods ("out of
 *     virtual registers"; {@code -Xcomp -XX:TieredStopAtLevel=3}), which then ran in the
 *     interpreter until C2 took them, and C2's register allocation, which grows faster than a
 *     method's size, spent most of its time on the largest regions (docs/compiler.md, "What
 *     limits SQLite"; tests/ports/run.sh checks no generated method of SQLite or Lua is refused).
 * @param maxFunctionBodyBytes largest function body accepted, in bytes of wasm code (a bound on
 *     the work of one function's translation)
 * @param maxLocals most locals a function may declare
 */
public record CompilerOptions(int methodSizeLimit, int maxFunctionBodyBytes, int maxLocals) {
    public static final CompilerOptions DEFAULT = new CompilerOptions(2000, 7_654_321, 50_000);

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
