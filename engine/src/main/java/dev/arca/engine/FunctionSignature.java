package dev.arca.engine;

import java.util.List;

/** A function's parameter and result types. */
public record FunctionSignature(List<ValueType> params, List<ValueType> results) {
    public FunctionSignature {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    public static FunctionSignature of(List<ValueType> params, List<ValueType> results) {
        return new FunctionSignature(params, results);
    }

    @Override
    public String toString() {
        return params + " -> " + results;
    }
}
