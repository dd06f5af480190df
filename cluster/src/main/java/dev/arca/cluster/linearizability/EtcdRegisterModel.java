package dev.arca.cluster.linearizability;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The register of Jepsen's etcd test (2014), whose histories Porcupine publishes: one integer
 * register, initially absent, with read, write and compare-and-set. It validates the checker on
 * histories with known verdicts ({@link JepsenEtcdLog} reads them).
 */
public final class EtcdRegisterModel implements Model<OptionalInt, EtcdRegisterModel.Call, EtcdRegisterModel.Answer> {

    public static final EtcdRegisterModel INSTANCE = new EtcdRegisterModel();

    private EtcdRegisterModel() {}

    /** What a client asked. */
    public sealed interface Call {}

    public record Read() implements Call {}

    public record Write(int value) implements Call {}

    /** Sets the register to {@code value} if it holds {@code expect}. */
    public record Cas(int expect, int value) implements Call {}

    /** What it was answered. */
    public sealed interface Answer {}

    /** What a read saw; empty when the register was absent. */
    public record ReadValue(OptionalInt value) implements Answer {}

    /** A write done. */
    public record Written() implements Answer {}

    /** A compare-and-set's outcome: whether it set the register. */
    public record CasOutcome(boolean set) implements Answer {}

    @Override
    public OptionalInt init() {
        return OptionalInt.empty();
    }

    @Override
    public Optional<OptionalInt> step(OptionalInt state, Call input, Answer output) {
        return switch (input) {
            case Read r -> output == null || output instanceof ReadValue(OptionalInt v) && v.equals(state)
                    ? Optional.of(state) : Optional.empty();
            case Write w -> output == null || output instanceof Written
                    ? Optional.of(OptionalInt.of(w.value())) : Optional.empty();
            case Cas c -> {
                boolean matches = state.isPresent() && state.getAsInt() == c.expect();
                boolean agrees = output == null || output instanceof CasOutcome(boolean set) && set == matches;
                yield agrees ? Optional.of(matches ? OptionalInt.of(c.value()) : state) : Optional.empty();
            }
        };
    }

    @Override
    public boolean readOnly(Call input) {
        return input instanceof Read;
    }

    @Override
    public String describe(Call input, Answer output) {
        String call = switch (input) {
            case Read r -> "read()";
            case Write w -> "write(" + w.value() + ")";
            case Cas c -> "cas(" + c.expect() + " -> " + c.value() + ")";
        };
        String answer = switch (output) {
            case null -> "? (pending)";
            case ReadValue(OptionalInt v) -> v.isPresent() ? Integer.toString(v.getAsInt()) : "nil";
            case Written w -> "ok";
            case CasOutcome(boolean set) -> set ? "ok" : "fail";
        };
        return call + " -> " + answer;
    }

    @Override
    public String describeState(OptionalInt state) {
        return state.isPresent() ? Integer.toString(state.getAsInt()) : "nil";
    }
}
