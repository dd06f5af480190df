package dev.arca.compiler.runtime;

import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

/**
 * The invokedynamic sites of calls through a {@link FuncRef} (call_indirect, call_ref, calls to
 * imports): the site's type is the callee's parameters, then the FuncRef. Each site is an
 * inline cache: it links the functions it meets, each behind a cheap guard, so that the JIT
 * inlines the callee as for a direct call; past {@link #POLYMORPHIC} functions it calls through
 * the FuncRef's handle instead.
 *
 * <p>A function a compiled module defines is cached by its static method, which all instances
 * of the module share (the guard compares it; the instance comes from the FuncRef), so one site
 * serves every process that runs the module. A host function is cached by its FuncRef.
 */
public final class Calls {
    private Calls() {}

    /** Functions one site links before it stops caching. */
    static final int POLYMORPHIC = 4;

    private static final MethodHandle HANDLE, STATIC_HANDLE, OWNER, SAME, MISS;

    static {
        try {
            var lookup = MethodHandles.lookup();
            HANDLE = lookup.findVirtual(FuncRef.class, "handle", MethodType.methodType(MethodHandle.class));
            STATIC_HANDLE = lookup.findVirtual(FuncRef.class, "staticHandle", MethodType.methodType(MethodHandle.class));
            OWNER = lookup.findVirtual(FuncRef.class, "owner", MethodType.methodType(ModuleInstance.class));
            SAME = lookup.findStatic(Calls.class, "same", MethodType.methodType(boolean.class, Object.class, Object.class));
            MISS = lookup.findVirtual(InlineCache.class, "miss", MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code type} is (params..., FuncRef) result. */
    public static CallSite ref(MethodHandles.Lookup lookup, String name, MethodType type) {
        return new InlineCache(type);
    }

    private static boolean same(Object a, Object b) {
        return a == b;
    }

    /** Calls through the FuncRef's handle, uncached: (params..., FuncRef) result. */
    static MethodHandle generic(MethodType type) {
        int n = type.parameterCount();
        MethodType callee = type.dropParameterTypes(n - 1, n);
        MethodHandle invoker = MethodHandles.exactInvoker(callee); // (MethodHandle, params...) result
        MethodHandle viaRef = MethodHandles.filterArguments(invoker, 0, HANDLE); // (FuncRef, params...) result
        int[] order = new int[n];
        order[0] = n - 1;
        for (int i = 1; i < n; i++) order[i] = i - 1;
        return MethodHandles.permuteArguments(viaRef, type, order);
    }

    static final class InlineCache extends MutableCallSite {
        private int linked; // functions linked so far; racy on purpose (a lost count only links one more)

        InlineCache(MethodType type) {
            super(type);
            setTarget(MISS.bindTo(this).asCollector(Object[].class, type.parameterCount()).asType(type));
        }

        /** The site met a function it has not linked: link it (or go generic), then call it. */
        Object miss(Object[] args) throws Throwable {
            MethodType type = type();
            int n = type.parameterCount();
            FuncRef ref = (FuncRef) args[n - 1];
            if (linked >= POLYMORPHIC) {
                setTarget(generic(type));
            } else {
                linked++;
                setTarget(MethodHandles.guardWithTest(guard(ref, type), direct(ref, type), getTarget()));
            }
            Object[] params = java.util.Arrays.copyOf(args, n - 1);
            return ref.handle().invokeWithArguments(params);
        }

        /** (params..., FuncRef) boolean: whether the FuncRef is (a function of the same module as) {@code ref}. */
        private static MethodHandle guard(FuncRef ref, MethodType type) {
            int n = type.parameterCount();
            MethodHandle key = ref.staticHandle();
            MethodHandle test;
            if (key != null) {
                test = MethodHandles.filterArguments(MethodHandles.insertArguments(SAME, 1, key)
                        .asType(MethodType.methodType(boolean.class, MethodHandle.class)), 0, STATIC_HANDLE);
            } else {
                test = MethodHandles.insertArguments(SAME, 1, ref).asType(MethodType.methodType(boolean.class, FuncRef.class));
            }
            return MethodHandles.dropArguments(test, 0, type.parameterList().subList(0, n - 1));
        }

        /** (params..., FuncRef) result calling {@code ref}'s function without looking it up again. */
        private static MethodHandle direct(FuncRef ref, MethodType type) {
            int n = type.parameterCount();
            MethodHandle s = ref.staticHandle();
            if (s != null) {
                // the static method, its instance taken from the FuncRef
                MethodHandle owner = OWNER.asType(MethodType.methodType(s.type().parameterType(n - 1), FuncRef.class));
                return MethodHandles.filterArguments(s, n - 1, owner).asType(type);
            }
            return MethodHandles.dropArguments(ref.handle(), n - 1, FuncRef.class).asType(type);
        }
    }
}
