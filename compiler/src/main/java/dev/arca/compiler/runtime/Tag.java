package dev.arca.compiler.runtime;

/** An exception tag: compared by identity; {@code signature} gives its payload's types. */
public final class Tag {
    public final String signature;

    public Tag(String signature) {
        this.signature = signature.intern();
    }
}
