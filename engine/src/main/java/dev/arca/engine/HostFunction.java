package dev.arca.engine;

/** A function the host gives a module as an import: Arca's syscalls are these. At most one result. */
public record HostFunction(String module, String name, FunctionSignature signature, HostCall body) {
    public HostFunction {
        if (signature.results().size() > 1) throw new IllegalArgumentException(name + ": a host function returns at most one value");
        for (ValueType t : signature.params()) {
            if (t.isReference() || t == ValueType.V128) throw new IllegalArgumentException(name + ": host functions take numbers only");
        }
    }
}
