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

    @Override
    public Optional<Optional<String>> step(Optional<String> state, KvOperation input, KvResult output) {
        String now = state.orElse(null);
        return switch (input) {
            case KvOperation.Get g -> output == null || output instanceof KvResult.Read(String v) && Objects.equals(v, now)
                    ? Optional.of(state) : Optional.empty();
            case KvOperation.Put p -> output == null || output instanceof KvResult.Ok
                    ? Optional.of(Optional.of(p.value())) : Optional.empty();
            case KvOperation.Append a -> output == null || output instanceof KvResult.Ok
                    ? Optional.of(Optional.of(state.orElse("") + a.value())) : Optional.empty();
            case KvOperation.Cas c -> {
                boolean matches = Objects.equals(c.expect(), now);
                Optional<String> after = matches ? Optional.of(c.value()) : state;
                boolean agrees = output == null
                        || output instanceof KvResult.Ok && matches
                        || output instanceof KvResult.Mismatch && !matches;
                yield agrees ? Optional.of(after) : Optional.empty();
            }
        };
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
