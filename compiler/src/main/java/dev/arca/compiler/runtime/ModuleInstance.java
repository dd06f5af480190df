package dev.arca.compiler.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The state of one instance of a compiled module. The compiler generates a subclass per module
 * whose fields are the module's globals ({@code g0}, {@code g1}, ...: typed fields, or
 * {@link Global} cells for globals shared with other instances); the functions are static methods
 * of the module's code classes taking that subclass as their last parameter.
 */
public abstract class ModuleInstance {
    /** Back-edges a loop runs between two looks at the thread's interrupt flag. */
    public static final int LOOP_BUDGET = 1 << 14;
    /** Calls between two looks at the thread's interrupt flag. */
    public static final int CALL_BUDGET = 1 << 12;

    public Memory memory; // memory 0, or null
    public Memory[] memories;
    public Table table0; // table 0, or null
    public Table[] tables;
    public FuncRef[] functions; // imports filled at instantiation, others made on demand
    public Tag[] tags;
    public byte[][] data; // data segments; null once dropped
    public Object[][] elements; // element segments' values; empty once dropped
    public int[][] branchTables; // large br_tables: index -> position among the distinct targets
    /** Counts calls down to the next interrupt check; plain on purpose (a lost update only delays a check). */
    public int budget = CALL_BUDGET;
    /**
     * The frames of split functions (see dev.arca.compiler.Regions): the locals their methods
     * share, numbers as raw bits and references apart, from {@code frameBase} on. A stack in the
     * instance, not an array per call, so that deep recursion costs no heap: wasi-threads gives
     * each thread an instance of its own.
     */
    public long[] frameLongs = new long[0];
    public Object[] frameRefs = new Object[0];
    public int frameTop;

    ModuleShape shape;
    Class<?>[] code;

    protected ModuleInstance() {}

    /** Sets global {@code index} (not a cell) from raw bits or a reference. */
    public abstract void setGlobal(int index, long bits, Object ref);

    /** Global {@code index} (not a cell) as raw bits (numbers) ... */
    public abstract long globalBits(int index);

    /** ... or as a reference. */
    public abstract Object globalRef(int index);

    /** Installs the shared cell of global {@code index}. */
    public abstract void setCell(int index, Global cell);

    /** The shared cell of global {@code index}, or null when it is a plain field. */
    public abstract Global cell(int index);

    public final ModuleShape shape() {
        return shape;
    }

    /** The reference to function {@code index} (made on first use, then the same object). */
    public final FuncRef function(int index) {
        FuncRef f = functions[index];
        if (f == null) {
            synchronized (this) {
                f = functions[index];
                if (f == null) {
                    f = new FuncRef(this, index, shape.functions().get(index).signature());
                    functions[index] = f;
                }
            }
        }
        return f;
    }

    /** The static methods of one compiled module's functions, found on first use. */
    private static final class StaticHandles {
        MethodHandle[] handles; // guarded by this
        MethodHandle[] hostInvokers; // guarded by this
    }

    /** Keyed by the module's instance class: shared by all instances of the module. */
    private static final ClassValue<StaticHandles> STATIC_HANDLES = new ClassValue<>() {
        @Override
        protected StaticHandles computeValue(Class<?> moduleClass) {
            return new StaticHandles();
        }
    };

    /**
     * The static method of function {@code index}: its parameters, then this module's instance
     * class. The same object for every instance of the module, so that an inline cache keyed on
     * it serves them all. Only for functions this module defines.
     */
    final MethodHandle staticHandle(int index) {
        StaticHandles table = STATIC_HANDLES.get(getClass());
        synchronized (table) {
            if (table.handles == null) table.handles = new MethodHandle[shape.functions().size()];
            MethodHandle h = table.handles[index];
            if (h == null) {
                ModuleShape.Function f = shape.functions().get(index);
                MethodType type = Signatures.methodType(f.signature());
                try {
                    h = MethodHandles.publicLookup().findStatic(code[f.codeClass()], "f" + index, type.appendParameterTypes(getClass()));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("compiled function " + index + " not found", e);
                }
                table.handles[index] = h;
            }
            return h;
        }
    }

    /**
     * For calls from the host: function {@code index} as {@code (Object[]) Object}, the array
     * holding its parameters (boxed) and then the instance, the result boxed (null for none, as
     * the method returns them for several). One object for every instance of the module, so a
     * call costs no binding and no generic invocation. Only for functions this module defines.
     */
    public final MethodHandle hostInvoker(int index) {
        StaticHandles table = STATIC_HANDLES.get(getClass());
        MethodHandle h = staticHandle(index);
        synchronized (table) {
            if (table.hostInvokers == null) table.hostInvokers = new MethodHandle[shape.functions().size()];
            MethodHandle inv = table.hostInvokers[index];
            if (inv == null) {
                int n = h.type().parameterCount();
                inv = h.asType(MethodType.genericMethodType(n)).asSpreader(Object[].class, n);
                table.hostInvokers[index] = inv;
            }
            return inv;
        }
    }

    /**
     * Calls function {@code index} of this instance from the host: {@code args} its parameters,
     * boxed; the result boxed (null for none, an Object[] for several). The generated instance
     * class overrides this with a switch over its exported functions of number types that calls
     * each one's method directly (making the spreading invoker for a hello world's {@code _start}
     * cost 6 ms of its start-up); every other function, and a call with the wrong number of
     * arguments, comes here to the {@link #hostInvoker}.
     */
    public Object callFunction(int index, Object[] args) throws Throwable {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = this;
        return (Object) hostInvoker(index).invokeExact(all);
    }

    /** A handle to the method of function {@code index}, bound to this instance. */
    final MethodHandle functionHandle(int index) {
        MethodHandle mh = staticHandle(index);
        return MethodHandles.insertArguments(mh, mh.type().parameterCount() - 1, this);
    }
}
