package dev.arca.compiler.runtime;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Bootstrap for the invokedynamic sites of calls through a {@link FuncRef} (call_indirect,
 * call_ref, calls to imports): the site's type is the callee's parameters, then the FuncRef.
 */
public final class Calls {
    private Calls() {}

    private static final MethodHandle HANDLE;

    static {
        try {
            HANDLE = MethodHandles.lookup().findVirtual(FuncRef.class, "handle", MethodType.methodType(MethodHandle.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code type} is (params..., FuncRef) result. */
    public static CallSite ref(MethodHandles.Lookup lookup, String name, MethodType type) {
        int n = type.parameterCount();
        MethodType callee = type.dropParameterTypes(n - 1, n);
        MethodHandle invoker = MethodHandles.exactInvoker(callee); // (MethodHandle, params...) result
        MethodHandle viaRef = MethodHandles.filterArguments(invoker, 0, HANDLE); // (FuncRef, params...) result
        int[] order = new int[n];
        order[0] = n - 1;
        for (int i = 1; i < n; i++) order[i] = i - 1;
        return new ConstantCallSite(MethodHandles.permuteArguments(viaRef, type, order));
    }
}
