package dev.arca.compiler.runtime;

/**
 * A WebAssembly trap. The message is the specification's wording ("integer divide by zero",
 * "out of bounds memory access", ...). Traps keep their stack trace: the engine reads it to name
 * the guest function that trapped.
 */
public final class Trap extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Trap(String message) {
        super(message);
    }

    public static Trap unreachable() {
        return new Trap("unreachable");
    }

    public static Trap integerOverflow() {
        return new Trap("integer overflow");
    }

    public static Trap divideByZero() {
        return new Trap("integer divide by zero");
    }

    public static Trap invalidConversion() {
        return new Trap("invalid conversion to integer");
    }

    public static Trap outOfBoundsMemory() {
        return new Trap("out of bounds memory access");
    }

    public static Trap outOfBoundsTable() {
        return new Trap("out of bounds table access");
    }

    public static Trap undefinedElement() {
        return new Trap("undefined element");
    }

    public static Trap uninitializedElement() {
        return new Trap("uninitialized element");
    }

    public static Trap indirectCallTypeMismatch() {
        return new Trap("indirect call type mismatch");
    }

    public static Trap nullFunctionReference() {
        return new Trap("null function reference");
    }

    public static Trap nullExceptionReference() {
        return new Trap("null exception reference");
    }

    public static Trap nullReference() {
        return new Trap("null reference");
    }
}
