package dev.arca.compiler.runtime;

/**
 * A WebAssembly exception (the exception-handling proposal): a tag and its payload. It is also
 * the value of an {@code exnref}. Thrown without a stack trace: C's longjmp is built on it.
 */
public final class WasmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final Tag tag;
    /** The payload, boxed: Integer, Long, Float, Double or a reference. */
    public final transient Object[] values;

    public WasmException(Tag tag, Object[] values) {
        super("uncaught exception", null, false, false);
        this.tag = tag;
        this.values = values;
    }
}
