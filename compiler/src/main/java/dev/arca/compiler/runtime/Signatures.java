package dev.arca.compiler.runtime;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Function types as short strings, e.g. {@code "(IJ)F"}: one letter per value type ('I' i32,
 * 'J' i64, 'F' f32, 'D' f64, 'V' v128, 'f' funcref, 'e' externref, 'x' exnref), params in
 * parentheses, then results. Equal types give equal (interned) strings.
 *
 * <p>On the JVM: i32 int, i64 long, f32 float, f64 double, references Object. A function with
 * no result returns void, one result its type, more than one an {@code Object[]} of boxed values.
 */
public final class Signatures {
    private Signatures() {}

    public static String params(String sig) {
        return sig.substring(1, sig.indexOf(')'));
    }

    public static String results(String sig) {
        return sig.substring(sig.indexOf(')') + 1);
    }

    public static Class<?> jvmType(char t) {
        return switch (t) {
            case 'I' -> int.class;
            case 'J' -> long.class;
            case 'F' -> float.class;
            case 'D' -> double.class;
            case 'f', 'e', 'x' -> Object.class;
            case 'V' -> V128.class;
            default -> throw new IllegalArgumentException("no JVM type for value type '" + t + "'");
        };
    }

    public static Class<?> returnType(String results) {
        return switch (results.length()) {
            case 0 -> void.class;
            case 1 -> jvmType(results.charAt(0));
            default -> Object[].class;
        };
    }

    /** The JVM type of a function of this signature (without the instance parameter). */
    public static MethodType methodType(String sig) {
        String p = params(sig);
        List<Class<?>> ps = new ArrayList<>(p.length());
        for (int i = 0; i < p.length(); i++) ps.add(jvmType(p.charAt(i)));
        return MethodType.methodType(returnType(results(sig)), ps);
    }

    /** Whether a host function ({@link HostTarget}) can have this signature: numbers only, at most one result. */
    public static boolean hostCallable(String sig) {
        String params = params(sig), results = results(sig);
        for (int i = 0; i < params.length(); i++) {
            if ("IJFD".indexOf(params.charAt(i)) < 0) return false;
        }
        return results.isEmpty() || (results.length() == 1 && "IJFD".indexOf(results.charAt(0)) >= 0);
    }

    public static boolean isReference(char t) {
        return t == 'f' || t == 'e' || t == 'x';
    }

    /** Whether values of the type are objects on the JVM: references, and v128 ({@link V128}). */
    public static boolean isObject(char t) {
        return isReference(t) || t == 'V';
    }
}
