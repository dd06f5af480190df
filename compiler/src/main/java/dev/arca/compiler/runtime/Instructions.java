package dev.arca.compiler.runtime;

/**
 * Wasm instructions that take more than a few JVM instructions, as small static methods that
 * compiled code calls (and the JIT inlines). Each follows the specification exactly, traps
 * included.
 */
public final class Instructions {
    private Instructions() {}

    // ---- stopping a guest ----------------------------------------------------------------

    // Both polls are shared methods that the JIT inlines, not a branch written into each function:
    // HotSpot compiles a branch its profile never saw taken as a trap that deoptimises the whole
    // method when first taken. A branch of its own in every loop was taken only when that loop's
    // budget ran out, so a hot function with several loops was compiled, deoptimised and compiled
    // again, running interpreted in between, once per loop (SQLite, the sort benchmark). Here one
    // branch's profile serves every loop and every function entry, and it is seen taken at once.

    /** At a function entry: counts the instance's call budget down; at zero looks at the interrupt flag. */
    public static void enter(ModuleInstance instance) {
        int budget = instance.budget - 1;
        if (budget > 0) {
            instance.budget = budget;
            return;
        }
        instance.budget = ModuleInstance.CALL_BUDGET;
        if (Thread.currentThread().isInterrupted()) throw new Stopped();
    }

    /**
     * At a loop's head (entry and back-edges): the budget left after this one. A function starts
     * with a budget of 1, so its first loop looks at the flag at once (which keeps this branch's
     * profile taken). No call on either path: a loop with a call in it is not unrolled by C2
     * (matrix multiply ran at half speed when the look was a call).
     */
    public static int loop(int budget) {
        if (budget > 1) return budget - 1;
        if (Thread.currentThread().isInterrupted()) throw new Stopped();
        return ModuleInstance.LOOP_BUDGET;
    }

    // ---- frames of split functions -------------------------------------------------------

    /**
     * Most slots the frame stack may hold (48 MiB of heap): deep recursion through a split function
     * ends in "call stack exhausted" there, as it does on the JVM's stack.
     */
    static final int MAX_FRAME_SLOTS = 4 << 20;

    /** Pushes a zeroed frame of {@code size} slots; returns its base. */
    public static int enterFrame(ModuleInstance instance, int size) {
        int base = instance.frameTop;
        int top = base + size;
        if (top > instance.frameLongs.length) {
            if (top > MAX_FRAME_SLOTS) throw new StackOverflowError("frame stack exhausted");
            int capacity = Math.min(MAX_FRAME_SLOTS, Math.max(top, instance.frameLongs.length * 2));
            instance.frameLongs = java.util.Arrays.copyOf(instance.frameLongs, capacity);
            instance.frameRefs = java.util.Arrays.copyOf(instance.frameRefs, capacity);
        }
        java.util.Arrays.fill(instance.frameLongs, base, top, 0L);
        java.util.Arrays.fill(instance.frameRefs, base, top, null);
        instance.frameTop = top;
        return base;
    }

    // ---- integer arithmetic --------------------------------------------------------------

    public static int divS(int a, int b) {
        if (b == 0) throw Trap.divideByZero();
        if (b == -1 && a == Integer.MIN_VALUE) throw Trap.integerOverflow();
        return a / b;
    }

    public static int divU(int a, int b) {
        if (b == 0) throw Trap.divideByZero();
        return Integer.divideUnsigned(a, b);
    }

    public static int remS(int a, int b) {
        if (b == 0) throw Trap.divideByZero();
        return b == -1 ? 0 : a % b;
    }

    public static int remU(int a, int b) {
        if (b == 0) throw Trap.divideByZero();
        return Integer.remainderUnsigned(a, b);
    }

    public static long divS(long a, long b) {
        if (b == 0) throw Trap.divideByZero();
        if (b == -1 && a == Long.MIN_VALUE) throw Trap.integerOverflow();
        return a / b;
    }

    public static long divU(long a, long b) {
        if (b == 0) throw Trap.divideByZero();
        return Long.divideUnsigned(a, b);
    }

