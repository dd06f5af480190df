package dev.arca.cluster.linearizability;

import java.util.ArrayList;
import java.util.List;

/** Hand-made key-value histories for tests: each call adds one operation, ids from 1. */
final class KvHistoryBuilder {
    private final List<Operation<KvOperation, KvResult>> ops = new ArrayList<>();

    private KvHistoryBuilder add(long client, KvOperation in, KvResult out, long call, long ret) {
        ops.add(Operation.completed(ops.size() + 1, client, in, out, call, ret));
        return this;
    }

    KvHistoryBuilder put(long client, String key, String value, long call, long ret) {
        return add(client, new KvOperation.Put(key, value), KvResult.OK, call, ret);
    }

    KvHistoryBuilder append(long client, String key, String value, long call, long ret) {
        return add(client, new KvOperation.Append(key, value), KvResult.OK, call, ret);
    }

    /** A get that read {@code value} (null: absent). */
    KvHistoryBuilder get(long client, String key, String value, long call, long ret) {
        return add(client, new KvOperation.Get(key), new KvResult.Read(value), call, ret);
    }

    KvHistoryBuilder cas(long client, String key, String expect, String value, boolean set, long call, long ret) {
        return add(client, new KvOperation.Cas(key, expect, value), set ? KvResult.OK : KvResult.MISMATCH, call, ret);
    }

    KvHistoryBuilder pending(long client, KvOperation in, long call) {
        ops.add(Operation.pending(ops.size() + 1, client, in, call));
        return this;
    }

    /**
     * 22 pending appends, all concurrent, then a read no subset of them explains: to say ILLEGAL the
     * search must try every order of every subset, far past any budget a test gives it.
     */
    static KvHistoryBuilder beyondAnyBudget() {
        KvHistoryBuilder history = new KvHistoryBuilder();
        for (int i = 0; i < 22; i++) {
            history.pending(i, new KvOperation.Append("x", Character.toString('a' + i)), 0);
        }
        return history.get(100, "x", "not a concatenation", 1, 2);
    }

    List<Operation<KvOperation, KvResult>> build() {
        return List.copyOf(ops);
    }
}
