package dev.arca.compiler.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host function as a method handle of its signature's JVM type, for the calls that go through
 * one (call_indirect of a host function in a table, a host function exported again). A direct
 * call to an import does not: the module's import method calls the {@link HostTarget} itself.
 */
final class HostTargets {
    private HostTargets() {}

    private static final MethodHandle CALL;
    private static final MethodHandle FROM_INT, FROM_FLOAT, FROM_DOUBLE, TO_INT, TO_FLOAT, TO_DOUBLE;

    static {
        try {
            var lookup = MethodHandles.lookup();
            CALL = lookup.findVirtual(HostTarget.class, "call", MethodType.methodType(long.class, long[].class));
            FROM_INT = lookup.findStatic(HostTargets.class, "fromInt", MethodType.methodType(long.class, int.class));
            FROM_FLOAT = lookup.findStatic(HostTargets.class, "fromFloat", MethodType.methodType(long.class, float.class));
            FROM_DOUBLE = lookup.findStatic(HostTargets.class, "fromDouble", MethodType.methodType(long.class, double.class));
            TO_INT = lookup.findStatic(HostTargets.class, "toInt", MethodType.methodType(int.class, long.class));
            TO_FLOAT = lookup.findStatic(HostTargets.class, "toFloat", MethodType.methodType(float.class, long.class));
            TO_DOUBLE = lookup.findStatic(HostTargets.class, "toDouble", MethodType.methodType(double.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Adapters by signature: (HostTarget, params...) result. Made once; each host function binds its target. */
    private static final Map<String, MethodHandle> ADAPTERS = new ConcurrentHashMap<>();

    static MethodHandle handle(String signature, HostTarget target) {
        return ADAPTERS.computeIfAbsent(signature, HostTargets::adapter).bindTo(target);
    }

    private static MethodHandle adapter(String signature) {
        String params = Signatures.params(signature), results = Signatures.results(signature);
        MethodHandle h = CALL.asCollector(long[].class, params.length()); // (HostTarget, long...) long
        for (int i = 0; i < params.length(); i++) {
            MethodHandle filter = switch (params.charAt(i)) {
                case 'I' -> FROM_INT;
                case 'F' -> FROM_FLOAT;
                case 'D' -> FROM_DOUBLE;
                default -> null;
            };
            if (filter != null) h = MethodHandles.filterArguments(h, 1 + i, filter);
        }
        if (results.isEmpty()) return MethodHandles.dropReturn(h);
        return switch (results.charAt(0)) {
            case 'I' -> MethodHandles.filterReturnValue(h, TO_INT);
            case 'F' -> MethodHandles.filterReturnValue(h, TO_FLOAT);
            case 'D' -> MethodHandles.filterReturnValue(h, TO_DOUBLE);
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
