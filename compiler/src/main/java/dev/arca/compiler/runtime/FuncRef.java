package dev.arca.compiler.runtime;

import java.lang.invoke.MethodHandle;

/**
 * A function reference: an element of a funcref table, the value of {@code ref.func}, or an
 * import. {@link #signature} is interned, so compiled code checks a {@code call_indirect}'s type
 * with one reference comparison against a string constant of the same text.
 */
public final class FuncRef {
    /** The function type, e.g. {@code "(IJ)I"}, interned. See {@link Signatures}. */
    public final String signature;
    /**
     * A host function's body, which a module's call to the import calls directly (see the
     * import methods of the compiled module class); null for any other function.
     */
    public final HostTarget host;
    private final ModuleInstance owner; // null for a host function
    private final int index;
    private volatile MethodHandle handle;
    private MethodHandle staticHandle; // found on first use; racy on purpose (every thread finds the same)

    /** A function given from outside (another instance's, a test's): {@code handle} has the signature's JVM type. */
    public FuncRef(String signature, MethodHandle handle) {
        this.signature = signature.intern();
        this.host = null;
        this.owner = null;
        this.index = -1;
        this.handle = handle;
    }

    /**
     * A host function: numbers only, at most one result. Its method handle is made only if a
     * call needs one (through a table, or exported again); a call to the import does not.
     */
    public FuncRef(String signature, HostTarget host) {
        if (!Signatures.hostCallable(signature)) {
            throw new IllegalArgumentException("a host function takes and returns numbers only, at most one result: " + signature);
        }
        this.signature = signature.intern();
        this.host = java.util.Objects.requireNonNull(host);
        this.owner = null;
        this.index = -1;
    }

    FuncRef(ModuleInstance owner, int index, String signature) {
        this.signature = signature.intern();
        this.host = null;
        this.owner = owner;
        this.index = index;
    }

    /** A handle of the signature's JVM type ({@link Signatures#methodType}), bound to its instance. */
    public MethodHandle handle() {
        MethodHandle h = handle;
        if (h == null) {
            h = owner != null ? owner.functionHandle(index) : HostTargets.handle(signature, host);
            handle = h;
        }
        return h;
    }

    /**
     * For a function a compiled module defines: its static method (parameters, then the module's
     * instance class), the same object for every instance of the module; else null.
     */
    public MethodHandle staticHandle() {
        MethodHandle s = staticHandle;
        if (s == null && owner != null) {
            s = owner.staticHandle(index);
            staticHandle = s;
        }
        return s;
    }

    /** The instance that defines this function, or null for one given from outside. */
    public ModuleInstance owner() {
        return owner;
    }

    /** The function's index in its owner, or -1. */
    public int index() {
        return index;
    }
}
