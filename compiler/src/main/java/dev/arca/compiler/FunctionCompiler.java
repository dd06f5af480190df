package dev.arca.compiler;

import static dev.arca.compiler.Descs.*;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import com.dylibso.chicory.wasm.types.CatchOpCode;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translates one wasm function (or one region of it, see {@link Regions}) into the code of one
 * JVM method, in a single pass over its instructions.
 *
 * <p>The wasm value stack is the JVM operand stack; a compile-time model ({@link #stack})
 * keeps each entry's type. Entries made by {@code local.get} and constants stay "pending" (not
 * yet emitted) until the next instruction needs them, so that a load or store can push the
 * memory's VarHandle and array before its address. Wasm locals are JVM locals; the memory's
 * {@code byte[]} is a JVM local, reloaded after every call and {@code memory.grow}.
 *
 * <p>Method shape: {@code static R f<i>(params..., Module instance)}; a region is {@code static
 * int f<i>$<r>(int frameBase, int entry, Module instance)}, its shared locals at frameBase in the
 * instance's frame stack, entry 0 but for a switch's case group.
 */
final class FunctionCompiler {
    static final int KIND_BLOCK = 0, KIND_LOOP = 1, KIND_IF = 2, KIND_TRY = 3, KIND_FUNCTION = 4;
    /** Exit code of a region that returns from the function. */
    static final int EXIT_RETURN = -1;

    /** A control frame: a block, loop, if, try_table, the function, or (in a region) a frame of the enclosing method. */
    static final class Frame {
        final int kind;
        final String params;
        final String results;
        final int height; // stack height below the params at entry
        final Label label; // where a branch goes: a loop's start, else the end
        final Label end;
        final int id; // unique in the function; exit code of a region branching here
        final boolean outer; // a frame of an enclosing method (only in a region)
        Label elseLabel;
        boolean hasElse;
        boolean endReached;
        // try_table
        List<CatchOpCode.Catch> catches;
        Label tryStart;
        int emittedAtStart;
        int[] spillSlots;
        String spillTypes;

        Frame(int kind, String params, String results, int height, Label label, Label end, int id, boolean outer) {
            this.kind = kind;
            this.params = params;
            this.results = results;
            this.height = height;
            this.label = label;
            this.end = end;
            this.id = id;
            this.outer = outer;
        }

        String carried() {
            return kind == KIND_LOOP ? params : results;
        }
    }

    private static final int MATERIAL = 0, PENDING_LOCAL = 1, PENDING_CONST = 2;

    private final ModuleContext mod;
    private final int index; // function index
    private final String signature;
    private final List<? extends Instruction> ins;
    private final int from, to; // instruction range translated into this method
    private final Regions regions;
    private final Regions.Region region; // null: the function's own method
    private final char[] localType; // params then declared locals
    private CodeBuilder code;

    // JVM local slots
    private final int[] localSlot;
    private int instSlot, memObjSlot = -1, memSlot = -1, budgetSlot = -1, baseSlot = -1, frameTopSlot = -1, entrySlot = -1;
    private Label[] entryLabels; // a case group's entries
    private int nextSlot;
    private final List<int[]> freeTemps = new ArrayList<>(); // per type letter: a stack of free slots
    private final String tempTypes = "IJFDr";

    // the value stack model
    private char[] stack = new char[32];
    private int[] pendKind = new int[32];
    private long[] pendArg = new long[32];
    private int sp;
    private int pendFrom; // first pending entry; == sp when none

    private final ArrayList<Frame> frames = new ArrayList<>();
    private boolean reachable = true;
    private int deadDepth;
    private int pc;
    private int emitted; // instructions emitted so far (to know whether a try range is empty)
    private boolean usesMemory;
    private boolean hasCalls;
    private boolean hasTry;
    private java.util.BitSet owned; // locals with a JVM copy in this method (the others live in the frame arrays)

    FunctionCompiler(ModuleContext mod, int index, FunctionType type, List<ValType> locals, List<? extends Instruction> ins,
            Regions regions, Regions.Region region, com.dylibso.chicory.wasm.types.TypeSection types) {
        this.mod = mod;
        this.index = index;
        this.signature = mod.functionSignatures[index];
        this.ins = ins;
        this.regions = regions;
        this.region = region;
        this.from = region == null ? 0 : region.start();
        this.to = region == null ? ins.size() : region.end();
        String params = dev.arca.compiler.runtime.Signatures.params(signature);
        this.localType = new char[params.length() + locals.size()];
        for (int i = 0; i < params.length(); i++) localType[i] = params.charAt(i);
        for (int i = 0; i < locals.size(); i++) localType[params.length() + i] = ValueTypes.letter(locals.get(i), types);
        this.localSlot = new int[localType.length];
    }

    /** The method's name for function {@code index}: f12, or f12$3 for its region 3. */
    static String methodName(int index, Regions.Region region) {
        return region == null ? "f" + index : "f" + index + "$" + region.id();
    }

    MethodTypeDesc methodType() {
        if (region != null) return MethodTypeDesc.of(CD_int, CD_int, CD_int, mod.instanceClass);
        return functionType(mod, signature);
    }

    static MethodTypeDesc functionType(ModuleContext mod, String sig) {
        String params = dev.arca.compiler.runtime.Signatures.params(sig);
        ClassDesc[] ps = new ClassDesc[params.length() + 1];
        for (int i = 0; i < params.length(); i++) ps[i] = ValueTypes.desc(params.charAt(i));
        ps[params.length()] = mod.instanceClass;
        return MethodTypeDesc.of(ValueTypes.returnDesc(dev.arca.compiler.runtime.Signatures.results(sig)), ps);
    }

    // ==== entry ==========================================================================

    void compile(CodeBuilder code) {
        this.code = code;
        scan();
        int slot = 0;
        if (region == null) {
            String params = dev.arca.compiler.runtime.Signatures.params(signature);
            for (int i = 0; i < params.length(); i++) {
                localSlot[i] = slot;
                slot += ValueTypes.slots(params.charAt(i));
            }
            instSlot = slot++;
            int p = params.length();
            for (int i = p; i < localType.length; i++) {
                localSlot[i] = slot;
                slot += ValueTypes.slots(localType[i]);
            }
        } else {
            baseSlot = slot++;
            entrySlot = slot++;
            instSlot = slot++;
            for (int i = 0; i < localType.length; i++) {
                localSlot[i] = slot;
                slot += ValueTypes.slots(localType[i]);
            }
        }
        nextSlot = slot;
        if (slot > 60_000) {
            throw new CompileException(mod.describe(index) + " has more locals than a JVM method can hold (" + localType.length + ")");
        }
        boolean split = region == null && regions != null;
        owned = new java.util.BitSet();
        if (region != null) {
            for (int l : region.own) owned.set(l);
        } else if (split) {
            for (int l : regions.topOwn) owned.set(l);
        } else {
            owned.set(0, localType.length);
        }
        if (split) baseSlot = nextSlot++;
        if (usesMemory) {
            memObjSlot = nextSlot++;
            memSlot = nextSlot++;
        }
        budgetSlot = nextSlot++;
        for (int i = 0; i < 5; i++) freeTemps.add(new int[0]);

        if (split) {
            // the frame: every local without a JVM copy here, and the values branches carry
            code.aload(instSlot);
            code.loadConstant(localType.length + regions.maxCarried);
            code.invokestatic(INSTRUCTIONS, "enterFrame", MethodTypeDesc.of(CD_int, MODULE_INSTANCE, CD_int));
            code.istore(baseSlot);
            int p = dev.arca.compiler.runtime.Signatures.params(signature).length();
            for (int i = 0; i < p; i++) {
                if (!owned.get(i)) {
                    code.loadLocal(ValueTypes.kind(localType[i]), localSlot[i]);
                    storeTopToFrame(localType[i], i);
                }
            }
        }
        // locals: zero (the function) or from the frame arrays (a region)
        if (region == null) {
            int p = dev.arca.compiler.runtime.Signatures.params(signature).length();
            for (int i = p; i < localType.length; i++) {
                if (!owned.get(i)) continue;
                zero(localType[i]);
                code.storeLocal(ValueTypes.kind(localType[i]), localSlot[i]);
            }
        } else {
            for (int i : region.own) loadFromFrame(localType[i], i, localSlot[i]);
        }
        if (usesMemory) {
            code.aload(instSlot);
            code.getfield(MODULE_INSTANCE, "memory", MEMORY);
            code.dup();
            code.astore(memObjSlot);
            code.getfield(MEMORY, "bytes", BYTES);
            code.astore(memSlot);
        }
        // back-edges to the next look at the interrupt flag (Instructions.loop)
        code.loadConstant(dev.arca.compiler.runtime.ModuleInstance.LOOP_BUDGET);
        code.istore(budgetSlot);
        if (hasTry) {
            // where the frame stack stands in this method: an exception caught here may have left it higher
            frameTopSlot = nextSlot++;
            code.aload(instSlot);
            code.getfield(MODULE_INSTANCE, "frameTop", CD_int);
            code.istore(frameTopSlot);
        }
        if (hasCalls && region == null) {
            // count calls down to the next look at the thread's interrupt flag
            code.aload(instSlot);
            code.invokestatic(INSTRUCTIONS, "enter", CALL_POLL);
        }

        if (region == null) {
            String results = dev.arca.compiler.runtime.Signatures.results(signature);
            frames.add(new Frame(KIND_FUNCTION, "", results, 0, code.newLabel(), null, EXIT_RETURN, false));
            frames.get(0).endReached = false;
        } else {
            for (Regions.OuterFrame o : region.outer()) {
                frames.add(new Frame(o.kind(), o.params(), o.results(), 0, null, null, o.id(), true));
            }
            // a case group closes blocks opened before it: they are this method's own
            for (Regions.OpenFrame o : region.open) {
                Label end = code.newLabel();
                frames.add(new Frame(KIND_BLOCK, "", "", 0, end, end, o.id(), false));
            }
            if (region.entries.length > 1) {
                entryLabels = new Label[region.entries.length];
                List<SwitchCase> cases = new ArrayList<>();
                for (int k = 0; k < entryLabels.length; k++) {
                    entryLabels[k] = code.newLabel();
                    cases.add(SwitchCase.of(k, entryLabels[k]));
                }
                code.iload(entrySlot);
                code.tableswitch(0, entryLabels.length - 1, entryLabels[0], cases);
                code.labelBinding(entryLabels[0]);
            }
        }
        Label bodyStart = code.newLabel();
        code.labelBinding(bodyStart);
        translate();
        if (region != null) emitCommonExit();
        if (region != null && region.inTry) {
            // a wasm exception leaving the region: its locals go back to the frame first, so the
            // handler that catches it sees their values
            Label bodyEnd = code.newLabel(), handler = code.newLabel();
            code.labelBinding(bodyEnd);
            code.exceptionCatch(bodyStart, bodyEnd, handler, WASM_EXCEPTION);
            code.labelBinding(handler);
            for (int l : region.written) if (owned.get(l)) storeLocalToFrame(l);
            code.athrow();
        }
    }

    /** Which features the translated range uses. */
    private void scan() {
        for (int i = from; i < to; i++) {
            OpCode op = ins.get(i).opcode();
            switch (op) {
                case CALL, CALL_INDIRECT, CALL_REF, RETURN_CALL, RETURN_CALL_INDIRECT, RETURN_CALL_REF -> hasCalls = true;
                case TRY_TABLE -> hasTry = true;
                default -> {}
            }
            if (touchesMemory(ins.get(i))) usesMemory = true;
        }
        if (region == null && regions != null && !regions.all().isEmpty()) usesMemory |= mod.memoryCount > 0;
    }

    private static boolean touchesMemory(Instruction in) {
        int code = in.opcode().opcode();
        if (code >= 0x28 && code <= 0x40) return in.operandCount() < 3 || in.operand(2) == 0 || code >= 0x3F;
        return switch (in.opcode()) {
            case MEMORY_FILL, MEMORY_COPY, MEMORY_INIT -> true;
            default -> false;
        };
    }

    // ==== the main loop ==================================================================

    private void translate() {
        int nextEntry = 1;
        for (pc = from; pc < to; pc++) {
            if (entryLabels != null && nextEntry < entryLabels.length && region.entries[nextEntry] == pc) {
                // a case of the group starts here: the dispatch in the caller may enter at it
                if (reachable) flush();
                code.labelBinding(entryLabels[nextEntry++]);
                reachable = true;
                deadDepth = 0;
            }
            Instruction in = ins.get(pc);
            Regions.Region r = regions == null || (!reachable && deadDepth > 0) ? null : regions.startingAt(pc, region);
            if (r != null && r.family != null) {
                // a switch's case groups: entered from branches even where the parent's code
                // does not reach them
                List<Regions.Region> family = r.family;
                callFamily(family);
                pc = family.get(family.size() - 1).end() - 1;
                continue;
            }
            if (!reachable) {
                skipDead(in);
                continue;
            }
            if (r != null) {
                callRegion(r);
                pc = r.end() - 1;
                continue;
            }
            translate(in);
        }
        if (region != null && reachable) {
            // the region ran to its end: exit code 0 (fall through)
            flush();
            exitRegion(0, "");
        }
    }

    private void skipDead(Instruction in) {
        switch (in.opcode()) {
            case BLOCK, LOOP, IF, TRY_TABLE -> deadDepth++;
            case ELSE -> {
                if (deadDepth == 0) doElse();
            }
            case END -> {
                if (deadDepth > 0) deadDepth--;
                else doEnd();
            }
            default -> {}
        }
    }

    private void translate(Instruction in) {
        OpCode op = in.opcode();
        switch (op) {
            case NOP -> {}
            case UNREACHABLE -> {
                flush();
                code.invokestatic(INSTRUCTIONS, "unreachable", TRAP_FACTORY);
                code.athrow();
                emitted++;
                reachable = false;
            }
            case BLOCK, LOOP, IF, TRY_TABLE -> enterBlock(in);
            case ELSE -> doElse();
            case END -> doEnd();
            case BR -> {
                flush();
                branch(frame((int) in.operand(0)));
                reachable = false;
            }
            case BR_IF -> {
                flush();
                pop();
                conditionalBranch(frame((int) in.operand(0)), Opcode.IFNE);
            }
            case BR_TABLE -> brTable(in);
            case RETURN -> {
                flush();
                doReturn();
                reachable = false;
            }
            case CALL -> call((int) in.operand(0));
            case CALL_INDIRECT -> callIndirect((int) in.operand(0), (int) in.operand(1));
            case RETURN_CALL -> {
                call((int) in.operand(0));
                doReturn();
                reachable = false;
            }
            case RETURN_CALL_INDIRECT -> {
                callIndirect((int) in.operand(0), (int) in.operand(1));
                doReturn();
                reachable = false;
            }
            case CALL_REF -> callRef((int) in.operand(0));
            case RETURN_CALL_REF -> {
                callRef((int) in.operand(0));
                doReturn();
                reachable = false;
            }
            case DROP -> drop();
            case SELECT, SELECT_T -> select();
            case LOCAL_GET -> pushPending(localType[(int) in.operand(0)], PENDING_LOCAL, in.operand(0));
            case LOCAL_SET -> localSet((int) in.operand(0));
            case LOCAL_TEE -> {
                flush();
                int l = (int) in.operand(0);
                dup(localType[l]);
                code.storeLocal(ValueTypes.kind(localType[l]), localSlot[l]);
                emitted++;
            }
            case GLOBAL_GET -> globalGet((int) in.operand(0));
            case GLOBAL_SET -> globalSet((int) in.operand(0));
            case I32_CONST -> pushPending('I', PENDING_CONST, (int) in.operand(0));
            case I64_CONST -> pushPending('J', PENDING_CONST, in.operand(0));
            case F32_CONST -> pushPending('F', PENDING_CONST, (int) in.operand(0));
            case F64_CONST -> pushPending('D', PENDING_CONST, in.operand(0));
            case REF_NULL -> {
                flush();
                code.aconst_null();
                emitted++;
                push(refLetter(in));
            }
            case REF_IS_NULL -> {
                flush();
                pop();
                Label isNull = code.newLabel(), done = code.newLabel();
                code.ifnull(isNull);
                code.iconst_0();
                code.goto_(done);
                code.labelBinding(isNull);
                code.iconst_1();
                code.labelBinding(done);
                emitted++;
                push('I');
            }
            case REF_FUNC -> {
                flush();
                code.aload(instSlot);
                code.loadConstant((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "refFunc", REF_FUNC);
                emitted++;
                push('f');
            }
            case REF_AS_NON_NULL -> {
                flush();
                Label ok = code.newLabel();
                code.dup();
                code.ifnonnull(ok);
                code.new_(TRAP);
                code.dup();
                code.loadConstant("null reference");
                code.invokespecial(TRAP, "<init>", MethodTypeDesc.of(CD_void, CD_String));
                code.athrow();
                code.labelBinding(ok);
                emitted++;
            }
            case BR_ON_NULL -> brOnNull((int) in.operand(0));
            case BR_ON_NON_NULL -> brOnNonNull((int) in.operand(0));
            case TABLE_GET -> {
                flush();
                loadTable((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "tableGet", TABLE_GET);
                emitted++;
                pop();
                push(mod.tableTypes[(int) in.operand(0)]);
            }
            case TABLE_SET -> {
                flush();
                loadTable((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "tableSet", TABLE_SET);
                emitted++;
                pop();
                pop();
            }
            case TABLE_SIZE -> {
                flush();
                loadTable((int) in.operand(0));
                code.getfield(TABLE, "elements", OBJECTS);
                code.arraylength();
                emitted++;
                push('I');
            }
            case TABLE_GROW -> {
                flush();
                loadTable((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "tableGrow", TABLE_GROW);
                emitted++;
                pop();
                pop();
                push('I');
            }
            case TABLE_FILL -> {
                flush();
                loadTable((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "tableFill", TABLE_FILL);
                emitted++;
                pop();
                pop();
                pop();
            }
            case TABLE_COPY -> {
                flush();
                loadTable((int) in.operand(0));
                loadTable((int) in.operand(1));
                code.invokestatic(INSTRUCTIONS, "tableCopy", TABLE_COPY);
                emitted++;
                pop();
                pop();
                pop();
            }
            case TABLE_INIT -> {
                flush();
                code.aload(instSlot);
                code.loadConstant((int) in.operand(1));
                code.loadConstant((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "tableInit", MEMORY_INIT);
                emitted++;
                pop();
                pop();
                pop();
            }
            case ELEM_DROP -> {
                flush();
                code.aload(instSlot);
                code.loadConstant((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "elemDrop", SEGMENT_DROP);
                emitted++;
            }
            case I32_LOAD, I64_LOAD, F32_LOAD, F64_LOAD, I32_LOAD8_S, I32_LOAD8_U, I32_LOAD16_S, I32_LOAD16_U,
                    I64_LOAD8_S, I64_LOAD8_U, I64_LOAD16_S, I64_LOAD16_U, I64_LOAD32_S, I64_LOAD32_U -> load(in);
            case I32_STORE, I64_STORE, F32_STORE, F64_STORE, I32_STORE8, I32_STORE16, I64_STORE8, I64_STORE16,
                    I64_STORE32 -> store(in);
            case MEMORY_SIZE -> {
                flush();
                if (shared((int) in.operand(0))) {
                    loadMemoryObject((int) in.operand(0));
                    code.getfield(MEMORY, "size", CD_int);
                } else {
                    loadMemoryBytes((int) in.operand(0));
                    code.arraylength();
                }
                code.bipush(16);
                code.iushr();
                emitted++;
                push('I');
            }
            case MEMORY_GROW -> {
                flush();
                loadMemoryObject((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "memoryGrow", MEMORY_GROW);
                emitted++;
                reloadMemory();
            }
            case MEMORY_FILL -> {
                flush();
                loadMemoryObject((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "memoryFill", MEMORY_FILL);
                emitted++;
                pop();
                pop();
                pop();
            }
            case MEMORY_COPY -> {
                flush();
                int dst = (int) in.operand(0), src = (int) in.operand(1);
                if (dst == src) {
                    loadMemoryObject(dst);
                    code.invokestatic(INSTRUCTIONS, "memoryCopy", MEMORY_FILL);
                } else {
                    loadMemoryObject(dst);
                    loadMemoryObject(src);
                    code.invokevirtual(MEMORY, "copyFrom", MethodTypeDesc.of(CD_void, MEMORY, CD_int, CD_int, CD_int));
                    throw new CompileException("memory.copy between memories is not supported");
                }
                emitted++;
                pop();
                pop();
                pop();
            }
            case MEMORY_INIT -> {
                flush();
                code.aload(instSlot);
                code.loadConstant((int) in.operand(1));
                code.loadConstant((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "memoryInit", MEMORY_INIT);
                emitted++;
                pop();
                pop();
                pop();
            }
            case DATA_DROP -> {
                flush();
                code.aload(instSlot);
                code.loadConstant((int) in.operand(0));
                code.invokestatic(INSTRUCTIONS, "dataDrop", SEGMENT_DROP);
                emitted++;
            }
            case THROW -> throwTag((int) in.operand(0));
            case THROW_REF -> {
                flush();
                code.invokestatic(INSTRUCTIONS, "nonNullException", NON_NULL_EXCEPTION);
                code.athrow();
                emitted++;
                pop();
                reachable = false;
            }
            default -> {
                if (in.opcode().opcode() >= 0xFE00 && in.opcode().opcode() < 0xFF00) atomic(in);
                else if (!numeric(in)) unsupported(in);
            }
        }
    }

    private void unsupported(Instruction in) {
        String name = in.opcode().name().toLowerCase().replaceFirst("_", ".");
        String what = in.opcode().opcode() >= 0xFD00 && in.opcode().opcode() < 0xFE00 ? "SIMD instruction "
                : in.opcode().opcode() >= 0xFE00 ? "threads instruction " : "instruction ";
        throw new CompileException(mod.describe(index) + " uses the " + what + name
                + ", which Arca's compiler does not support (--engine chicory may run it)");
    }

    private char refLetter(Instruction in) {
        int heap = (int) in.operand(0);
        if (heap == ValType.TypeIdxCode.EXTERN.code() || heap == ValType.TypeIdxCode.NOEXTERN.code()) return 'e';
        if (heap == ValType.TypeIdxCode.EXN.code()) return 'x';
        return 'f';
    }

    // ==== the stack model ================================================================

    private void push(char t) {
        if (sp == stack.length) grow();
        stack[sp] = t;
        pendKind[sp] = MATERIAL;
        sp++;
        pendFrom = sp;
    }

    private void pushPending(char t, int kind, long arg) {
        if (sp == stack.length) grow();
        stack[sp] = t;
        pendKind[sp] = kind;
        pendArg[sp] = arg;
        sp++;
    }

    private void grow() {
        stack = Arrays.copyOf(stack, sp * 2);
        pendKind = Arrays.copyOf(pendKind, sp * 2);
        pendArg = Arrays.copyOf(pendArg, sp * 2);
    }

    private char pop() {
        sp--;
        if (pendFrom > sp) pendFrom = sp;
        return stack[sp];
    }

    private char peek(int depth) {
        return stack[sp - 1 - depth];
    }

    /** Emits the pending entries, so that the JVM stack holds the whole model. */
    private void flush() {
        for (int i = pendFrom; i < sp; i++) materialize(i);
        pendFrom = sp;
    }

    private void materialize(int i) {
        char t = stack[i];
        long a = pendArg[i];
        if (pendKind[i] == PENDING_LOCAL) {
            code.loadLocal(ValueTypes.kind(t), localSlot[(int) a]);
        } else if (pendKind[i] == PENDING_CONST) {
            constant(t, a);
        }
        pendKind[i] = MATERIAL;
        emitted++;
    }

    private void constant(char t, long bits) {
        switch (t) {
            case 'I' -> code.loadConstant((int) bits);
            case 'J' -> code.loadConstant(bits);
            case 'F' -> {
                int b = (int) bits;
                if (b == 0) code.fconst_0();
                else if (b == Float.floatToRawIntBits(1f)) code.fconst_1();
                else if (b == Float.floatToRawIntBits(2f)) code.fconst_2();
                else if (Float.isNaN(Float.intBitsToFloat(b))) {
                    // the constant pool keeps one NaN: build others from their bits
                    code.loadConstant(b);
                    code.invokestatic(FLOAT, "intBitsToFloat", F_I);
                } else code.ldc(code.constantPool().floatEntry(Float.intBitsToFloat(b)));
            }
            case 'D' -> {
                if (bits == 0) code.dconst_0();
                else if (bits == Double.doubleToRawLongBits(1.0)) code.dconst_1();
                else if (Double.isNaN(Double.longBitsToDouble(bits))) {
                    code.loadConstant(bits);
                    code.invokestatic(DOUBLE, "longBitsToDouble", D_J);
                } else code.ldc(code.constantPool().doubleEntry(Double.longBitsToDouble(bits)));
            }
            default -> throw new IllegalStateException("constant of type " + t);
        }
    }

    private void zero(char t) {
        switch (t) {
            case 'I' -> code.iconst_0();
            case 'J' -> code.lconst_0();
            case 'F' -> code.fconst_0();
            case 'D' -> code.dconst_0();
            case 'V' -> code.getstatic(ValueTypes.V128, "ZERO", ValueTypes.V128);
            default -> code.aconst_null();
        }
    }

    private void dup(char t) {
        if (ValueTypes.wide(t)) code.dup2();
        else code.dup();
    }

    private void popValue(char t) {
        if (ValueTypes.wide(t)) code.pop2();
        else code.pop();
    }

    private void drop() {
        if (pendFrom < sp) {
            pop(); // never emitted: nothing to discard
            return;
        }
        popValue(pop());
        emitted++;
    }

    // ---- temporaries -------------------------------------------------------------------

    private int tempIndex(char t) {
        return switch (t) {
            case 'I' -> 0;
            case 'J' -> 1;
            case 'F' -> 2;
            case 'D' -> 3;
            default -> 4;
        };
    }

    private int temp(char t) {
        int k = tempIndex(t);
        int[] free = freeTemps.get(k);
        if (free.length > 0) {
            int s = free[free.length - 1];
            freeTemps.set(k, Arrays.copyOf(free, free.length - 1));
            return s;
        }
        int s = nextSlot;
        nextSlot += ValueTypes.slots(t);
        return s;
    }

    private void release(char t, int slot) {
        int k = tempIndex(t);
        int[] free = freeTemps.get(k);
        int[] more = Arrays.copyOf(free, free.length + 1);
        more[free.length] = slot;
        freeTemps.set(k, more);
    }

    private int freshSlot(char t) {
        int s = nextSlot;
        nextSlot += ValueTypes.slots(t);
        return s;
    }

    // ==== control ========================================================================

    private Frame frame(int depth) {
        return frames.get(frames.size() - 1 - depth);
    }

    private String[] blockType(Instruction in) {
        long t = in.operand(0);
        FunctionType ft;
        if (t == 0x40) {
            return new String[] {"", ""};
        } else if (ValType.isValid(t)) {
            ValType v = ValType.builder().fromId(t).build();
            return new String[] {"", String.valueOf(ValueTypes.letter(v, null))};
        } else {
            String sig = mod.typeSignatures[(int) t];
            return new String[] {dev.arca.compiler.runtime.Signatures.params(sig), dev.arca.compiler.runtime.Signatures.results(sig)};
        }
    }

    private void enterBlock(Instruction in) {
        flush();
        String[] bt = blockType(in);
        String params = bt[0], results = bt[1];
        int height = sp - params.length();
        int id = pc + 1;
        switch (in.opcode()) {
            case BLOCK -> {
                Label end = code.newLabel();
                frames.add(new Frame(KIND_BLOCK, params, results, height, end, end, id, false));
            }
            case LOOP -> {
                Label start = code.newLabel();
                code.labelBinding(start);
                frames.add(new Frame(KIND_LOOP, params, results, height, start, code.newLabel(), id, false));
                // a back-edge arrives here: count it down to the next look at the interrupt flag
                // (Instructions.loop, which the JIT inlines: its one profile serves every loop)
                code.iload(budgetSlot);
                code.invokestatic(INSTRUCTIONS, "loop", LOOP_POLL);
                code.istore(budgetSlot);
                emitted++;
            }
            case IF -> {
                Label end = code.newLabel();
                Frame f = new Frame(KIND_IF, params, results, height - 1, end, end, id, false);
                f.elseLabel = code.newLabel();
                pop(); // the condition
                code.ifeq(f.elseLabel);
                emitted++;
                frames.add(f);
            }
            case TRY_TABLE -> enterTry(in, params, results, height, id);
            default -> throw new IllegalStateException();
        }
    }

    private void doElse() {
        Frame f = frames.get(frames.size() - 1);
        if (reachable) {
            flush();
            code.goto_(f.end);
            emitted++;
            f.endReached = true;
        }
        code.labelBinding(f.elseLabel);
        f.hasElse = true;
        resetStack(f.height, f.params);
        reachable = true;
    }

    private void doEnd() {
        Frame f = frames.remove(frames.size() - 1);
        if (reachable) flush();
        if (f.kind == KIND_FUNCTION) {
            if (reachable || f.endReached) {
                if (f.endReached) {
                    code.labelBinding(f.label);
                    resetStack(0, f.results);
                }
                doReturn();
            }
            reachable = false;
            return;
        }
        if (f.kind == KIND_TRY) {
            endTry(f);
            return;
        }
        if (reachable) f.endReached = true;
        if (f.kind == KIND_IF && !f.hasElse) {
            // the false edge of the if lands here with the params, which equal the results
            code.labelBinding(f.elseLabel);
            f.endReached = true;
        }
        if (f.endReached) code.labelBinding(f.end);
        reachable = f.endReached;
        resetStack(f.height, f.results);
    }

    private void resetStack(int height, String types) {
        sp = height;
        pendFrom = sp;
        for (int i = 0; i < types.length(); i++) push(types.charAt(i));
    }

    /** Emits a branch to {@code f}: drops the entries between its height and the carried values, then jumps. */
    private void branch(Frame f) {
        if (f.outer) {
            exitRegion(f.id, f.carried());
            return;
        }
        if (f.kind == KIND_FUNCTION) {
            doReturn();
            return;
        }
        String carried = f.carried();
        int n = carried.length();
        int excess = sp - f.height - n;
        if (excess > 0) {
            int[] temps = new int[n];
            for (int i = n - 1; i >= 0; i--) {
                temps[i] = temp(carried.charAt(i));
                code.storeLocal(ValueTypes.kind(carried.charAt(i)), temps[i]);
            }
            for (int i = sp - n - 1; i >= f.height; i--) popValue(stack[i]);
            for (int i = 0; i < n; i++) {
                code.loadLocal(ValueTypes.kind(carried.charAt(i)), temps[i]);
                release(carried.charAt(i), temps[i]);
            }
        }
        code.goto_(f.label);
        emitted++;
        if (f.kind != KIND_LOOP) f.endReached = true;
    }

    private boolean needsFixup(Frame f) {
        if (f.outer || f.kind == KIND_FUNCTION) return true;
        return sp - f.height - f.carried().length() > 0;
    }

    /** Branches to {@code f} when the condition already on the JVM stack holds ({@code jump} tests it). */
    private void conditionalBranch(Frame f, Opcode jump) {
        if (!needsFixup(f)) {
            code.branch(jump, f.label);
            if (f.kind != KIND_LOOP) f.endReached = true;
        } else {
            Label skip = code.newLabel();
            code.branch(invert(jump), skip);
            branch(f);
            code.labelBinding(skip);
        }
        emitted++;
    }

    private static Opcode invert(Opcode jump) {
        return switch (jump) {
            case IFEQ -> Opcode.IFNE;
            case IFNE -> Opcode.IFEQ;
            case IFLT -> Opcode.IFGE;
            case IFGE -> Opcode.IFLT;
            case IFGT -> Opcode.IFLE;
            case IFLE -> Opcode.IFGT;
            case IF_ICMPEQ -> Opcode.IF_ICMPNE;
            case IF_ICMPNE -> Opcode.IF_ICMPEQ;
            case IF_ICMPLT -> Opcode.IF_ICMPGE;
            case IF_ICMPGE -> Opcode.IF_ICMPLT;
            case IF_ICMPGT -> Opcode.IF_ICMPLE;
            case IF_ICMPLE -> Opcode.IF_ICMPGT;
            case IFNULL -> Opcode.IFNONNULL;
            case IFNONNULL -> Opcode.IFNULL;
            default -> throw new IllegalArgumentException(jump.toString());
        };
    }

    private void brTable(Instruction in) {
        flush();
        pop(); // the index, on the JVM stack
        int n = in.operandCount(); // targets then the default
        // the distinct targets, in order of first appearance
        List<Frame> distinct = new ArrayList<>();
        java.util.Map<Frame, Integer> positions = new java.util.IdentityHashMap<>();
        int[] position = new int[n];
        for (int i = 0; i < n; i++) {
            Frame f = frame((int) in.operand(i));
            Integer p = positions.get(f);
            if (p == null) {
                p = distinct.size();
                distinct.add(f);
                positions.put(f, p);
            }
            position[i] = p;
        }
        Label[] entry = new Label[distinct.size()];
        for (int p = 0; p < entry.length; p++) {
            Frame f = distinct.get(p);
            entry[p] = needsFixup(f) ? code.newLabel() : f.label;
            if (!needsFixup(f) && f.kind != KIND_LOOP) f.endReached = true;
        }
        if (distinct.size() == 1) {
            code.pop();
        } else if (n - 1 <= 1024) {
            List<SwitchCase> cases = new ArrayList<>(n - 1);
            for (int i = 0; i < n - 1; i++) cases.add(SwitchCase.of(i, entry[position[i]]));
            if (cases.isEmpty()) code.pop();
            else code.tableswitch(0, n - 2, entry[position[n - 1]], cases);
        } else {
            // a large table: map the index to a target position through an array, then switch on the few positions
            int table = mod.addBranchTable(position);
            code.aload(instSlot);
            code.getfield(MODULE_INSTANCE, "branchTables", INTS.arrayType());
            code.loadConstant(table);
            code.aaload();
            code.invokestatic(INSTRUCTIONS, "branchTable", BRANCH_TABLE);
            List<SwitchCase> cases = new ArrayList<>(entry.length);
            for (int p = 0; p < entry.length; p++) cases.add(SwitchCase.of(p, entry[p]));
            code.tableswitch(0, entry.length - 1, entry[0], cases);
        }
        emitted++;
        if (distinct.size() == 1 && !needsFixup(distinct.get(0))) {
            code.goto_(entry[0]);
        } else if (distinct.size() == 1) {
            branch(distinct.get(0));
        } else {
            for (int p = 0; p < entry.length; p++) {
                Frame f = distinct.get(p);
                if (needsFixup(f)) {
                    code.labelBinding(entry[p]);
                    branch(f);
                }
            }
        }
        reachable = false;
    }

    private void brOnNull(int depth) {
        flush();
        Label nonNull = code.newLabel();
        code.dup();
        code.ifnonnull(nonNull);
        code.pop();
        char t = pop();
        branch(frame(depth));
        code.labelBinding(nonNull);
        push(t);
        emitted++;
    }

    private void brOnNonNull(int depth) {
        flush();
        Label isNull = code.newLabel();
        code.dup();
        code.ifnull(isNull);
        branch(frame(depth)); // the reference is carried
        code.labelBinding(isNull);
        code.pop();
        pop();
        emitted++;
    }

    private void doReturn() {
        String results = dev.arca.compiler.runtime.Signatures.results(signature);
        if (region != null) {
            exitRegion(EXIT_RETURN, results);
            return;
        }
        if (baseSlot >= 0) {
            // a split function: pop its frame
            code.aload(instSlot);
            code.iload(baseSlot);
            code.putfield(MODULE_INSTANCE, "frameTop", CD_int);
        }
        switch (results.length()) {
            case 0 -> code.return_();
            case 1 -> code.return_(ValueTypes.kind(results.charAt(0)));
            default -> {
                boxValues(results);
                code.areturn();
            }
        }
        emitted++;
    }

    /** Replaces the top {@code types.length()} values with an Object[] of them, boxed. */
    private void boxValues(String types) {
        int n = types.length();
        int[] temps = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            temps[i] = temp(types.charAt(i));
            code.storeLocal(ValueTypes.kind(types.charAt(i)), temps[i]);
        }
        code.loadConstant(n);
        code.anewarray(CD_Object);
        for (int i = 0; i < n; i++) {
            code.dup();
            code.loadConstant(i);
            char t = types.charAt(i);
            code.loadLocal(ValueTypes.kind(t), temps[i]);
            ValueTypes.box(code, t);
            code.aastore();
            release(t, temps[i]);
        }
    }

    /** Pushes the elements of the Object[] on the stack as values of {@code types}. */
    private void unboxArray(String types) {
        int arr = temp('r');
        code.astore(arr);
        for (int i = 0; i < types.length(); i++) {
            code.aload(arr);
            code.loadConstant(i);
            code.aaload();
            ValueTypes.unbox(code, types.charAt(i));
        }
        release('r', arr);
    }

    // ---- exceptions --------------------------------------------------------------------

    private void enterTry(Instruction in, String params, String results, int height, int id) {
        Label end = code.newLabel();
        Frame f = new Frame(KIND_TRY, params, results, height, end, end, id, false);
        f.catches = CatchOpCode.decode(in.operands());
        if (!f.catches.isEmpty() && height > 0) {
            // a handler starts with an empty JVM stack: keep copies of the entries below the try
            int[] paramTemps = new int[params.length()];
            for (int i = params.length() - 1; i >= 0; i--) {
                paramTemps[i] = temp(params.charAt(i));
                code.storeLocal(ValueTypes.kind(params.charAt(i)), paramTemps[i]);
            }
            f.spillSlots = new int[height];
            f.spillTypes = new String(stack, 0, height);
            for (int i = height - 1; i >= 0; i--) {
                f.spillSlots[i] = freshSlot(stack[i]);
                code.storeLocal(ValueTypes.kind(stack[i]), f.spillSlots[i]);
            }
            for (int i = 0; i < height; i++) code.loadLocal(ValueTypes.kind(stack[i]), f.spillSlots[i]);
            for (int i = 0; i < params.length(); i++) {
                code.loadLocal(ValueTypes.kind(params.charAt(i)), paramTemps[i]);
                release(params.charAt(i), paramTemps[i]);
            }
        }
        f.tryStart = code.newLabel();
        code.labelBinding(f.tryStart);
        f.emittedAtStart = emitted;
        frames.add(f);
    }

    private void endTry(Frame f) {
        if (reachable) {
            code.goto_(f.end);
            f.endReached = true;
        }
        if (!f.catches.isEmpty() && emitted > f.emittedAtStart) {
            Label tryEnd = code.newLabel(), handler = code.newLabel();
            code.labelBinding(tryEnd);
            code.exceptionCatch(f.tryStart, tryEnd, handler, WASM_EXCEPTION);
            code.labelBinding(handler);
            int ex = freshSlot('x');
            code.astore(ex);
            reloadMemory();
            code.aload(instSlot);
            code.iload(frameTopSlot);
            code.putfield(MODULE_INSTANCE, "frameTop", CD_int);
            // the try's own frame is gone: catch labels count from the enclosing block
            for (CatchOpCode.Catch c : f.catches) {
                Label next = code.newLabel();
                String payload = "";
                if (c.opcode() == CatchOpCode.CATCH || c.opcode() == CatchOpCode.CATCH_REF) {
                    code.aload(ex);
                    code.getfield(WASM_EXCEPTION, "tag", TAG);
                    loadTag(c.tag());
                    code.if_acmpne(next);
                    payload = dev.arca.compiler.runtime.Signatures.params(mod.tagSignatures[c.tag()]);
                }
                Frame target = frame(c.label());
                // rebuild the stack the target expects: the entries below it, then the payload
                sp = 0;
                pendFrom = 0;
                int keep = target.outer ? 0 : Math.min(target.height, f.height);
                for (int i = 0; i < keep; i++) {
                    code.loadLocal(ValueTypes.kind(f.spillTypes.charAt(i)), f.spillSlots[i]);
                    push(f.spillTypes.charAt(i));
                }
                for (int i = 0; i < payload.length(); i++) {
                    code.aload(ex);
                    code.getfield(WASM_EXCEPTION, "values", OBJECTS);
                    code.loadConstant(i);
                    code.aaload();
                    ValueTypes.unbox(code, payload.charAt(i));
                    push(payload.charAt(i));
                }
                if (c.opcode() == CatchOpCode.CATCH_REF || c.opcode() == CatchOpCode.CATCH_ALL_REF) {
                    code.aload(ex);
                    push('x');
                }
                branch(target);
                code.labelBinding(next);
            }
            code.aload(ex);
            code.athrow();
        }
        if (f.endReached) code.labelBinding(f.end);
        reachable = f.endReached;
        resetStack(f.height, f.results);
    }

    private void loadTag(int tag) {
        code.aload(instSlot);
        code.getfield(MODULE_INSTANCE, "tags", TAG.arrayType());
        code.loadConstant(tag);
        code.aaload();
    }

    private void throwTag(int tag) {
        flush();
        String payload = dev.arca.compiler.runtime.Signatures.params(mod.tagSignatures[tag]);
        boxValues(payload); // -> Object[]
        for (int i = 0; i < payload.length(); i++) pop();
        loadTag(tag);
        code.swap();
        code.invokestatic(INSTRUCTIONS, "exception", EXCEPTION);
        code.athrow();
        emitted++;
        reachable = false;
    }

    // ==== calls ==========================================================================

    private void call(int callee) {
        flush();
        String sig = mod.functionSignatures[callee];
        code.aload(instSlot);
        if (callee < mod.importedFunctions) {
            code.invokestatic(mod.instanceClass, ModuleCompiler.importMethod(callee), functionType(mod, sig));
        } else {
            code.invokestatic(mod.classOf(callee), "f" + callee, functionType(mod, sig));
        }
        afterCall(sig);
    }

    /**
     * call_indirect: the element's FuncRef is looked up and checked ({@code Instructions.indirect}),
     * then called. When the module's element segments name few functions of the signature (at
     * most {@link ModuleContext#DIRECT_INDIRECT_MAX}: a small program's stdio callbacks, a
     * comparator), a FuncRef of this instance that is one of them is called with an
     * {@code invokestatic} chosen by a switch on its index; anything else (another instance's or
     * a host function, or a function made reachable otherwise) goes through the site's inline
     * cache. The switch links nothing at run time: the inline cache's first link builds method
     * handles and spins their classes, about 20 ms of a hello world's start for printf's sites.
     */
    private void callIndirect(int typeIndex, int table) {
        flush();
        String sig = mod.typeSignatures[typeIndex];
        loadTable(table);
        code.ldc(code.constantPool().stringEntry(sig));
        code.invokestatic(INSTRUCTIONS, "indirect", INDIRECT);
        pop(); // the element index
        int[] direct = mod.indirectCandidates.get(sig);
        if (direct == null) {
            invokeRef(sig);
        } else {
            // the arguments stay on the operand stack below; every path leaves the result there
            int ref = temp('f');
            code.astore(ref);
            Label viaCache = code.newLabel();
            Label done = code.newLabel();
            code.aload(ref);
            code.invokevirtual(FUNC_REF, "owner", MethodTypeDesc.of(MODULE_INSTANCE));
            code.aload(instSlot);
            code.if_acmpne(viaCache);
            code.aload(ref);
            code.invokevirtual(FUNC_REF, "index", MethodTypeDesc.of(CD_int));
            Label[] cases = new Label[direct.length];
            List<SwitchCase> switchCases = new ArrayList<>();
            for (int i = 0; i < direct.length; i++) {
                cases[i] = code.newLabel();
                switchCases.add(SwitchCase.of(direct[i], cases[i]));
            }
            code.lookupswitch(viaCache, switchCases);
            for (int i = 0; i < direct.length; i++) {
                code.labelBinding(cases[i]);
                code.aload(instSlot);
                code.invokestatic(mod.classOf(direct[i]), "f" + direct[i], functionType(mod, sig));
                code.goto_(done);
            }
            code.labelBinding(viaCache);
            code.aload(ref);
            invokeRef(sig);
            code.labelBinding(done);
            release('f', ref);
        }
        afterCall(sig);
    }

    private void callRef(int typeIndex) {
        flush();
        String sig = mod.typeSignatures[typeIndex];
        code.invokestatic(INSTRUCTIONS, "nonNullFunction", NON_NULL_FUNCTION);
        pop();
        invokeRef(sig);
        afterCall(sig);
    }

    /** Calls the FuncRef on the stack (above the arguments) through an invokedynamic site. */
    private void invokeRef(String sig) {
        invokeRef(code, mod, sig);
    }

    static void invokeRef(CodeBuilder code, ModuleContext mod, String sig) {
        MethodTypeDesc ft = functionType(mod, sig);
        // the site's type: the callee's parameters, then the FuncRef
        ClassDesc[] ps = new ClassDesc[ft.parameterCount()];
        for (int i = 0; i < ps.length - 1; i++) ps[i] = ft.parameterType(i);
        ps[ps.length - 1] = FUNC_REF;
        code.invokedynamic(DynamicCallSiteDesc.of(CALL_REF_BOOTSTRAP, "call", MethodTypeDesc.of(ft.returnType(), ps)));
    }

    private void afterCall(String sig) {
        emitted++;
        String params = dev.arca.compiler.runtime.Signatures.params(sig);
        String results = dev.arca.compiler.runtime.Signatures.results(sig);
        for (int i = 0; i < params.length(); i++) pop();
        if (results.length() > 1) unboxArray(results);
        for (int i = 0; i < results.length(); i++) push(results.charAt(i));
        reloadMemory();
    }

    private void reloadMemory() {
        if (memSlot < 0) return;
        code.aload(memObjSlot);
        code.getfield(MEMORY, "bytes", BYTES);
        code.astore(memSlot);
    }

    // ==== variables ======================================================================

    private void localSet(int l) {
        // local.get x; i32.const c; i32.add; local.set x  ->  iinc
        flush();
        code.storeLocal(ValueTypes.kind(localType[l]), localSlot[l]);
        pop();
        emitted++;
    }

    private void globalGet(int g) {
        flush();
        char t = mod.globalTypes[g];
        code.aload(instSlot);
        if (mod.globalCells[g]) {
            code.getfield(mod.instanceClass, "g" + g, GLOBAL);
            if (ValueTypes.isObject(t)) {
                code.getfield(GLOBAL, "ref", CD_Object);
                if (t == 'V') code.checkcast(ValueTypes.V128);
            } else {
                code.getfield(GLOBAL, "bits", CD_long);
                ValueTypes.fromBits(code, t);
            }
        } else {
            code.getfield(mod.instanceClass, "g" + g, ValueTypes.desc(t));
        }
        emitted++;
        push(t);
    }

    private void globalSet(int g) {
        char t = mod.globalTypes[g];
        if (!mod.globalCells[g] && pendFrom == sp - 1) {
            // the value is pending: push the instance first
            code.aload(instSlot);
            flush();
            code.putfield(mod.instanceClass, "g" + g, ValueTypes.desc(t));
            pop();
            emitted++;
            return;
        }
        flush();
        if (mod.globalCells[g]) {
            if (!ValueTypes.isObject(t)) {
                ValueTypes.toBits(code, t);
                code.aload(instSlot);
                code.getfield(mod.instanceClass, "g" + g, GLOBAL);
                code.dup_x2();
                code.pop();
                code.putfield(GLOBAL, "bits", CD_long);
            } else {
                code.aload(instSlot);
                code.getfield(mod.instanceClass, "g" + g, GLOBAL);
                code.swap();
                code.putfield(GLOBAL, "ref", CD_Object);
            }
        } else {
            code.aload(instSlot);
            if (ValueTypes.wide(t)) {
                code.dup_x2();
                code.pop();
            } else {
                code.swap();
            }
            code.putfield(mod.instanceClass, "g" + g, ValueTypes.desc(t));
        }
        pop();
        emitted++;
    }

    private void loadTable(int t) {
        code.aload(instSlot);
        if (t == 0) {
            code.getfield(MODULE_INSTANCE, "table0", TABLE);
        } else {
            code.getfield(MODULE_INSTANCE, "tables", TABLE.arrayType());
            code.loadConstant(t);
            code.aaload();
        }
    }

    // ==== memory =========================================================================

    private void loadMemoryObject(int m) {
        if (m == 0 && memObjSlot >= 0) {
            code.aload(memObjSlot);
            return;
        }
        code.aload(instSlot);
        code.getfield(MODULE_INSTANCE, "memories", MEMORY.arrayType());
        code.loadConstant(m);
        code.aaload();
    }

    private void loadMemoryBytes(int m) {
        if (m == 0 && memSlot >= 0) {
            code.aload(memSlot);
            return;
        }
        loadMemoryObject(m);
        code.getfield(MEMORY, "bytes", BYTES);
    }

    /**
     * The address on the JVM stack plus a constant offset becomes an array index that is
     * negative whenever the wasm access is out of bounds for any memory Arca can have (at most
     * 2^31 - 65536 bytes): the array access then fails, which is the trap. With a non-zero
     * offset: (addr + offset) | (addr >> 31), negative when addr >= 2^31 or the sum passes 2^31.
     */
    private void index(long offset) {
        if (offset == 0) return;
        if (offset >= Integer.MAX_VALUE) {
            code.pop();
            code.invokestatic(INSTRUCTIONS, "outOfBounds", TRAP_FACTORY);
            code.athrow();
            return;
        }
        code.dup();
        code.bipush(31);
        code.ishr();
        code.swap();
        code.loadConstant((int) offset);
        code.iadd();
        code.ior();
    }

    private void load(Instruction in) {
        OpCode op = in.opcode();
        long offset = in.operand(1);
        int memory = (int) in.operand(2);
        boolean viaHandle = switch (op) {
            case I32_LOAD8_S, I32_LOAD8_U, I64_LOAD8_S, I64_LOAD8_U -> false;
            default -> true;
        };
        int width = width(op);
        if (pendFrom == sp - 1) {
            // the address is pending: emit the handle and array below it, then the address
            if (viaHandle) accessHandle(op);
            loadMemoryBytes(memory);
            materialize(sp - 1);
            pendFrom = sp;
            index(offset);
            checkShared(memory, offset, width);
        } else {
            flush();
            index(offset);
            checkShared(memory, offset, width);
            int t = temp('I');
            code.istore(t);
            if (viaHandle) accessHandle(op);
            loadMemoryBytes(memory);
            code.iload(t);
            release('I', t);
        }
        pop();
        if (offset >= Integer.MAX_VALUE) {
            // the access traps whatever the address: what follows is unreachable
            emitted++;
            reachable = false;
            return;
        }
        switch (op) {
            case I32_LOAD -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_INT);
                push('I');
            }
            case I64_LOAD -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_LONG);
                push('J');
            }
            case F32_LOAD -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_INT);
                code.invokestatic(FLOAT, "intBitsToFloat", F_I);
                push('F');
            }
            case F64_LOAD -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_LONG);
                code.invokestatic(DOUBLE, "longBitsToDouble", D_J);
                push('D');
            }
            case I32_LOAD8_S -> {
                code.baload();
                push('I');
            }
            case I32_LOAD8_U -> {
                code.baload();
                code.loadConstant(0xFF);
                code.iand();
                push('I');
            }
            case I32_LOAD16_S -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_SHORT);
                push('I');
            }
            case I32_LOAD16_U -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_SHORT);
                code.loadConstant(0xFFFF);
                code.iand();
                push('I');
            }
            case I64_LOAD8_S -> {
                code.baload();
                code.i2l();
                push('J');
            }
            case I64_LOAD8_U -> {
                code.baload();
                code.loadConstant(0xFF);
                code.iand();
                code.i2l();
                push('J');
            }
            case I64_LOAD16_S -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_SHORT);
                code.i2l();
                push('J');
            }
            case I64_LOAD16_U -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_SHORT);
                code.loadConstant(0xFFFF);
                code.iand();
                code.i2l();
                push('J');
            }
            case I64_LOAD32_S -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_INT);
                code.i2l();
                push('J');
            }
            case I64_LOAD32_U -> {
                code.invokevirtual(VAR_HANDLE, "get", VH_GET_INT);
                code.i2l();
                code.loadConstant(0xFFFFFFFFL);
                code.land();
                push('J');
            }
            default -> throw new IllegalStateException();
        }
        emitted++;
    }

    /** Bytes a plain load or store accesses. */
    private static int width(OpCode op) {
        return switch (op) {
            case I32_LOAD8_S, I32_LOAD8_U, I64_LOAD8_S, I64_LOAD8_U, I32_STORE8, I64_STORE8 -> 1;
            case I32_LOAD16_S, I32_LOAD16_U, I64_LOAD16_S, I64_LOAD16_U, I32_STORE16, I64_STORE16 -> 2;
            case I64_LOAD, F64_LOAD, I64_STORE, F64_STORE -> 8;
            default -> 4;
        };
    }

    private boolean shared(int memory) {
        return memory < mod.memoryShared.length && mod.memoryShared[memory];
    }

    /**
     * A shared memory's array is its capacity, larger than the memory: the index on the JVM
     * stack (negative when out of any memory's reach, see {@link #index}) is checked against
     * its size, and stays on the stack. Unshared memories need nothing: the array is the memory.
     */
    private void checkShared(int memory, long offset, int width) {
        if (!shared(memory) || offset >= Integer.MAX_VALUE) return;
        loadMemoryObject(memory);
        code.loadConstant(width);
        code.invokestatic(INSTRUCTIONS, "sharedIndex", MethodTypeDesc.of(CD_int, CD_int, MEMORY, CD_int));
    }

    // ==== atomics (the threads proposal) =================================================

    /**
     * An atomic instruction: a call of {@link dev.arca.compiler.runtime.Atomics} with the
     * operands, then the memory and the constant offset (it checks alignment and bounds).
     */
    private void atomic(Instruction in) {
        OpCode op = in.opcode();
        if (op == OpCode.ATOMIC_FENCE) {
            flush();
            code.invokestatic(ATOMICS, "fence", MethodTypeDesc.of(CD_void));
            emitted++;
            return;
        }
        String name = op.name();
        long offset = in.operand(1);
        int memory = (int) in.operand(2);
        boolean i64 = name.startsWith("I64");
        int bits = name.contains("8") ? 8 : name.contains("16") ? 16 : name.contains("32") && i64 ? 32 : i64 ? 64 : 32;
        if (op == OpCode.MEM_ATOMIC_WAIT64) bits = 64;
        // the width the helper works in: a narrow i64 operation calls the i32 helper
        char helperType = bits == 64 ? 'J' : 'I';
        flush();
        String helper;
        MethodTypeDesc desc;
        int operands;
        char result;
        int rmwOp = -1;
        if (op == OpCode.MEM_ATOMIC_NOTIFY) {
            helper = "notify";
            desc = MethodTypeDesc.of(CD_int, CD_int, CD_int, MEMORY, CD_long);
            operands = 2;
            result = 'I';
        } else if (op == OpCode.MEM_ATOMIC_WAIT32 || op == OpCode.MEM_ATOMIC_WAIT64) {
            helper = bits == 64 ? "wait64" : "wait32";
            desc = MethodTypeDesc.of(CD_int, CD_int, bits == 64 ? CD_long : CD_int, CD_long, MEMORY, CD_long);
            operands = 3;
            result = 'I';
        } else if (name.contains("_LOAD")) {
            helper = "load" + bits;
            desc = MethodTypeDesc.of(helperType == 'J' ? CD_long : CD_int, CD_int, MEMORY, CD_long);
            operands = 1;
            result = i64 ? 'J' : 'I';
        } else if (name.contains("_STORE")) {
            helper = "store" + bits;
            if (i64 && bits < 64) code.l2i();
            desc = MethodTypeDesc.of(CD_void, CD_int, helperType == 'J' ? CD_long : CD_int, MEMORY, CD_long);
            operands = 2;
            result = 0;
        } else if (name.endsWith("CMPXCHG") || name.endsWith("CMPXCHG_U")) {
            helper = "cmpxchg" + bits;
            if (i64 && bits < 64) {
                // expected and replacement to int: the replacement via a temporary
                int t = temp('J');
                code.lstore(t);
                code.l2i();
                code.lload(t);
                code.l2i();
                release('J', t);
            }
            ClassDesc v = helperType == 'J' ? CD_long : CD_int;
            desc = MethodTypeDesc.of(v, CD_int, v, v, MEMORY, CD_long);
            operands = 3;
            result = i64 ? 'J' : 'I';
        } else {
            helper = "rmw" + bits;
            if (i64 && bits < 64) code.l2i();
            ClassDesc v = helperType == 'J' ? CD_long : CD_int;
            desc = MethodTypeDesc.of(v, CD_int, v, MEMORY, CD_long, CD_int);
            operands = 2;
            result = i64 ? 'J' : 'I';
            rmwOp = name.contains("_ADD") ? 0 : name.contains("_SUB") ? 1 : name.contains("_AND") ? 2
                    : name.contains("_OR") ? 3 : name.contains("_XOR") ? 4 : name.contains("_XCHG") ? 5 : -1;
            if (rmwOp < 0) unsupported(in);
        }
        loadMemoryObject(memory);
        code.loadConstant(offset);
        if (rmwOp >= 0) code.loadConstant(rmwOp);
        code.invokestatic(ATOMICS, helper, desc);
        if (result == 'J' && bits < 64) {
            // a narrow i64 operation: the helper's int result, zero-extended
            code.i2l();
            if (bits == 32) {
                code.loadConstant(0xFFFFFFFFL);
                code.land();
            }
        }
        emitted++;
        for (int k = 0; k < operands; k++) pop();
        if (result != 0) push(result);
    }

    private void accessHandle(OpCode op) {
        String field = switch (op) {
            case I32_LOAD16_S, I32_LOAD16_U, I64_LOAD16_S, I64_LOAD16_U, I32_STORE16, I64_STORE16 -> "SHORT";
            case I64_LOAD, F64_LOAD, I64_STORE, F64_STORE -> "LONG";
            default -> "INT";
        };
        code.getstatic(MEMORY_ACCESS, field, VAR_HANDLE);
    }

    private void store(Instruction in) {
        OpCode op = in.opcode();
        long offset = in.operand(1);
        int memory = (int) in.operand(2);
        boolean viaHandle = switch (op) {
            case I32_STORE8, I64_STORE8 -> false;
            default -> true;
        };
        char vt = peek(0);
        int width = width(op);
        if (pendFrom == sp - 2) {
            // address and value both pending
            if (viaHandle) accessHandle(op);
            loadMemoryBytes(memory);
            materialize(sp - 2);
            index(offset);
            checkShared(memory, offset, width);
            materialize(sp - 1);
            pendFrom = sp;
        } else if (pendFrom == sp - 1) {
            // the address is on the JVM stack, the value pending
            index(offset);
            checkShared(memory, offset, width);
            int t = temp('I');
            code.istore(t);
            if (viaHandle) accessHandle(op);
            loadMemoryBytes(memory);
            code.iload(t);
            release('I', t);
            materialize(sp - 1);
            pendFrom = sp;
        } else {
            flush();
            int v = temp(vt);
            code.storeLocal(ValueTypes.kind(vt), v);
            index(offset);
            checkShared(memory, offset, width);
            int t = temp('I');
            code.istore(t);
            if (viaHandle) accessHandle(op);
            loadMemoryBytes(memory);
            code.iload(t);
            code.loadLocal(ValueTypes.kind(vt), v);
            release('I', t);
            release(vt, v);
        }
        pop();
        pop();
        if (offset >= Integer.MAX_VALUE) {
            emitted++;
            reachable = false;
            return;
        }
        switch (op) {
            case I32_STORE -> code.invokevirtual(VAR_HANDLE, "set", VH_SET_INT);
            case I64_STORE -> code.invokevirtual(VAR_HANDLE, "set", VH_SET_LONG);
            case F32_STORE -> {
                code.invokestatic(FLOAT, "floatToRawIntBits", I_F);
                code.invokevirtual(VAR_HANDLE, "set", VH_SET_INT);
            }
            case F64_STORE -> {
                code.invokestatic(DOUBLE, "doubleToRawLongBits", J_D);
                code.invokevirtual(VAR_HANDLE, "set", VH_SET_LONG);
            }
            case I32_STORE8 -> code.bastore();
            case I32_STORE16 -> {
                code.i2s();
                code.invokevirtual(VAR_HANDLE, "set", VH_SET_SHORT);
            }
            case I64_STORE8 -> {
                code.l2i();
                code.bastore();
            }
            case I64_STORE16 -> {
                code.l2i();
                code.i2s();
                code.invokevirtual(VAR_HANDLE, "set", VH_SET_SHORT);
            }
            case I64_STORE32 -> {
                code.l2i();
                code.invokevirtual(VAR_HANDLE, "set", VH_SET_INT);
            }
            default -> throw new IllegalStateException();
        }
        emitted++;
    }

    // ==== numbers ========================================================================

    private void select() {
        flush();
        pop(); // the condition
        char t = pop();
        pop();
        Label pickSecond = code.newLabel(), done = code.newLabel();
        code.ifeq(pickSecond);
        popValue(t);
        code.goto_(done);
        code.labelBinding(pickSecond);
        if (ValueTypes.wide(t)) {
            code.dup2_x2();
            code.pop2();
            code.pop2();
        } else {
            code.swap();
            code.pop();
        }
        code.labelBinding(done);
        emitted++;
        push(t);
    }

    /** A comparison: how to test it with one conditional jump after {@link #compareOperands}. */
    private record Compare(Opcode jumpIfTrue, Opcode jumpIfFalse) {}

    /** Emits what a comparison needs before its jump; returns the jumps, or null when {@code op} is no comparison. */
    private Compare compare(OpCode op) {
        switch (op) {
            case I32_EQZ: return new Compare(Opcode.IFEQ, Opcode.IFNE);
            case I32_EQ: return new Compare(Opcode.IF_ICMPEQ, Opcode.IF_ICMPNE);
            case I32_NE: return new Compare(Opcode.IF_ICMPNE, Opcode.IF_ICMPEQ);
            case I32_LT_S: return new Compare(Opcode.IF_ICMPLT, Opcode.IF_ICMPGE);
            case I32_GT_S: return new Compare(Opcode.IF_ICMPGT, Opcode.IF_ICMPLE);
            case I32_LE_S: return new Compare(Opcode.IF_ICMPLE, Opcode.IF_ICMPGT);
            case I32_GE_S: return new Compare(Opcode.IF_ICMPGE, Opcode.IF_ICMPLT);
            case I32_LT_U: unsigned32(); return new Compare(Opcode.IFLT, Opcode.IFGE);
            case I32_GT_U: unsigned32(); return new Compare(Opcode.IFGT, Opcode.IFLE);
            case I32_LE_U: unsigned32(); return new Compare(Opcode.IFLE, Opcode.IFGT);
            case I32_GE_U: unsigned32(); return new Compare(Opcode.IFGE, Opcode.IFLT);
            case I64_EQZ:
                code.lconst_0();
                code.lcmp();
                return new Compare(Opcode.IFEQ, Opcode.IFNE);
            case I64_EQ: code.lcmp(); return new Compare(Opcode.IFEQ, Opcode.IFNE);
            case I64_NE: code.lcmp(); return new Compare(Opcode.IFNE, Opcode.IFEQ);
            case I64_LT_S: code.lcmp(); return new Compare(Opcode.IFLT, Opcode.IFGE);
            case I64_GT_S: code.lcmp(); return new Compare(Opcode.IFGT, Opcode.IFLE);
            case I64_LE_S: code.lcmp(); return new Compare(Opcode.IFLE, Opcode.IFGT);
            case I64_GE_S: code.lcmp(); return new Compare(Opcode.IFGE, Opcode.IFLT);
            case I64_LT_U: unsigned64(); return new Compare(Opcode.IFLT, Opcode.IFGE);
            case I64_GT_U: unsigned64(); return new Compare(Opcode.IFGT, Opcode.IFLE);
            case I64_LE_U: unsigned64(); return new Compare(Opcode.IFLE, Opcode.IFGT);
            case I64_GE_U: unsigned64(); return new Compare(Opcode.IFGE, Opcode.IFLT);
            // NaN: fcmpl gives -1 and fcmpg 1, each chosen so that NaN makes the comparison false
            case F32_EQ: code.fcmpl(); return new Compare(Opcode.IFEQ, Opcode.IFNE);
            case F32_NE: code.fcmpl(); return new Compare(Opcode.IFNE, Opcode.IFEQ);
            case F32_LT: code.fcmpg(); return new Compare(Opcode.IFLT, Opcode.IFGE);
            case F32_GT: code.fcmpl(); return new Compare(Opcode.IFGT, Opcode.IFLE);
            case F32_LE: code.fcmpg(); return new Compare(Opcode.IFLE, Opcode.IFGT);
            case F32_GE: code.fcmpl(); return new Compare(Opcode.IFGE, Opcode.IFLT);
            case F64_EQ: code.dcmpl(); return new Compare(Opcode.IFEQ, Opcode.IFNE);
            case F64_NE: code.dcmpl(); return new Compare(Opcode.IFNE, Opcode.IFEQ);
            case F64_LT: code.dcmpg(); return new Compare(Opcode.IFLT, Opcode.IFGE);
            case F64_GT: code.dcmpl(); return new Compare(Opcode.IFGT, Opcode.IFLE);
            case F64_LE: code.dcmpg(); return new Compare(Opcode.IFLE, Opcode.IFGT);
            case F64_GE: code.dcmpl(); return new Compare(Opcode.IFGE, Opcode.IFLT);
            default: return null;
        }
    }

    private static boolean isCompare(OpCode op) {
        int c = op.opcode();
        return c >= 0x45 && c <= 0x66;
    }

    private static int operandsOf(OpCode op) {
        return op == OpCode.I32_EQZ || op == OpCode.I64_EQZ ? 1 : 2;
    }

    /**
     * A loop's back-edge {@code local.get x; i32.const s; i32.add; local.tee x; i32.const c;
     * i32.ne; br_if loop}, where x is set to a constant i just before the loop and written
     * nowhere else in it, and i + k*s reaches c exactly: then x != c holds exactly when x < c
     * (or x > c for a negative step). HotSpot makes a counted loop (range-check elimination,
     * unrolling) of {@code <} with any step, but of {@code !=} only with a step of 1; LLVM
     * emits {@code !=}. Returns the jump to use.
     */
    private Opcode countedLoopTest(Frame loop, Opcode jump) {
        if (pc < 5) return jump;
        Instruction limit = ins.get(pc - 1), tee = ins.get(pc - 2), add = ins.get(pc - 3), step = ins.get(pc - 4), get = ins.get(pc - 5);
        if (limit.opcode() != OpCode.I32_CONST || tee.opcode() != OpCode.LOCAL_TEE || add.opcode() != OpCode.I32_ADD
                || step.opcode() != OpCode.I32_CONST || get.opcode() != OpCode.LOCAL_GET || get.operand(0) != tee.operand(0)) {
            return jump;
        }
        int x = (int) tee.operand(0);
        int loopAt = loop.id - 1;
        if (loopAt < 2 || ins.get(loopAt - 1).opcode() != OpCode.LOCAL_SET || ins.get(loopAt - 1).operand(0) != x
                || ins.get(loopAt - 2).opcode() != OpCode.I32_CONST) {
            return jump;
        }
        long i = (int) ins.get(loopAt - 2).operand(0), s = (int) step.operand(0), c = (int) limit.operand(0);
        boolean up = s > 0 && i < c && (c - i) % s == 0;
        boolean down = s < 0 && i > c && (i - c) % -s == 0;
        if (!up && !down) return jump;
        // x written anywhere else in the loop breaks the argument
        int depth = 0;
        for (int k = loopAt + 1; k < ins.size(); k++) {
            Instruction in = ins.get(k);
            switch (in.opcode()) {
                case BLOCK, LOOP, IF, TRY_TABLE -> depth++;
                case END -> depth--;
                case LOCAL_SET, LOCAL_TEE -> {
                    if (in.operand(0) == x && k != pc - 2) return jump;
                }
                default -> {}
            }
            if (depth < 0) break;
        }
        return up ? Opcode.IF_ICMPLT : Opcode.IF_ICMPGT;
    }

    private void unsigned32() {
        code.invokestatic(ClassDesc.of("java.lang.Integer"), "compareUnsigned", I_II);
    }

    private void unsigned64() {
        code.invokestatic(ClassDesc.of("java.lang.Long"), "compareUnsigned", I_JJ);
    }

    /** Arithmetic, comparisons and conversions; false when {@code in} is none of them. */
    private boolean numeric(Instruction in) {
        OpCode op = in.opcode();
        if (isCompare(op)) {
            flush();
            for (int i = 0; i < operandsOf(op); i++) pop();
            Compare c = compare(op);
            Instruction next = pc + 1 < to ? ins.get(pc + 1) : null;
            if (next != null && next.opcode() == OpCode.BR_IF && (regions == null || regions.startingAt(pc + 1, region) == null)) {
                Frame target = frame((int) next.operand(0));
                Opcode jump = c.jumpIfTrue();
                if (op == OpCode.I32_NE && target.kind == KIND_LOOP && !target.outer) jump = countedLoopTest(target, jump);
                pc++;
                conditionalBranch(target, jump);
                return true;
            }
            if (next != null && next.opcode() == OpCode.IF && (regions == null || regions.startingAt(pc + 1, region) == null)) {
                pc++;
                String[] bt = blockType(next);
                Label end = code.newLabel();
                Frame f = new Frame(KIND_IF, bt[0], bt[1], sp - bt[0].length(), end, end, pc + 1, false);
                f.elseLabel = code.newLabel();
                code.branch(c.jumpIfFalse(), f.elseLabel);
                emitted++;
                frames.add(f);
                return true;
            }
            Label yes = code.newLabel(), done = code.newLabel();
            code.branch(c.jumpIfTrue(), yes);
            code.iconst_0();
            code.goto_(done);
            code.labelBinding(yes);
            code.iconst_1();
            code.labelBinding(done);
            emitted++;
            push('I');
            return true;
        }
        flush();
        switch (op) {
            // ---- i32
            case I32_CLZ -> un('I', () -> code.invokestatic(ClassDesc.of("java.lang.Integer"), "numberOfLeadingZeros", I_I));
            case I32_CTZ -> un('I', () -> code.invokestatic(ClassDesc.of("java.lang.Integer"), "numberOfTrailingZeros", I_I));
            case I32_POPCNT -> un('I', () -> code.invokestatic(ClassDesc.of("java.lang.Integer"), "bitCount", I_I));
            case I32_ADD -> bin('I', code::iadd);
            case I32_SUB -> bin('I', code::isub);
            case I32_MUL -> bin('I', code::imul);
            case I32_DIV_S -> bin('I', () -> code.invokestatic(INSTRUCTIONS, "divS", I_II));
            case I32_DIV_U -> bin('I', () -> code.invokestatic(INSTRUCTIONS, "divU", I_II));
            case I32_REM_S -> bin('I', () -> code.invokestatic(INSTRUCTIONS, "remS", I_II));
            case I32_REM_U -> bin('I', () -> code.invokestatic(INSTRUCTIONS, "remU", I_II));
            case I32_AND -> bin('I', code::iand);
            case I32_OR -> bin('I', code::ior);
            case I32_XOR -> bin('I', code::ixor);
            case I32_SHL -> bin('I', code::ishl);
            case I32_SHR_S -> bin('I', code::ishr);
            case I32_SHR_U -> bin('I', code::iushr);
            case I32_ROTL -> bin('I', () -> code.invokestatic(ClassDesc.of("java.lang.Integer"), "rotateLeft", I_II));
            case I32_ROTR -> bin('I', () -> code.invokestatic(ClassDesc.of("java.lang.Integer"), "rotateRight", I_II));
            // ---- i64
            case I64_CLZ -> un('J', () -> {
                code.invokestatic(ClassDesc.of("java.lang.Long"), "numberOfLeadingZeros", I_J);
                code.i2l();
            });
            case I64_CTZ -> un('J', () -> {
                code.invokestatic(ClassDesc.of("java.lang.Long"), "numberOfTrailingZeros", I_J);
                code.i2l();
            });
            case I64_POPCNT -> un('J', () -> {
                code.invokestatic(ClassDesc.of("java.lang.Long"), "bitCount", I_J);
                code.i2l();
            });
            case I64_ADD -> bin('J', code::ladd);
            case I64_SUB -> bin('J', code::lsub);
            case I64_MUL -> bin('J', code::lmul);
            case I64_DIV_S -> bin('J', () -> code.invokestatic(INSTRUCTIONS, "divS", J_JJ));
            case I64_DIV_U -> bin('J', () -> code.invokestatic(INSTRUCTIONS, "divU", J_JJ));
            case I64_REM_S -> bin('J', () -> code.invokestatic(INSTRUCTIONS, "remS", J_JJ));
            case I64_REM_U -> bin('J', () -> code.invokestatic(INSTRUCTIONS, "remU", J_JJ));
            case I64_AND -> bin('J', code::land);
            case I64_OR -> bin('J', code::lor);
            case I64_XOR -> bin('J', code::lxor);
            case I64_SHL -> bin('J', () -> {
                code.l2i();
                code.lshl();
            });
            case I64_SHR_S -> bin('J', () -> {
                code.l2i();
                code.lshr();
            });
            case I64_SHR_U -> bin('J', () -> {
                code.l2i();
                code.lushr();
            });
            case I64_ROTL -> bin('J', () -> {
                code.l2i();
                code.invokestatic(ClassDesc.of("java.lang.Long"), "rotateLeft", J_JI);
            });
            case I64_ROTR -> bin('J', () -> {
                code.l2i();
                code.invokestatic(ClassDesc.of("java.lang.Long"), "rotateRight", J_JI);
            });
            // ---- f32
            case F32_ABS -> un('F', () -> code.invokestatic(MATH, "abs", F_F));
            case F32_NEG -> un('F', code::fneg);
            case F32_CEIL -> un('F', () -> code.invokestatic(INSTRUCTIONS, "ceil", F_F));
            case F32_FLOOR -> un('F', () -> code.invokestatic(INSTRUCTIONS, "floor", F_F));
            case F32_TRUNC -> un('F', () -> code.invokestatic(INSTRUCTIONS, "trunc", F_F));
            case F32_NEAREST -> un('F', () -> code.invokestatic(INSTRUCTIONS, "nearest", F_F));
            case F32_SQRT -> un('F', () -> code.invokestatic(INSTRUCTIONS, "sqrt", F_F));
            case F32_ADD -> bin('F', code::fadd);
            case F32_SUB -> bin('F', code::fsub);
            case F32_MUL -> bin('F', code::fmul);
            case F32_DIV -> bin('F', code::fdiv);
            case F32_MIN -> bin('F', () -> code.invokestatic(INSTRUCTIONS, "min", F_FF));
            case F32_MAX -> bin('F', () -> code.invokestatic(INSTRUCTIONS, "max", F_FF));
            case F32_COPYSIGN -> bin('F', () -> code.invokestatic(MATH, "copySign", F_FF));
            // ---- f64
            case F64_ABS -> un('D', () -> code.invokestatic(MATH, "abs", D_D));
            case F64_NEG -> un('D', code::dneg);
            case F64_CEIL -> un('D', () -> code.invokestatic(INSTRUCTIONS, "ceil", D_D));
            case F64_FLOOR -> un('D', () -> code.invokestatic(INSTRUCTIONS, "floor", D_D));
            case F64_TRUNC -> un('D', () -> code.invokestatic(INSTRUCTIONS, "trunc", D_D));
            case F64_NEAREST -> un('D', () -> code.invokestatic(MATH, "rint", D_D));
            case F64_SQRT -> un('D', () -> code.invokestatic(MATH, "sqrt", D_D));
            case F64_ADD -> bin('D', code::dadd);
            case F64_SUB -> bin('D', code::dsub);
            case F64_MUL -> bin('D', code::dmul);
            case F64_DIV -> bin('D', code::ddiv);
            case F64_MIN -> bin('D', () -> code.invokestatic(INSTRUCTIONS, "min", D_DD));
            case F64_MAX -> bin('D', () -> code.invokestatic(INSTRUCTIONS, "max", D_DD));
            case F64_COPYSIGN -> bin('D', () -> code.invokestatic(MATH, "copySign", D_DD));
            // ---- conversions
            case I32_WRAP_I64 -> cvt('I', code::l2i);
            case I32_TRUNC_F32_S -> cvt('I', () -> code.invokestatic(INSTRUCTIONS, "i32TruncF32S", I_F));
            case I32_TRUNC_F32_U -> cvt('I', () -> code.invokestatic(INSTRUCTIONS, "i32TruncF32U", I_F));
            case I32_TRUNC_F64_S -> cvt('I', () -> code.invokestatic(INSTRUCTIONS, "i32TruncF64S", I_D));
            case I32_TRUNC_F64_U -> cvt('I', () -> code.invokestatic(INSTRUCTIONS, "i32TruncF64U", I_D));
            case I64_EXTEND_I32_S -> cvt('J', code::i2l);
            case I64_EXTEND_I32_U -> cvt('J', () -> {
                code.i2l();
                code.loadConstant(0xFFFFFFFFL);
                code.land();
            });
            case I64_TRUNC_F32_S -> cvt('J', () -> code.invokestatic(INSTRUCTIONS, "i64TruncF32S", J_F));
            case I64_TRUNC_F32_U -> cvt('J', () -> code.invokestatic(INSTRUCTIONS, "i64TruncF32U", J_F));
            case I64_TRUNC_F64_S -> cvt('J', () -> code.invokestatic(INSTRUCTIONS, "i64TruncF64S", J_D));
            case I64_TRUNC_F64_U -> cvt('J', () -> code.invokestatic(INSTRUCTIONS, "i64TruncF64U", J_D));
            case F32_CONVERT_I32_S -> cvt('F', code::i2f);
            case F32_CONVERT_I32_U -> cvt('F', () -> {
                code.i2l();
                code.loadConstant(0xFFFFFFFFL);
                code.land();
                code.l2f();
            });
            case F32_CONVERT_I64_S -> cvt('F', code::l2f);
            case F32_CONVERT_I64_U -> cvt('F', () -> code.invokestatic(INSTRUCTIONS, "f32ConvertI64U", F_J));
            case F32_DEMOTE_F64 -> cvt('F', code::d2f);
            case F64_CONVERT_I32_S -> cvt('D', code::i2d);
            case F64_CONVERT_I32_U -> cvt('D', () -> {
                code.i2l();
                code.loadConstant(0xFFFFFFFFL);
                code.land();
                code.l2d();
            });
            case F64_CONVERT_I64_S -> cvt('D', code::l2d);
            case F64_CONVERT_I64_U -> cvt('D', () -> code.invokestatic(INSTRUCTIONS, "f64ConvertI64U", D_J));
            case F64_PROMOTE_F32 -> cvt('D', code::f2d);
            case I32_REINTERPRET_F32 -> cvt('I', () -> code.invokestatic(FLOAT, "floatToRawIntBits", I_F));
            case I64_REINTERPRET_F64 -> cvt('J', () -> code.invokestatic(DOUBLE, "doubleToRawLongBits", J_D));
            case F32_REINTERPRET_I32 -> cvt('F', () -> code.invokestatic(FLOAT, "intBitsToFloat", F_I));
            case F64_REINTERPRET_I64 -> cvt('D', () -> code.invokestatic(DOUBLE, "longBitsToDouble", D_J));
            case I32_EXTEND_8_S -> cvt('I', code::i2b);
            case I32_EXTEND_16_S -> cvt('I', code::i2s);
            case I64_EXTEND_8_S -> cvt('J', () -> {
                code.l2i();
                code.i2b();
                code.i2l();
            });
            case I64_EXTEND_16_S -> cvt('J', () -> {
                code.l2i();
                code.i2s();
                code.i2l();
            });
            case I64_EXTEND_32_S -> cvt('J', () -> {
                code.l2i();
                code.i2l();
            });
            case I32_TRUNC_SAT_F32_S -> cvt('I', code::f2i);
            case I32_TRUNC_SAT_F32_U -> cvt('I', () -> code.invokestatic(INSTRUCTIONS, "i32TruncSatF32U", I_F));
            case I32_TRUNC_SAT_F64_S -> cvt('I', code::d2i);
            case I32_TRUNC_SAT_F64_U -> cvt('I', () -> code.invokestatic(INSTRUCTIONS, "i32TruncSatF64U", I_D));
            case I64_TRUNC_SAT_F32_S -> cvt('J', code::f2l);
            case I64_TRUNC_SAT_F32_U -> cvt('J', () -> code.invokestatic(INSTRUCTIONS, "i64TruncSatF32U", J_F));
            case I64_TRUNC_SAT_F64_S -> cvt('J', code::d2l);
            case I64_TRUNC_SAT_F64_U -> cvt('J', () -> code.invokestatic(INSTRUCTIONS, "i64TruncSatF64U", J_D));
            default -> {
                return false;
            }
        }
        emitted++;
        return true;
    }

    private void un(char t, Runnable emit) {
        emit.run();
        pop();
        push(t);
    }

    private void bin(char t, Runnable emit) {
        emit.run();
        pop();
        pop();
        push(t);
    }

    private void cvt(char t, Runnable emit) {
        emit.run();
        pop();
        push(t);
    }

    // ==== regions (split functions) ======================================================

    /** Pushes the frame array for values of type {@code t} and the index of slot {@code frameIndex} in it. */
    private void frameElement(char t, int frameIndex) {
        code.aload(instSlot);
        if (ValueTypes.isObject(t)) code.getfield(MODULE_INSTANCE, "frameRefs", OBJECTS);
        else code.getfield(MODULE_INSTANCE, "frameLongs", LONGS);
        code.iload(baseSlot);
        if (frameIndex != 0) {
            code.loadConstant(frameIndex);
            code.iadd();
        }
    }

    private void loadFromFrame(char t, int frameIndex, int slot) {
        frameElement(t, frameIndex);
        if (ValueTypes.isObject(t)) {
            code.aaload();
            if (t == 'V') code.checkcast(ValueTypes.V128);
            code.astore(slot);
            return;
        }
        code.laload();
        ValueTypes.fromBits(code, t);
        code.storeLocal(ValueTypes.kind(t), slot);
    }

    /** Stores the value on top of the JVM stack into frame[frameIndex] (numbers as raw bits) or refs[frameIndex]. */
    private void storeTopToFrame(char t, int frameIndex) {
        if (ValueTypes.isObject(t)) {
            int tmp = temp('r');
            code.astore(tmp);
            frameElement(t, frameIndex);
            code.aload(tmp);
            code.aastore();
            release('r', tmp);
            return;
        }
        ValueTypes.toBits(code, t);
        // value(2) -> frame, index, value
        int tmp = temp('J');
        code.lstore(tmp);
        frameElement(t, frameIndex);
        code.lload(tmp);
        code.lastore();
        release('J', tmp);
    }

    private void storeLocalToFrame(int local) {
        char t = localType[local];
        frameElement(t, local);
        if (ValueTypes.isObject(t)) {
            code.aload(localSlot[local]);
            code.aastore();
            return;
        }
        code.loadLocal(ValueTypes.kind(t), localSlot[local]);
        ValueTypes.toBits(code, t);
        code.lastore();
    }

    private Label commonExit; // in a region: stores the written locals and returns the exit code on the stack
    private int exitCodeSlot = -1;

    private Label commonExit() {
        if (commonExit == null) {
            commonExit = code.newLabel();
            exitCodeSlot = nextSlot++;
        }
        return commonExit;
    }

    /** At the end of a region's method: the one exit every exit code leaves through. */
    private void emitCommonExit() {
        if (commonExit == null) return;
        code.labelBinding(commonExit);
        code.istore(exitCodeSlot);
        for (int l : region.written()) if (owned.get(l)) storeLocalToFrame(l);
        code.iload(exitCodeSlot);
        code.ireturn();
    }

    /**
     * Leaves this region: the carried values (on top of the stack) go to the frame's value
     * slots, the rest of the stack is dropped, and the exit code goes to the common exit, which
     * writes back the locals this region writes and returns the code to the caller.
     */
    private void exitRegion(int exitCode, String carried) {
        int base = localType.length;
        for (int i = carried.length() - 1; i >= 0; i--) storeTopToFrame(carried.charAt(i), base + i);
        for (int i = sp - carried.length() - 1; i >= 0; i--) popValue(stack[i]);
        code.loadConstant(exitCode);
        code.goto_(commonExit());
        emitted++;
    }

    private Frame localFrame(int id) {
        for (int f = frames.size() - 1; f >= 0; f--) {
            Frame x = frames.get(f);
            if (x.id == id) return x.outer ? null : x;
        }
        return null;
    }

    /** Calls region {@code r} in place of its instructions, then goes where it says. */
    private void callRegion(Regions.Region r) {
        if (reachable) flush();
        if (baseSlot < 0) {
            throw new IllegalStateException("a region call outside a split function");
        }
        for (int l : r.all) if (owned.get(l)) storeLocalToFrame(l);
        Label callStart = code.newLabel(), callEnd = code.newLabel();
        code.labelBinding(callStart);
        code.iload(baseSlot);
        code.iconst_0(); // entered at its start
        code.aload(instSlot);
        code.invokestatic(mod.classOf(index), methodName(index, r), MethodTypeDesc.of(CD_int, CD_int, CD_int, mod.instanceClass));
        code.labelBinding(callEnd);
        emitted++;
        if (r.inTry) {
            // a wasm exception out of the region: take the locals it wrote, then let it go on
            Label after = code.newLabel(), handler = code.newLabel();
            code.goto_(after);
            code.exceptionCatch(callStart, callEnd, handler, WASM_EXCEPTION);
            code.labelBinding(handler);
            for (int l : r.written) if (owned.get(l)) loadFromFrame(localType[l], l, localSlot[l]);
            code.athrow();
            code.labelBinding(after);
        }
        reloadMemory();
        for (int l : r.written()) if (owned.get(l)) loadFromFrame(localType[l], l, localSlot[l]);

        // dispatch on the exit code: 0 falls through; a block of this method is branched to
        // here; anything else goes on up through this region's own exit
        List<Regions.Exit> local = new ArrayList<>();
        boolean propagates = false;
        for (Regions.Exit e : r.exits()) {
            boolean here = e.code() == EXIT_RETURN ? region == null : localFrame(e.code()) != null;
            if (here) local.add(e);
            else propagates = true;
        }
        if (local.isEmpty() && !propagates) {
            code.pop();
            if (!r.fallsThrough()) {
                // the region never returns normally: what follows is unreachable
                code.invokestatic(INSTRUCTIONS, "unreachable", TRAP_FACTORY);
                code.athrow();
                reachable = false;
            }
            return;
        }
        Label fall = code.newLabel();
        Label other = propagates ? code.newLabel() : r.fallsThrough() ? fall : code.newLabel();
        List<SwitchCase> cases = new ArrayList<>();
        Label[] targets = new Label[local.size()];
        for (int i = 0; i < local.size(); i++) {
            targets[i] = code.newLabel();
            cases.add(SwitchCase.of(local.get(i).code(), targets[i]));
        }
        if (r.fallsThrough() && other != fall) cases.add(SwitchCase.of(0, fall));
        cases.sort((a, b) -> Integer.compare(a.caseValue(), b.caseValue()));
        int exitCode = temp('I');
        code.istore(exitCode);
        if (cases.isEmpty()) {
            code.goto_(other);
        } else {
            code.iload(exitCode);
            code.lookupswitch(other, cases);
        }
        int base = localType.length;
        for (int i = 0; i < local.size(); i++) {
            Regions.Exit e = local.get(i);
            code.labelBinding(targets[i]);
            int saved = sp;
            int savedPend = pendFrom;
            // the carried values come back through the frame
            for (int k = 0; k < e.carried().length(); k++) {
                char t = e.carried().charAt(k);
                int s = temp(t);
                loadFromFrame(t, base + k, s);
                code.loadLocal(ValueTypes.kind(t), s);
                release(t, s);
                push(t);
            }
            if (e.code() == EXIT_RETURN) doReturn();
            else branch(localFrame(e.code()));
            sp = saved;
            pendFrom = savedPend;
        }
        if (propagates) {
            // the carried values stay in the frame for whoever the code is for
            code.labelBinding(other);
            for (int i = sp - 1; i >= 0; i--) popValue(stack[i]);
            code.iload(exitCode);
            code.goto_(commonExit());
        } else if (other != fall) {
            code.labelBinding(other);
            code.invokestatic(INSTRUCTIONS, "unreachable", TRAP_FACTORY);
            code.athrow();
        }
        release('I', exitCode);
        if (r.fallsThrough()) {
            code.labelBinding(fall);
        } else {
            reachable = false;
        }
    }

    /**
     * Calls the case groups of a switch through one shared call: each branch to a block the
     * groups close lands on a stub that names the group and its entry; a group that falls
     * through goes on to the next group's first entry; the exits are dispatched once for all.
     */
    /** Locals moved through the frame for a switch's case groups, one group at a time, at most. */
    private static final int FAMILY_TRANSFERS = 600;

    private void callFamily(List<Regions.Region> family) {
        if (reachable) flush();
        if (baseSlot < 0) throw new IllegalStateException("a region call outside a split function");
        int sp0 = sp; // values beneath the switch's blocks stay on the JVM stack
        int n = family.size();
        int group = freshSlot('I'), entry = freshSlot('I');
        Label call = code.newLabel(), after = code.newLabel();
        boolean afterReached = false;
        if (reachable) {
            code.iconst_0();
            code.istore(entry);
            code.iconst_0();
            code.istore(group);
            code.goto_(call);
        }
        boolean fallsThrough;
        List<Regions.Exit> exits = new ArrayList<>();
        for (Regions.Region r : family) {
            for (Regions.Exit e : r.exits()) if (exits.stream().noneMatch(x -> x.code() == e.code())) exits.add(e);
        }
        // the blocks the groups close: a branch to one enters the group where its END was (a
        // branch from the parent, or an exit of one group to a later one)
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        List<Frame> closed = new ArrayList<>();
        for (Regions.Region g : family) {
            for (Regions.OpenFrame o : g.open) {
                if (!seen.add(o.id())) continue;
                Frame f = localFrame(o.id());
                if (f == null) throw new IllegalStateException("a case group's block " + o.id() + " is not open here in f" + index + (region != null ? "$" + region.id : ""));
                closed.add(f);
                if (!f.endReached && exits.stream().noneMatch(x -> x.code() == f.id)) continue;
                int pos = blockEnd(f.id - 1) + 1;
                int gi = -1, k = -1;
                for (int i = 0; i < n && gi < 0; i++) {
                    Regions.Region r = family.get(i);
                    for (int e = 1; e < r.entries.length; e++) {
                        if (r.entries[e] == pos) {
                            gi = i;
                            k = e;
                        }
                    }
                    if (gi < 0 && r.end == pos) {
                        gi = i + 1;
                        k = 0;
                    }
                }
                if (gi < 0) throw new IllegalStateException("no entry of the case groups for block " + f.id);
                code.labelBinding(f.end);
                if (gi == n) {
                    code.goto_(after);
                    afterReached = true;
                } else {
                    code.loadConstant(k);
                    code.istore(entry);
                    code.loadConstant(gi);
                    code.istore(group);
                    code.goto_(call);
                }
            }
        }
        fallsThrough = family.get(n - 1).fallsThrough();
        // the locals go through the frame: for each group those it uses and writes, or when
        // that would make too much code, the union of them around one call for all
        java.util.BitSet all = new java.util.BitSet(), written = new java.util.BitSet();
        int perGroup = 0;
        for (Regions.Region g : family) {
            for (int l : g.all) if (owned.get(l)) { all.set(l); perGroup++; }
            for (int l : g.written) if (owned.get(l)) { written.set(l); perGroup++; }
        }
        boolean shared = perGroup > FAMILY_TRANSFERS;
        code.labelBinding(call);
        if (shared) for (int l = all.nextSetBit(0); l >= 0; l = all.nextSetBit(l + 1)) storeLocalToFrame(l);
        Label[] calls = new Label[n];
        List<SwitchCase> cases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls[i] = code.newLabel();
            cases.add(SwitchCase.of(i, calls[i]));
        }
        Label ret = code.newLabel();
        int exitCode = freshSlot('I');
        code.iload(group);
        code.tableswitch(0, n - 1, calls[0], cases);
        // each group takes the locals it uses through the frame, and gives back those it writes
        for (int i = 0; i < n; i++) {
            Regions.Region g = family.get(i);
            code.labelBinding(calls[i]);
            if (!shared) for (int l : g.all) if (owned.get(l)) storeLocalToFrame(l);
            Label callStart = code.newLabel(), callEnd = code.newLabel();
            code.labelBinding(callStart);
            code.iload(baseSlot);
            code.iload(entry);
            code.aload(instSlot);
            code.invokestatic(mod.classOf(index), methodName(index, g), MethodTypeDesc.of(CD_int, CD_int, CD_int, mod.instanceClass));
            code.labelBinding(callEnd);
            emitted++;
            code.istore(exitCode);
            if (!shared) for (int l : g.written) if (owned.get(l)) loadFromFrame(localType[l], l, localSlot[l]);
            code.goto_(ret);
            if (g.inTry) {
                Label handler = code.newLabel();
                code.exceptionCatch(callStart, callEnd, handler, WASM_EXCEPTION);
                code.labelBinding(handler);
                if (shared) for (int l = written.nextSetBit(0); l >= 0; l = written.nextSetBit(l + 1)) loadFromFrame(localType[l], l, localSlot[l]);
                else for (int l : g.written) if (owned.get(l)) loadFromFrame(localType[l], l, localSlot[l]);
                code.athrow();
            }
        }
        code.labelBinding(ret);
        reloadMemory();
        if (shared) for (int l = written.nextSetBit(0); l >= 0; l = written.nextSetBit(l + 1)) loadFromFrame(localType[l], l, localSlot[l]);
        Label dispatch = code.newLabel();
        code.iload(exitCode);
        code.ifne(dispatch);
        // a group fell through: on to the next one
        code.iinc(group, 1);
        code.iload(group);
        code.loadConstant(n);
        code.if_icmpge(fallsThrough ? after : dispatch);
        code.iconst_0();
        code.istore(entry);
        code.goto_(call);
        afterReached |= fallsThrough;
        code.labelBinding(dispatch);
        List<Regions.Exit> local = new ArrayList<>();
        boolean propagates = false;
        for (Regions.Exit e : exits) {
            boolean here = e.code() == EXIT_RETURN ? region == null : localFrame(e.code()) != null;
            if (here) local.add(e);
            else propagates = true;
        }
        Label other = code.newLabel();
        List<SwitchCase> arms = new ArrayList<>();
        Label[] targets = new Label[local.size()];
        for (int i = 0; i < local.size(); i++) {
            targets[i] = code.newLabel();
            arms.add(SwitchCase.of(local.get(i).code(), targets[i]));
        }
        arms.sort((a, b) -> Integer.compare(a.caseValue(), b.caseValue()));
        code.iload(exitCode);
        if (arms.isEmpty()) {
            code.pop();
            code.goto_(other);
        } else {
            code.lookupswitch(other, arms);
        }
        int base = localType.length;
        for (int i = 0; i < local.size(); i++) {
            Regions.Exit e = local.get(i);
            code.labelBinding(targets[i]);
            for (int k = 0; k < e.carried().length(); k++) {
                char t = e.carried().charAt(k);
                int s = temp(t);
                loadFromFrame(t, base + k, s);
                code.loadLocal(ValueTypes.kind(t), s);
                release(t, s);
                push(t);
            }
            if (e.code() == EXIT_RETURN) doReturn();
            else branch(localFrame(e.code()));
            sp = sp0;
            pendFrom = sp0;
        }
        code.labelBinding(other);
        if (propagates) {
            for (int i = sp - 1; i >= 0; i--) popValue(stack[i]);
            code.iload(exitCode);
            code.goto_(commonExit());
        } else {
            code.invokestatic(INSTRUCTIONS, "unreachable", TRAP_FACTORY);
            code.athrow();
        }
        for (int k = 0; k < closed.size(); k++) frames.remove(frames.size() - 1);
        if (afterReached) code.labelBinding(after);
        reachable = afterReached;
    }

    private int[] blockEnds;

    /** The index of the END of the block that starts at instruction {@code start}. */
    private int blockEnd(int start) {
        if (blockEnds == null) {
            blockEnds = new int[ins.size()];
            int[] stack = new int[64];
            int n = 0;
            for (int i = 0; i < ins.size(); i++) {
                switch (ins.get(i).opcode()) {
                    case BLOCK, LOOP, IF, TRY_TABLE -> {
                        if (n == stack.length) stack = Arrays.copyOf(stack, n * 2);
                        stack[n++] = i;
                    }
                    case END -> {
                        if (n > 0) blockEnds[stack[--n]] = i;
                    }
                    default -> {}
                }
            }
        }
        return blockEnds[start];
    }

    int maxLocalsHint() {
        return nextSlot;
    }

}
