package dev.arca.cluster.linearizability;

/** What a key-value store answers. */
public sealed interface KvResult {

    /** The value a get read; null when the key was absent. */
    record Read(String value) implements KvResult {}

    /** A put or append done, or a compare-and-set that set the value. */
    record Ok() implements KvResult {}

    /** A compare-and-set that found another value and changed nothing. */
    record Mismatch() implements KvResult {}

    Ok OK = new Ok();
    Mismatch MISMATCH = new Mismatch();
}