    public static long remS(long a, long b) {
        if (b == 0) throw Trap.divideByZero();
        return b == -1 ? 0 : a % b;
    }

    public static long remU(long a, long b) {
        if (b == 0) throw Trap.divideByZero();
        return Long.remainderUnsigned(a, b);
    }

    // ---- float to integer ----------------------------------------------------------------

    public static int i32TruncF32S(float x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x >= -0x1p31f && x < 0x1p31f)) throw Trap.integerOverflow();
        return (int) x;
    }

    public static int i32TruncF32U(float x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x > -1f && x < 0x1p32f)) throw Trap.integerOverflow();
        return (int) (long) x;
    }

    public static int i32TruncF64S(double x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x > -0x1p31 - 1 && x < 0x1p31)) throw Trap.integerOverflow();
        return (int) x;
    }

    public static int i32TruncF64U(double x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x > -1 && x < 0x1p32)) throw Trap.integerOverflow();
        return (int) (long) x;
    }

    public static long i64TruncF32S(float x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x >= -0x1p63f && x < 0x1p63f)) throw Trap.integerOverflow();
        return (long) x;
    }

    public static long i64TruncF64S(double x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x >= -0x1p63 && x < 0x1p63)) throw Trap.integerOverflow();
        return (long) x;
    }

    public static long i64TruncF32U(float x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x > -1f && x < 0x1p64f)) throw Trap.integerOverflow();
        return unsignedLong(x);
    }

    public static long i64TruncF64U(double x) {
        if (x != x) throw Trap.invalidConversion();
        if (!(x > -1 && x < 0x1p64)) throw Trap.integerOverflow();
        return unsignedLong(x);
    }

    /** x in (-1, 2^64): its truncation as an unsigned 64-bit value. */
    private static long unsignedLong(double x) {
        if (x < 0x1p63) return (long) x;
        return (long) (x - 0x1p63) ^ Long.MIN_VALUE;
    }

    public static int i32TruncSatF32U(float x) {
        if (!(x > -1f)) return 0; // NaN too
        if (x >= 0x1p32f) return -1;
        return (int) (long) x;
    }

    public static int i32TruncSatF64U(double x) {
        if (!(x > -1)) return 0;
        if (x >= 0x1p32) return -1;
        return (int) (long) x;
    }

    public static long i64TruncSatF32U(float x) {
        if (!(x > -1f)) return 0;
        if (x >= 0x1p64f) return -1L;
        return unsignedLong(x);
    }

    public static long i64TruncSatF64U(double x) {
        if (!(x > -1)) return 0;
        if (x >= 0x1p64) return -1L;
        return unsignedLong(x);
    }

    // ---- integer to float ----------------------------------------------------------------

    public static float f32ConvertI64U(long x) {
        if (x >= 0) return (float) x;
        // halve, keeping the lowest bit as a sticky bit so the one rounding stays correct
        return (float) ((x >>> 1) | (x & 1)) * 2f;
    }

    public static double f64ConvertI64U(long x) {
        if (x >= 0) return (double) x;
        return (double) ((x >>> 1) | (x & 1)) * 2.0;
    }

    // ---- floats --------------------------------------------------------------------------

    public static float min(float a, float b) {
        if (a != a || b != b) return a + b; // a NaN operand gives a quiet NaN
        return Math.min(a, b);
    }

    public static float max(float a, float b) {
        if (a != a || b != b) return a + b;
        return Math.max(a, b);
    }

    public static double min(double a, double b) {
        if (a != a || b != b) return a + b;
        return Math.min(a, b);
    }

    public static double max(double a, double b) {
        if (a != a || b != b) return a + b;
        return Math.max(a, b);
    }

    public static float ceil(float x) {
        return (float) Math.ceil(x);
    }

    public static float floor(float x) {
        return (float) Math.floor(x);
    }

    public static float trunc(float x) {
        return (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
    }

    public static float nearest(float x) {
        return (float) Math.rint(x);
    }

    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    // Math.floor and Math.ceil return a NaN argument unchanged; wasm wants it quiet

    public static double trunc(double x) {
        if (x != x) return x + x;
        return x < 0 ? Math.ceil(x) : Math.floor(x);
    }

    public static double floor(double x) {
        return x != x ? x + x : Math.floor(x);
    }

    public static double ceil(double x) {
        return x != x ? x + x : Math.ceil(x);
    }

    // ---- memory --------------------------------------------------------------------------

    /** The trap for an access whose offset alone is past any memory Arca can have. */
    public static Trap outOfBounds() {
        return Trap.outOfBoundsMemory();
    }

    /**
     * The index of a plain access of {@code width} bytes to a shared memory, whose array is
     * larger than the memory: checked against its size ({@code index} is negative when the
     * address is beyond any memory's reach).
     */
    public static int sharedIndex(int index, Memory memory, int width) {
        if (index < 0 || index > memory.size - width) throw Trap.outOfBoundsMemory();
        return index;
    }

    public static int memoryGrow(int delta, Memory memory) {
        return memory.grow(delta);
    }

    public static void memoryFill(int dest, int value, int n, Memory memory) {
        memory.fill(dest, value, n);
    }

    public static void memoryCopy(int dest, int src, int n, Memory memory) {
        memory.copy(dest, src, n);
    }

    public static void memoryInit(int dest, int src, int n, ModuleInstance instance, int memory, int segment) {
        instance.memories[memory].init(instance.data[segment], dest, src, n);
    }

    public static void dataDrop(ModuleInstance instance, int segment) {
        instance.data[segment] = null;
    }

    // ---- tables and calls ----------------------------------------------------------------

    private static final Object[] DROPPED = new Object[0];

    /** call_indirect's lookup: the function at {@code index} in {@code table}, checked against {@code signature}. */
    public static FuncRef indirect(int index, Table table, String signature) {
        Object[] elements = table.elements;
        if (Integer.compareUnsigned(index, elements.length) >= 0) throw Trap.undefinedElement();
        Object e = elements[index];
        if (e == null) throw Trap.uninitializedElement();
        FuncRef f = (FuncRef) e;
        // signatures are interned, and so is the compiled code's constant
        if (f.signature != signature) throw Trap.indirectCallTypeMismatch();
        return f;
    }

    /** call_ref's check: a non-null function reference. */
    public static FuncRef nonNullFunction(Object ref) {
        if (ref == null) throw Trap.nullFunctionReference();
        return (FuncRef) ref;
    }

    public static FuncRef refFunc(ModuleInstance instance, int index) {
        return instance.function(index);
    }

    public static Object tableGet(int index, Table table) {
        return table.get(index);
    }

    public static void tableSet(int index, Object value, Table table) {
        table.set(index, value);
    }

    public static int tableGrow(Object init, int delta, Table table) {
        return table.grow(delta, init);
    }

    public static void tableFill(int index, Object value, int n, Table table) {
        table.fill(index, value, n);
    }

    public static void tableCopy(int dest, int src, int n, Table to, Table from) {
        to.copyFrom(from, dest, src, n);
    }

    public static void tableInit(int dest, int src, int n, ModuleInstance instance, int table, int segment) {
        instance.tables[table].init(instance.elements[segment], dest, src, n);
    }

    public static void elemDrop(ModuleInstance instance, int segment) {
        instance.elements[segment] = DROPPED;
    }

    /** A large br_table: the target's position for {@code index} (the last entry is the default). */
    public static int branchTable(int index, int[] targets) {
        return Integer.compareUnsigned(index, targets.length - 1) < 0 ? targets[index] : targets[targets.length - 1];
    }

    // ---- exceptions ----------------------------------------------------------------------

    public static WasmException exception(Tag tag, Object[] values) {
        return new WasmException(tag, values);
    }

    /** throw_ref's check. */
    public static WasmException nonNullException(Object ref) {
        if (ref == null) throw Trap.nullExceptionReference();
        return (WasmException) ref;
    }

    public static Trap unreachable() {
        return Trap.unreachable();
    }
}
