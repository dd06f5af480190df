package dev.arca.cluster.linearizability;

import java.util.Objects;

/** What a client asks of a key-value store: one operation on one key. Values are strings; absent is null. */
public sealed interface KvOperation {

    String key();

    /** Reads the key's value. Answered with {@link KvResult.Read}. */
    record Get(String key) implements KvOperation {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Sets the key's value. Answered with {@link KvResult.Ok}. */
    record Put(String key, String value) implements KvOperation {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Appends to the key's value (an absent key counts as empty). Answered with {@link KvResult.Ok}. */
    record Append(String key, String value) implements KvOperation {
        public Append {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Sets the key's value if it is {@code expect} (null: if the key is absent). Answered with
     * {@link KvResult.Ok} when it did, {@link KvResult.Mismatch} when it did not.
     */
    record Cas(String key, String expect, String value) implements KvOperation {
        public Cas {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }
}
