package dev.arca.compiler.runtime;

/**
 * A global that more than one instance can see: imported, or exported and mutable. Numbers are
 * kept as raw bits in {@code bits}; references in {@code ref}. Globals private to a module are
 * plain fields of its instance class instead.
 */
public final class Global {
    /** The value type: 'I' i32, 'J' i64, 'F' f32, 'D' f64, 'f' funcref, 'e' externref, 'x' exnref. */
    public final char type;
    public final boolean mutable;
    public long bits;
    public Object ref;

    public Global(char type, boolean mutable) {
        this.type = type;
        this.mutable = mutable;
    }
}
