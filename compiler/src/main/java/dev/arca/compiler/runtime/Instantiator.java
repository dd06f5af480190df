package dev.arca.compiler.runtime;

import dev.arca.compiler.runtime.ModuleShape.ConstExpr;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Makes an instance of a compiled module, in the specification's order: imports checked and
 * bound, memories, globals, tables and tags created, element and data segments applied, then
 * the start function run.
 */
public final class Instantiator {
    private Instantiator() {}

    /**
     * @param instanceClass the module's generated instance class
     * @param code the module's code classes, in {@link ModuleShape#codeClasses()} order
     * @param imports one object per import, in order: a {@link FuncRef}, {@link Memory},
     *     {@link Table}, {@link Global} or {@link Tag}
     * @param memoryLimitPages the operator's limit on each memory this module defines
     * @throws LinkException when an import does not match its declaration
     * @throws Trap when a segment does not fit or the start function traps
     * @throws IllegalArgumentException when a memory or table is larger than Arca can hold
     */
    public static ModuleInstance instantiate(ModuleShape shape, Class<? extends ModuleInstance> instanceClass, Class<?>[] code,
            Object[] imports, int memoryLimitPages) {
        return instantiate(shape, instanceClass, code, imports, memoryLimitPages, null);
    }

    /**
     * As above; an imported memory given as null is made here from its declared limits; and
     * {@code memory0}, when not null, is memory 0 (in place of the import or of the memory the
     * module defines): a thread's instance shares its sibling's memory so.
     */
    public static ModuleInstance instantiate(ModuleShape shape, Class<? extends ModuleInstance> instanceClass, Class<?>[] code,
            Object[] imports, int memoryLimitPages, Memory memory0) {
        ModuleInstance inst;
        try {
            inst = instanceClass.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make an instance of the compiled module", e);
        }
        inst.shape = shape;
        inst.code = code;
        inst.functions = new FuncRef[shape.functions().size()];
        inst.memories = new Memory[shape.memories().size()];
        inst.tables = new Table[shape.tables().size()];
        inst.tags = new Tag[shape.tags().size()];

        int fn = 0, mem = 0, tab = 0, glob = 0, tag = 0;
        List<ModuleShape.Import> declared = shape.imports();
        for (int i = 0; i < declared.size(); i++) {
            ModuleShape.Import d = declared.get(i);
            Object given = imports[i];
            switch (d.kind()) {
                case FUNCTION -> {
                    if (!(given instanceof FuncRef f) || !f.signature.equals(d.type())) throw incompatible(d);
                    inst.functions[fn++] = f;
                }
                case MEMORY -> {
                    if (mem == 0 && memory0 != null) given = memory0;
                    else if (given == null) given = newMemory(d.min(), d.max(), d.flag(), memoryLimitPages);
                    if (!(given instanceof Memory m) || m.pages() < d.min() || m.declaredMaximum() > d.max()
                            || m.shared() != d.flag()) {
                        throw incompatible(d);
                    }
                    inst.memories[mem++] = m;
                }
                case TABLE -> {
                    if (!(given instanceof Table t) || t.elementType != d.type().charAt(0) || t.size() < d.min()
                            || t.declaredMaximum() > d.max()) {
                        throw incompatible(d);
                    }
                    inst.tables[tab++] = t;
                }
                case GLOBAL -> {
                    if (!(given instanceof Global g) || g.type != d.type().charAt(0) || g.mutable != d.flag()) throw incompatible(d);
                    if (shape.globals().get(glob).cell()) inst.setCell(glob, g);
                    else inst.setGlobal(glob, g.bits, g.ref);
                    glob++;
                }
                case TAG -> {
                    if (!(given instanceof Tag t) || !t.signature.equals(d.type())) throw incompatible(d);
                    inst.tags[tag++] = t;
                }
            }
        }

        for (; mem < inst.memories.length; mem++) {
            ModuleShape.MemoryType m = shape.memories().get(mem);
            if (mem == 0 && memory0 != null) {
                if (memory0.pages() < m.min() || memory0.shared() != m.shared()) {
                    throw new LinkException("memory 0 of the sibling instance does not match this module's memory");
                }
                inst.memories[mem] = memory0;
                continue;
            }
            if (m.min() > Memory.MAX_PAGES) {
                throw new IllegalArgumentException("needs " + m.min() + " pages of memory at start; Arca's memory holds at most "
                        + Memory.MAX_PAGES + " pages (2 GiB - 64 KiB)");
            }
            inst.memories[mem] = new Memory((int) m.min(), (int) Math.min(m.max(), 65536), memoryLimitPages, m.shared());
        }
        if (inst.memories.length > 0) inst.memory = inst.memories[0];

        for (int g = glob; g < shape.globals().size(); g++) {
            ModuleShape.GlobalType t = shape.globals().get(g);
            Object v = eval(t.init(), inst);
            if (t.cell()) {
                Global cell = new Global(t.type(), t.mutable());
                cell.bits = bits(v);
                cell.ref = ref(t.type(), v);
                inst.setCell(g, cell);
            } else {
                inst.setGlobal(g, bits(v), ref(t.type(), v));
            }
        }

        for (; tab < inst.tables.length; tab++) {
            ModuleShape.TableType t = shape.tables().get(tab);
            if (t.min() > Table.MAX_ELEMENTS) {
                throw new IllegalArgumentException("a table of " + t.min() + " elements is larger than Arca allows (" + Table.MAX_ELEMENTS + ")");
            }
            Object init = t.init() == null ? null : eval(t.init(), inst);
            inst.tables[tab] = new Table(t.elementType(), (int) t.min(), t.max(), init);
        }
        if (inst.tables.length > 0) inst.table0 = inst.tables[0];

        for (; tag < inst.tags.length; tag++) inst.tags[tag] = new Tag(shape.tags().get(tag));

        List<ModuleShape.Elem> elems = shape.elements();
        inst.elements = new Object[elems.size()][];
        for (int e = 0; e < elems.size(); e++) {
            List<ConstExpr> items = elems.get(e).items();
            Object[] values = new Object[items.size()];
            for (int j = 0; j < values.length; j++) {
                ConstExpr c = items.get(j);
                int f = c.refFunc();
                values[j] = f >= 0 ? inst.function(f) : eval(c, inst);
            }
            inst.elements[e] = values;
        }
        List<ModuleShape.Data> data = shape.data();
        inst.data = new byte[data.size()][];
        for (int d = 0; d < data.size(); d++) inst.data[d] = data.get(d).bytes();
        inst.branchTables = shape.branchTables().toArray(new int[0][]);

        for (int e = 0; e < elems.size(); e++) {
            ModuleShape.Elem s = elems.get(e);
            if (s.mode() == ModuleShape.ELEM_ACTIVE) {
                int offset = (Integer) eval(s.offset(), inst);
                Instructions.tableInit(offset, 0, inst.elements[e].length, inst, s.table(), e);
            }
            if (s.mode() != ModuleShape.ELEM_PASSIVE) Instructions.elemDrop(inst, e);
        }
        for (int d = 0; d < data.size(); d++) {
            ModuleShape.Data s = data.get(d);
            if (s.active()) {
                int offset = (Integer) eval(s.offset(), inst);
                inst.memories[s.memory()].init(inst.data[d], offset, 0, inst.data[d].length);
                inst.data[d] = null;
            }
        }

        if (shape.start() >= 0) {
            MethodHandle start = inst.function(shape.start()).handle();
            try {
                start.invokeExact();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        return inst;
    }

    /** The memory of an import nobody gave: as declared, within the operator's limit. */
    private static Memory newMemory(long min, long max, boolean shared, int limitPages) {
        if (min > Memory.MAX_PAGES) {
            throw new IllegalArgumentException("needs " + min + " pages of memory at start; Arca's memory holds at most "
                    + Memory.MAX_PAGES + " pages (2 GiB - 64 KiB)");
        }
        if (min > limitPages) {
            throw new IllegalArgumentException("needs " + min + " pages of memory at start, more than its limit of " + limitPages);
        }
        return new Memory((int) min, (int) Math.min(max, 65536), limitPages, shared);
    }

    private static LinkException incompatible(ModuleShape.Import d) {
        return new LinkException("incompatible import type for " + d.module() + "." + d.name());
    }

    static long bits(Object v) {
        // instanceof, not a switch on types: the JDK's AOT cache does not link a type switch's
        // bootstrap ahead of time, and linking it cost every start-up 2 ms
        if (v instanceof Integer i) return i;
        if (v instanceof Long l) return l;
        if (v instanceof Float f) return Float.floatToRawIntBits(f);
        if (v instanceof Double d) return Double.doubleToRawLongBits(d);
        return 0;
    }

    static Object ref(char type, Object v) {
        return Signatures.isObject(type) ? v : null;
    }

    /** A value from raw bits and a reference, boxed by its type letter. */
    public static Object box(char type, long bits, Object ref) {
        return switch (type) {
            case 'I' -> (int) bits;
            case 'J' -> bits;
            case 'F' -> Float.intBitsToFloat((int) bits);
            case 'D' -> Double.longBitsToDouble(bits);
            default -> ref;
        };
    }

    /** The value of global {@code index} of {@code inst}, boxed. */
    public static Object globalValue(ModuleInstance inst, int index) {
        ModuleShape.GlobalType t = inst.shape.globals().get(index);
        Global cell = inst.cell(index);
        if (cell != null) return box(t.type(), cell.bits, cell.ref);
        return box(t.type(), inst.globalBits(index), inst.globalRef(index));
    }

    /** Evaluates a constant expression: a boxed number or a reference. */
    static Object eval(ConstExpr e, ModuleInstance inst) {
        long[] code = e.code();
        Object[] stack = new Object[code.length / 2 + 1];
        int sp = 0;
        for (int i = 0; i < code.length; i += 2) {
            int op = (int) code[i];
            long arg = code[i + 1];
            switch (op) {
                case ConstExpr.I32_CONST -> stack[sp++] = (int) arg;
                case ConstExpr.I64_CONST -> stack[sp++] = arg;
                case ConstExpr.F32_CONST -> stack[sp++] = Float.intBitsToFloat((int) arg);
                case ConstExpr.F64_CONST -> stack[sp++] = Double.longBitsToDouble(arg);
                case ConstExpr.REF_NULL -> stack[sp++] = null;
                case ConstExpr.V128_CONST -> stack[sp++] = new V128(arg, 0);
                case ConstExpr.V128_HIGH -> stack[sp - 1] = new V128(((V128) stack[sp - 1]).low(), arg);
                case ConstExpr.REF_FUNC -> stack[sp++] = inst.function((int) arg);
                case ConstExpr.GLOBAL_GET -> stack[sp++] = globalValue(inst, (int) arg);
                case ConstExpr.I32_ADD, ConstExpr.I32_SUB, ConstExpr.I32_MUL -> {
                    int b = (Integer) stack[--sp], a = (Integer) stack[--sp];
                    stack[sp++] = op == ConstExpr.I32_ADD ? a + b : op == ConstExpr.I32_SUB ? a - b : a * b;
                }
                case ConstExpr.I64_ADD, ConstExpr.I64_SUB, ConstExpr.I64_MUL -> {
                    long b = (Long) stack[--sp], a = (Long) stack[--sp];
                    stack[sp++] = op == ConstExpr.I64_ADD ? a + b : op == ConstExpr.I64_SUB ? a - b : a * b;
                }
                default -> throw new IllegalStateException("not a constant instruction: 0x" + Integer.toHexString(op));
            }
        }
        return stack[sp - 1];
    }
}
