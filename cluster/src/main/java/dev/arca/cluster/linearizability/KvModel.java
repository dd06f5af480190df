package dev.arca.cluster.linearizability;

import java.util.Objects;
import java.util.Optional;

/**
 * Arca's key-value workload: get, put, append and compare-and-set on string values, one part per
 * key. The state is one key's value (empty when absent).
 */
public final class KvModel implements Model<Optional<String>, KvOperation, KvResult> {

    public static final KvModel INSTANCE = new KvModel();

    private KvModel() {}

    @Override
    public Optional<String> init() {
        return Optional.empty();
    }

    /** What one atomic store answers, and the key's value after. */
    public record Answer(KvResult result, Optional<String> after) {}

    /** What one atomic store whose key holds {@code state} answers to {@code input}. */
    public Answer answer(Optional<String> state, KvOperation input) {
        String now = state.orElse(null);
        return switch (input) {
            case KvOperation.Get g -> new Answer(new KvResult.Read(now), state);
            case KvOperation.Put p -> new Answer(KvResult.OK, Optional.of(p.value()));
            case KvOperation.Append a -> new Answer(KvResult.OK, Optional.of(state.orElse("") + a.value()));
            case KvOperation.Cas c -> Objects.equals(c.expect(), now)
                    ? new Answer(KvResult.OK, Optional.of(c.value()))
                    : new Answer(KvResult.MISMATCH, state);
        };
    }

    @Override
    public Optional<Optional<String>> step(Optional<String> state, KvOperation input, KvResult output) {
        Answer a = answer(state, input);
        return output == null || output.equals(a.result()) ? Optional.of(a.after()) : Optional.empty();
    }

    @Override
    public String partition(KvOperation input) {
        return input.key();
    }

    @Override
    public boolean readOnly(KvOperation input) {
        return input instanceof KvOperation.Get;
    }

    @Override
    public String describe(KvOperation input, KvResult output) {
        String call = switch (input) {
            case KvOperation.Get g -> "get(" + quote(g.key()) + ")";
            case KvOperation.Put p -> "put(" + quote(p.key()) + ", " + quote(p.value()) + ")";
            case KvOperation.Append a -> "append(" + quote(a.key()) + ", " + quote(a.value()) + ")";
            case KvOperation.Cas c -> "cas(" + quote(c.key()) + ", " + quote(c.expect()) + " -> " + quote(c.value()) + ")";
        };
        String answer = switch (output) {
            case null -> "? (pending)";
            case KvResult.Read(String v) -> quote(v);
            case KvResult.Ok ok -> "ok";
            case KvResult.Mismatch m -> "mismatch";
        };
        return call + " -> " + answer;
    }

    @Override
    public String describeState(Optional<String> state) {
        return state.map(KvModel::quote).orElse("absent");
    }

    /** A value as a JSON string (absent as {@code absent}), so that odd characters stay visible. */
    static String quote(String value) {
        if (value == null) {
            return "absent";
        }
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
