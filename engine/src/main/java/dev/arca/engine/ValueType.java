package dev.arca.engine;

/** A WebAssembly value type, as the engine boundary names it. */
public enum ValueType {
    I32, I64, F32, F64, V128, FUNCREF, EXTERNREF, EXNREF;

    public boolean isReference() {
        return this == FUNCREF || this == EXTERNREF || this == EXNREF;
    }
}
