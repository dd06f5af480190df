package dev.arca.engine.arca;

import dev.arca.engine.HostCall;
import dev.arca.engine.HostFunction;
import dev.arca.engine.ValueType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** Host functions as method handles of their wasm signature's JVM type, which compiled code calls. */
final class HostFunctions {
    private HostFunctions() {}

    private static final MethodHandle CALL;
    private static final MethodHandle FROM_INT, FROM_FLOAT, FROM_DOUBLE, TO_INT, TO_FLOAT, TO_DOUBLE;

    static {
        try {
            var lookup = MethodHandles.lookup();
            CALL = lookup.findVirtual(HostCall.class, "call", MethodType.methodType(long.class, long[].class));
            FROM_INT = lookup.findStatic(HostFunctions.class, "fromInt", MethodType.methodType(long.class, int.class));
            FROM_FLOAT = lookup.findStatic(HostFunctions.class, "fromFloat", MethodType.methodType(long.class, float.class));
            FROM_DOUBLE = lookup.findStatic(HostFunctions.class, "fromDouble", MethodType.methodType(long.class, double.class));
            TO_INT = lookup.findStatic(HostFunctions.class, "toInt", MethodType.methodType(int.class, long.class));
            TO_FLOAT = lookup.findStatic(HostFunctions.class, "toFloat", MethodType.methodType(float.class, long.class));
            TO_DOUBLE = lookup.findStatic(HostFunctions.class, "toDouble", MethodType.methodType(double.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Adapters by signature: (HostCall, params...) result. Made once; each host function binds its body. */
    private static final java.util.Map<dev.arca.engine.FunctionSignature, MethodHandle> ADAPTERS = new java.util.concurrent.ConcurrentHashMap<>();

    static MethodHandle handle(HostFunction f) {
        return ADAPTERS.computeIfAbsent(f.signature(), HostFunctions::adapter).bindTo(f.body());
    }

    private static MethodHandle adapter(dev.arca.engine.FunctionSignature sig) {
        var params = sig.params();
        MethodHandle h = CALL.asCollector(long[].class, params.size()); // (HostCall, long...) long
        int first = 1; // the HostCall comes first
        for (int i = 0; i < params.size(); i++) {
            MethodHandle filter = switch (params.get(i)) {
                case I32 -> FROM_INT;
                case F32 -> FROM_FLOAT;
                case F64 -> FROM_DOUBLE;
                default -> null;
            };
            if (filter != null) h = MethodHandles.filterArguments(h, first + i, filter);
        }
        if (sig.results().isEmpty()) return MethodHandles.dropReturn(h);
        ValueType r = sig.results().get(0);
        return switch (r) {
            case I32 -> MethodHandles.filterReturnValue(h, TO_INT);
            case F32 -> MethodHandles.filterReturnValue(h, TO_FLOAT);
            case F64 -> MethodHandles.filterReturnValue(h, TO_DOUBLE);
            default -> h;
        };
    }

    private static long fromInt(int v) {
        return v;
    }

    private static long fromFloat(float v) {
        return Float.floatToRawIntBits(v);
    }

    private static long fromDouble(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static int toInt(long v) {
        return (int) v;
    }

    private static float toFloat(long v) {
        return Float.intBitsToFloat((int) v);
    }

    private static double toDouble(long v) {
        return Double.longBitsToDouble(v);
    }
}
