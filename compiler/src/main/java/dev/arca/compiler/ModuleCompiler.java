package dev.arca.compiler;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.DeclarativeElement;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.NameCustomSection;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.TagImport;
import com.dylibso.chicory.wasm.types.TagType;
import com.dylibso.chicory.wasm.types.TypeSection;
import com.dylibso.chicory.wasm.types.ValType;
import dev.arca.compiler.runtime.ModuleShape;
import dev.arca.compiler.runtime.ModuleShape.ConstExpr;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Arca's WebAssembly compiler: a pure function from a parsed and validated module (Chicory's
 * {@link WasmModule}) to JVM class files and the module's {@link ModuleShape}.
 *
 * <p>Output: one instance class ({@code dev.arca.generated.Module}, the module's globals as
 * fields) and code classes ({@code Code0}, {@code Code1}, ...) whose static methods are the
 * functions. Functions larger than {@link CompilerOptions#methodSizeLimit()} are split into
 * several methods ({@link Regions}), so that HotSpot JIT-compiles every one of them.
 */
public final class ModuleCompiler {
    private ModuleCompiler() {}

    /**
     * The compiler's version: part of the compiled-module cache's key. Made of a hash of the
     * compiler's own class files (written by the build), so that code another build of the
     * compiler made is never loaded.
     */
    public static final String VERSION = "arca-compiler-" + buildHash();

    private static String buildHash() {
        // from the compiler jar's manifest (no resource lookup: the class loader searches the
        // JDK's module image first, which cost every run about 4 ms); from the build's class
        // directory, the resource
        String v = ModuleCompiler.class.getPackage().getImplementationVersion();
        if (v != null && v.length() >= 16 && isHex(v)) return v.substring(0, 16);
        try (var in = ModuleCompiler.class.getResourceAsStream("build.hash")) {
            String h = in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            if (h.matches("[0-9a-f]{16,}")) return h.substring(0, 16);
        } catch (java.io.IOException e) {
            // fall through
        }
        // no hash (a build without the Maven step): a key that matches nothing cached
        return "unbuilt-" + Long.toHexString(System.nanoTime());
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /** HotSpot compiles no method larger than this (HugeMethodLimit in product builds). */
    static final int HUGE_METHOD_LIMIT = 8000;

    /** Classes by binary name (dev.arca.generated.Code0), and the shape. */
    public record Output(ModuleShape shape, Map<String, byte[]> classes) {}

    public static Output compile(WasmModule module) {
        return compile(module, CompilerOptions.DEFAULT);
    }

    /**
     * Translates {@code module}. Errors: {@link CompileException} with a one-line reason for a
     * module Arca's compiler cannot translate (an unsupported instruction, a function over the
     * limits). Checks the thread's interrupt flag between functions (IllegalStateException when
     * interrupted).
     */
    public static Output compile(WasmModule module, CompilerOptions options) {
        TypeSection types = module.typeSection();
        int typeCount = types.subTypeCount();
        String[] typeSigs = new String[typeCount];
        for (int i = 0; i < typeCount; i++) {
            FunctionType f = types.getType(i);
            typeSigs[i] = f == null ? null : safeSignature(f, types);
        }

        List<ModuleShape.Import> imports = new ArrayList<>();
        List<String> funcSigs = new ArrayList<>();
        List<Character> globalTypes = new ArrayList<>();
        List<Boolean> globalMutable = new ArrayList<>();
        List<ModuleShape.MemoryType> memories = new ArrayList<>();
        List<ModuleShape.TableType> tables = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        int importedGlobals = 0;
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            switch (imp) {
                case FunctionImport f -> {
                    String sig = typeSigs[f.typeIndex()];
                    funcSigs.add(sig);
                    imports.add(new ModuleShape.Import(imp.module(), imp.name(), ModuleShape.Kind.FUNCTION, sig, 0, 0, false));
                }
                case MemoryImport m -> {
                    MemoryLimits l = m.limits();
                    memories.add(new ModuleShape.MemoryType(l.initialPages(), l.maximumPages(), l.shared()));
                    imports.add(new ModuleShape.Import(imp.module(), imp.name(), ModuleShape.Kind.MEMORY, "",
                            l.initialPages(), l.maximumPages(), l.shared()));
                }
                case TableImport t -> {
                    char et = ValueTypes.letter(t.entryType(), types);
                    tables.add(new ModuleShape.TableType(et, t.limits().min(), t.limits().max(), null));
                    imports.add(new ModuleShape.Import(imp.module(), imp.name(), ModuleShape.Kind.TABLE, String.valueOf(et),
                            t.limits().min(), t.limits().max(), false));
                }
                case GlobalImport g -> {
                    char gt = ValueTypes.letter(g.type(), types);
                    globalTypes.add(gt);
                    globalMutable.add(g.mutabilityType() == MutabilityType.Var);
                    importedGlobals++;
                    imports.add(new ModuleShape.Import(imp.module(), imp.name(), ModuleShape.Kind.GLOBAL, String.valueOf(gt), 0, 0,
                            g.mutabilityType() == MutabilityType.Var));
                }
                case TagImport t -> {
                    String sig = typeSigs[t.tagType().typeIdx()];
                    tags.add(sig);
                    imports.add(new ModuleShape.Import(imp.module(), imp.name(), ModuleShape.Kind.TAG, sig, 0, 0, false));
                }
                default -> throw new CompileException("unsupported import kind: " + imp.importType());
            }
        }
        int importedFunctions = funcSigs.size();
        int defined = module.functionSection().functionCount();
        for (int i = 0; i < defined; i++) funcSigs.add(typeSigs[module.functionSection().getFunctionType(i)]);
        if (module.memorySection().isPresent()) {
            var ms = module.memorySection().get();
            for (int i = 0; i < ms.memoryCount(); i++) {
                MemoryLimits l = ms.getMemory(i).limits();
                memories.add(new ModuleShape.MemoryType(l.initialPages(), l.maximumPages(), l.shared()));
            }
        }
        for (int i = 0; i < module.tableSection().tableCount(); i++) {
            Table t = module.tableSection().getTable(i);
            ConstExpr init = t.initialize() == null || t.initialize().isEmpty() ? null : constExpr(t.initialize(), types);
            tables.add(new ModuleShape.TableType(ValueTypes.letter(t.elementType(), types), t.limits().min(), t.limits().max(), init));
        }
        List<ConstExpr> globalInits = new ArrayList<>();
        for (int i = 0; i < importedGlobals; i++) globalInits.add(null);
        for (Global g : module.globalSection().globals()) {
            globalTypes.add(ValueTypes.letter(g.valueType(), types));
            globalMutable.add(g.mutabilityType() == MutabilityType.Var);
            globalInits.add(constExpr(g.initInstructions(), types));
        }
        if (module.tagSection().isPresent()) {
            for (TagType t : module.tagSection().get().types()) tags.add(typeSigs[t.typeIdx()]);
        }
        List<ModuleShape.Export> exports = new ArrayList<>();
        boolean[] exportedGlobal = new boolean[globalTypes.size()];
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            ModuleShape.Kind kind = switch (e.exportType()) {
                case FUNCTION -> ModuleShape.Kind.FUNCTION;
                case TABLE -> ModuleShape.Kind.TABLE;
                case MEMORY -> ModuleShape.Kind.MEMORY;
                case GLOBAL -> ModuleShape.Kind.GLOBAL;
                case TAG -> ModuleShape.Kind.TAG;
            };
            int limit = switch (kind) {
                case FUNCTION -> funcSigs.size();
                case TABLE -> tables.size();
                case MEMORY -> memories.size();
                case GLOBAL -> globalTypes.size();
                case TAG -> tags.size();
            };
            if (e.index() < 0 || e.index() >= limit) throw CompileException.invalid("export " + e.name() + " of unknown " + kind.name().toLowerCase() + " " + e.index());
            if (kind == ModuleShape.Kind.GLOBAL) exportedGlobal[e.index()] = true;
            exports.add(new ModuleShape.Export(e.name(), kind, e.index()));
        }
        // a global another instance can see (imported, or exported and mutable) lives in a shared cell
        int nGlobals = globalTypes.size();
        char[] gTypes = new char[nGlobals];
        boolean[] cells = new boolean[nGlobals];
        List<ModuleShape.GlobalType> globals = new ArrayList<>();
        for (int i = 0; i < nGlobals; i++) {
            gTypes[i] = globalTypes.get(i);
            cells[i] = globalMutable.get(i) && (i < importedGlobals || exportedGlobal[i]);
            globals.add(new ModuleShape.GlobalType(gTypes[i], globalMutable.get(i), globalInits.get(i), cells[i]));
        }

        List<ModuleShape.Elem> elements = new ArrayList<>();
        for (Element e : module.elementSection().elements()) {
            List<ConstExpr> items = new ArrayList<>(e.initializers().size());
            for (List<Instruction> init : e.initializers()) items.add(constExpr(init, types));
            char et = ValueTypes.letter(e.type(), types);
            if (e instanceof ActiveElement a) {
                elements.add(new ModuleShape.Elem(ModuleShape.ELEM_ACTIVE, a.tableIndex(), constExpr(a.offset(), types), et, items));
            } else if (e instanceof DeclarativeElement) {
                elements.add(new ModuleShape.Elem(ModuleShape.ELEM_DECLARATIVE, 0, null, et, items));
            } else {
                elements.add(new ModuleShape.Elem(ModuleShape.ELEM_PASSIVE, 0, null, et, items));
            }
        }
        List<ModuleShape.Data> data = new ArrayList<>();
        for (DataSegment d : module.dataSection().dataSegments()) {
            if (d instanceof ActiveDataSegment a) {
                data.add(new ModuleShape.Data(true, (int) a.index(), constExpr(a.offsetInstructions(), types), d.data()));
            } else {
                data.add(new ModuleShape.Data(false, 0, null, d.data()));
            }
        }
        int start = module.startSection().map(s -> (int) s.startIndex()).orElse(-1);
        if (start >= funcSigs.size() || (start >= 0 && !funcSigs.get(start).equals("()"))) {
            throw CompileException.invalid("start function " + start + " is unknown or takes or returns values");
        }

        int nFunctions = funcSigs.size();
        String[] names = new String[nFunctions];
        NameCustomSection nameSection = module.nameSection();
        if (nameSection != null) {
            for (int i = 0; i < nFunctions; i++) names[i] = nameSection.nameOfFunction(i);
        }

        // functions to code classes: runs of functions, each class at most so many instructions
        int[] functionClass = new int[nFunctions];
        List<int[]> chunks = new ArrayList<>(); // {first, end}
        FunctionBody[] bodies = module.codeSection().functionBodies();
        {
            int first = importedFunctions;
            long size = 0;
            for (int f = importedFunctions; f < nFunctions; f++) {
                FunctionBody body = bodies[f - importedFunctions];
                int n = body.instructions().size();
                long units = 0; // instructions and their operands: about the body's size in bytes
                for (Instruction in : body.instructions()) units += 1 + in.operandCount();
                if (units > options.maxFunctionBodyBytes() || body.localTypes().size() > options.maxLocals()) {
                    throw new CompileException(describe(names, f) + " is larger than Arca's compiler accepts ("
                            + units + " bytes of code, " + body.localTypes().size() + " locals; at most "
                            + options.maxFunctionBodyBytes() + " and " + options.maxLocals() + ")");
                }
                if (f > first && (size + n > 120_000 || f - first >= 2000)) {
                    chunks.add(new int[] {first, f});
                    first = f;
                    size = 0;
                }
                size += n;
                functionClass[f] = chunks.size();
            }
            if (first < nFunctions || chunks.isEmpty()) chunks.add(new int[] {first, nFunctions});
        }
        for (int f = 0; f < importedFunctions; f++) functionClass[f] = -1;

        ModuleContext mod = new ModuleContext(typeSigs, funcSigs.toArray(new String[0]), importedFunctions, functionClass,
                gTypes, cells, tags.toArray(new String[0]), memories.size(), tableLetters(tables), names, options);
        mod.memoryShared = new boolean[memories.size()];
        for (int m = 0; m < memories.size(); m++) mod.memoryShared[m] = memories.get(m).shared();
        mod.indirectCandidates = indirectCandidates(elements, funcSigs, importedFunctions);
        mod.exports = exports;

        Map<String, byte[]> classes = new LinkedHashMap<>();
        List<String> codeClasses = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            if (Thread.currentThread().isInterrupted()) throw new IllegalStateException("compilation interrupted");
            ClassDesc cd = ModuleContext.codeClass(c);
            byte[] bytes = codeClass(mod, module, cd, chunks.get(c)[0], chunks.get(c)[1]);
            String name = cd.descriptorString().substring(1, cd.descriptorString().length() - 1).replace('/', '.');
            classes.put(name, bytes);
            codeClasses.add(name);
        }
        String instanceName = ModuleContext.PACKAGE + ".Module";
        classes.put(instanceName, instanceClass(mod));

        List<ModuleShape.Function> functions = new ArrayList<>(nFunctions);
        for (int f = 0; f < nFunctions; f++) functions.add(new ModuleShape.Function(funcSigs.get(f), functionClass[f], names[f]));
        ModuleShape shape = new ModuleShape(instanceName, codeClasses, imports, functions, memories, tables, globals, tags, exports,
                data, elements, start, mod.branchTables());
        return new Output(shape, classes);
    }

    private static String safeSignature(FunctionType f, TypeSection types) {
        try {
            return ValueTypes.signature(f, types);
        } catch (CompileException e) {
            return null; // a type that no supported function uses; refused if one does
        }
    }

    private static String describe(String[] names, int f) {
        return names[f] == null ? "function " + f : "function " + f + " (" + names[f] + ")";
    }

    private static char[] tableLetters(List<ModuleShape.TableType> tables) {
        char[] t = new char[tables.size()];
        for (int i = 0; i < t.length; i++) t[i] = tables.get(i).elementType();
        return t;
    }

    static ConstExpr constExpr(List<Instruction> ins, TypeSection types) {
        List<Long> code = new ArrayList<>();
        for (Instruction in : ins) {
            OpCode op = in.opcode();
            if (op == OpCode.END) continue;
            if (op == OpCode.V128_CONST) {
                code.add((long) ConstExpr.V128_CONST);
                code.add(in.operand(0));
                code.add((long) ConstExpr.V128_HIGH);
                code.add(in.operand(1));
                continue;
            }
            long arg = switch (op) {
                case I32_CONST, I64_CONST, F32_CONST, F64_CONST, GLOBAL_GET, REF_FUNC -> in.operand(0);
                case REF_NULL -> in.operand(0);
                case I32_ADD, I32_SUB, I32_MUL, I64_ADD, I64_SUB, I64_MUL -> 0;
                default -> throw new CompileException("constant expression instruction " + op + " is not supported by Arca's compiler");
            };
            code.add((long) op.opcode());
            code.add(arg);
        }
        long[] a = new long[code.size()];
        for (int i = 0; i < a.length; i++) a[i] = code.get(i);
        return new ConstExpr(a);
    }

    // ==== code classes ===================================================================

    /**
     * For each signature, the module's own functions a {@code call_indirect} of it can reach
     * (those its element segments name: a function reference can only be made of those) when
     * they are at most {@link ModuleContext#DIRECT_INDIRECT_MAX}; such a site calls them
     * directly (see {@code FunctionCompiler.callIndirect}).
     */
    private static Map<String, int[]> indirectCandidates(List<ModuleShape.Elem> elements, List<String> funcSigs, int imported) {
        Map<String, java.util.TreeSet<Integer>> bySig = new HashMap<>();
        for (ModuleShape.Elem e : elements) {
            for (ModuleShape.ConstExpr item : e.items()) {
                int f = item.refFunc();
                if (f < imported || f >= funcSigs.size()) continue; // null, another instance's, or not a plain ref.func
                bySig.computeIfAbsent(funcSigs.get(f), k -> new java.util.TreeSet<>()).add(f);
            }
        }
        Map<String, int[]> out = new HashMap<>();
        for (var e : bySig.entrySet()) {
            if (e.getValue().size() > ModuleContext.DIRECT_INDIRECT_MAX) continue;
            out.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    private static ClassFile classFile(ModuleContext mod) {
        Map<ClassDesc, ClassDesc> supers = new HashMap<>();
        supers.put(mod.instanceClass, Descs.MODULE_INSTANCE);
        ClassHierarchyResolver resolver = ClassHierarchyResolver.of(List.of(), supers)
                .orElse(ClassHierarchyResolver.ofResourceParsing(ModuleCompiler.class.getClassLoader()))
                .orElse(ClassHierarchyResolver.defaultResolver());
        return ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
    }

    private static byte[] codeClass(ModuleContext mod, WasmModule module, ClassDesc cd, int first, int end) {
        int[] limits = new int[end - first];
        java.util.Arrays.fill(limits, mod.options.methodSizeLimit());
        for (int attempt = 0; ; attempt++) {
            Map<Integer, Regions> plans = new HashMap<>();
            for (int f = first; f < end; f++) {
                if (Thread.currentThread().isInterrupted()) throw new IllegalStateException("compilation interrupted");
                FunctionBody body = module.codeSection().getFunctionBody(f - mod.importedFunctions);
                plans.put(f, Regions.plan(mod, f, body.instructions(), localTypes(mod, f, body, module.typeSection()), limits[f - first]));
            }
            byte[] bytes = classFile(mod).build(cd, cb -> {
                cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
                for (int f = first; f < end; f++) {
                    FunctionBody body = module.codeSection().getFunctionBody(f - mod.importedFunctions);
                    FunctionType type = module.typeSection().getType(module.functionSection().getFunctionType(f - mod.importedFunctions));
                    Regions regions = plans.get(f);
                    int fi = f;
                    FunctionCompiler top = new FunctionCompiler(mod, fi, type, body.localTypes(), body.instructions(), regions, null,
                            module.typeSection());
                    cb.withMethodBody(FunctionCompiler.methodName(fi, null), top.methodType(),
                            ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, top::compile);
                    if (regions != null) {
                        for (Regions.Region r : regions.all()) {
                            FunctionCompiler rc = new FunctionCompiler(mod, fi, type, body.localTypes(), body.instructions(), regions, r,
                                    module.typeSection());
                            cb.withMethodBody(FunctionCompiler.methodName(fi, r), rc.methodType(),
                                    ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, rc::compile);
                        }
                    }
                }
            });
            // every method must stay below HotSpot's limit; plan the ones that do not again, smaller
            ClassModel model = ClassFile.of().parse(bytes);
            boolean again = false;
            for (MethodModel m : model.methods()) {
                int size = m.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
                if (size >= HUGE_METHOD_LIMIT) {
                    String name = m.methodName().stringValue();
                    int f = Integer.parseInt(name.substring(1).replaceFirst("\\$.*", ""));
                    if (limits[f - first] <= 500) {
                        throw new CompileException(mod.describe(f) + ": its method " + name + " is " + size
                                + " bytes of JVM code, and cannot be split below " + HUGE_METHOD_LIMIT);
                    }
                    limits[f - first] = limits[f - first] * 2 / 3;
                    again = true;
                }
            }
            if (!again) return bytes;
            if (attempt > 8) throw new CompileException("cannot split the functions of " + cd.displayName() + " small enough");
        }
    }

    static char[] localTypes(ModuleContext mod, int f, FunctionBody body, TypeSection types) {
        String params = dev.arca.compiler.runtime.Signatures.params(mod.functionSignatures[f]);
        List<ValType> locals = body.localTypes();
        char[] t = new char[params.length() + locals.size()];
        for (int i = 0; i < params.length(); i++) t[i] = params.charAt(i);
        for (int i = 0; i < locals.size(); i++) t[params.length() + i] = ValueTypes.letter(locals.get(i), types);
        return t;
    }

    // ==== the instance class =============================================================

    /** The instance class's static method that calls import {@code function}: as a function's method, (params..., instance). */
    static String importMethod(int function) {
        return "i" + function;
    }

    /**
     * The body of {@link #importMethod}: a host function's {@link dev.arca.compiler.runtime.HostTarget}
     * called directly, its arguments in a long[] (as the engine's host calls take them); anything
     * else (another instance's function) through the inline cache of a FuncRef call. A host call
     * thus makes no method handle: at start-up, the method handles and the classes HotSpot spins
     * for them cost more than the rest of a small program's run.
     */
    private static void importCall(ModuleContext mod, CodeBuilder code, int f, String sig) {
        String params = dev.arca.compiler.runtime.Signatures.params(sig);
        String results = dev.arca.compiler.runtime.Signatures.results(sig);
        int[] slot = new int[params.length()];
        int next = 0;
        for (int i = 0; i < params.length(); i++) {
            slot[i] = next;
            next += ValueTypes.slots(params.charAt(i));
        }
        int inst = next, ref = next + 1, host = next + 2;
        code.aload(inst);
        code.getfield(Descs.MODULE_INSTANCE, "functions", Descs.FUNC_REF.arrayType());
        code.loadConstant(f);
        code.aaload();
        code.astore(ref);
        if (dev.arca.compiler.runtime.Signatures.hostCallable(sig)) {
            Label other = code.newLabel();
            code.aload(ref);
            code.getfield(Descs.FUNC_REF, "host", Descs.HOST_TARGET);
            code.astore(host);
            code.aload(host);
            code.ifnull(other);
            code.aload(host);
            code.loadConstant(params.length());
            code.newarray(java.lang.classfile.TypeKind.LONG);
            for (int i = 0; i < params.length(); i++) {
                code.dup();
                code.loadConstant(i);
                char t = params.charAt(i);
                code.loadLocal(ValueTypes.kind(t), slot[i]);
                ValueTypes.toBits(code, t);
                code.lastore();
            }
            code.invokeinterface(Descs.HOST_TARGET, "call", MethodTypeDesc.of(CD_long, Descs.LONGS));
            if (results.isEmpty()) {
                code.pop2();
                code.return_();
            } else {
                char r = results.charAt(0);
                ValueTypes.fromBits(code, r);
                code.return_(ValueTypes.kind(r));
            }
            code.labelBinding(other);
        }
        for (int i = 0; i < params.length(); i++) code.loadLocal(ValueTypes.kind(params.charAt(i)), slot[i]);
        code.aload(ref);
        FunctionCompiler.invokeRef(code, mod, sig);
        code.return_(results.isEmpty() ? java.lang.classfile.TypeKind.VOID
                : results.length() == 1 ? ValueTypes.kind(results.charAt(0)) : java.lang.classfile.TypeKind.REFERENCE);
    }

    private static byte[] instanceClass(ModuleContext mod) {
        int n = mod.globalTypes.length;
        return classFile(mod).build(mod.instanceClass, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withSuperclass(Descs.MODULE_INSTANCE);
            for (int g = 0; g < n; g++) {
                cb.withField("g" + g, mod.globalCells[g] ? Descs.GLOBAL : ValueTypes.desc(mod.globalTypes[g]), ClassFile.ACC_PUBLIC);
            }
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, code -> {
                code.aload(0);
                code.invokespecial(Descs.MODULE_INSTANCE, "<init>", MethodTypeDesc.of(CD_void));
                code.return_();
            });
            for (int f = 0; f < mod.importedFunctions; f++) {
                int fi = f;
                String sig = mod.functionSignatures[f];
                cb.withMethodBody(importMethod(f), FunctionCompiler.functionType(mod, sig), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> importCall(mod, code, fi, sig));
            }
            // callFunction(int index, Object[] args): the exported functions of number types called directly
            cb.withMethodBody("callFunction", MethodTypeDesc.of(CD_Object, CD_int, CD_Object.arrayType()), ClassFile.ACC_PUBLIC,
                    code -> exportCalls(mod, code));
            // setGlobal(int index, long bits, Object ref)
            cb.withMethodBody("setGlobal", MethodTypeDesc.of(CD_void, CD_int, CD_long, CD_Object), ClassFile.ACC_PUBLIC, code ->
                    globalSwitch(mod, code, 1, g -> !mod.globalCells[g], g -> {
                        char t = mod.globalTypes[g];
                        code.aload(0);
                        if (ValueTypes.isObject(t)) {
                            code.aload(4);
                            if (t == 'V') code.checkcast(ValueTypes.V128);
                        } else {
                            code.lload(2);
                            ValueTypes.fromBits(code, t);
                        }
                        code.putfield(mod.instanceClass, "g" + g, ValueTypes.desc(t));
                        code.return_();
                    }, code::return_));
            cb.withMethodBody("globalBits", MethodTypeDesc.of(CD_long, CD_int), ClassFile.ACC_PUBLIC, code ->
                    globalSwitch(mod, code, 1, g -> !mod.globalCells[g] && !ValueTypes.isObject(mod.globalTypes[g]), g -> {
                        char t = mod.globalTypes[g];
                        code.aload(0);
                        code.getfield(mod.instanceClass, "g" + g, ValueTypes.desc(t));
                        ValueTypes.toBits(code, t);
                        code.lreturn();
                    }, () -> {
                        code.lconst_0();
                        code.lreturn();
                    }));
            cb.withMethodBody("globalRef", MethodTypeDesc.of(CD_Object, CD_int), ClassFile.ACC_PUBLIC, code ->
                    globalSwitch(mod, code, 1, g -> !mod.globalCells[g] && ValueTypes.isObject(mod.globalTypes[g]), g -> {
                        code.aload(0);
                        code.getfield(mod.instanceClass, "g" + g, ValueTypes.desc(mod.globalTypes[g]));
                        code.areturn();
                    }, () -> {
                        code.aconst_null();
                        code.areturn();
                    }));
            cb.withMethodBody("setCell", MethodTypeDesc.of(CD_void, CD_int, Descs.GLOBAL), ClassFile.ACC_PUBLIC, code ->
                    globalSwitch(mod, code, 1, g -> mod.globalCells[g], g -> {
                        code.aload(0);
                        code.aload(2);
                        code.putfield(mod.instanceClass, "g" + g, Descs.GLOBAL);
                        code.return_();
                    }, code::return_));
            cb.withMethodBody("cell", MethodTypeDesc.of(Descs.GLOBAL, CD_int), ClassFile.ACC_PUBLIC, code ->
                    globalSwitch(mod, code, 1, g -> mod.globalCells[g], g -> {
                        code.aload(0);
                        code.getfield(mod.instanceClass, "g" + g, Descs.GLOBAL);
                        code.areturn();
                    }, () -> {
                        code.aconst_null();
                        code.areturn();
                    }));
        });
    }

    /** Most exported functions {@code callFunction} calls directly (a switch of bounded size). */
    static final int MAX_DIRECT_EXPORTS = 256;

    /**
     * The body of the instance class's {@code callFunction(int index, Object[] args)}: a switch
     * over the functions this module defines and exports whose parameters are numbers and whose
     * results are none, one number, or several; each case checks the number of arguments, unboxes
     * them and calls the function's method. Anything else goes to the inherited method (the host
     * invoker), which also reports a wrong number of arguments as before.
     */
    private static void exportCalls(ModuleContext mod, CodeBuilder code) {
        java.util.TreeSet<Integer> direct = new java.util.TreeSet<>();
        for (ModuleShape.Export e : mod.exports) {
            if (e.kind() != ModuleShape.Kind.FUNCTION || e.index() < mod.importedFunctions) continue;
            String sig = mod.functionSignatures[e.index()];
            String params = dev.arca.compiler.runtime.Signatures.params(sig);
            String results = dev.arca.compiler.runtime.Signatures.results(sig);
            boolean numbers = params.chars().allMatch(c -> "IJFD".indexOf(c) >= 0);
            boolean result = results.length() != 1 || "IJFD".indexOf(results.charAt(0)) >= 0;
            if (numbers && result && direct.size() < MAX_DIRECT_EXPORTS) direct.add(e.index());
        }
        Label inherited = code.newLabel();
        if (!direct.isEmpty()) {
            List<SwitchCase> cases = new ArrayList<>();
            Map<Integer, Label> labels = new LinkedHashMap<>();
            for (int f : direct) {
                Label l = code.newLabel();
                labels.put(f, l);
                cases.add(SwitchCase.of(f, l));
            }
            code.iload(1);
            code.lookupswitch(inherited, cases);
            for (var e : labels.entrySet()) {
                int f = e.getKey();
                String sig = mod.functionSignatures[f];
                String params = dev.arca.compiler.runtime.Signatures.params(sig);
                String results = dev.arca.compiler.runtime.Signatures.results(sig);
                code.labelBinding(e.getValue());
                code.aload(2);
                code.arraylength();
                code.loadConstant(params.length());
                code.if_icmpne(inherited);
                for (int i = 0; i < params.length(); i++) {
                    code.aload(2);
                    code.loadConstant(i);
                    code.aaload();
                    ValueTypes.unbox(code, params.charAt(i));
                }
                code.aload(0);
                code.invokestatic(mod.classOf(f), "f" + f, FunctionCompiler.functionType(mod, sig));
                if (results.isEmpty()) {
                    code.aconst_null();
                } else if (results.length() == 1) {
                    ValueTypes.box(code, results.charAt(0));
                }
                code.areturn();
            }
        }
        code.labelBinding(inherited);
        code.aload(0);
        code.iload(1);
        code.aload(2);
        code.invokespecial(Descs.MODULE_INSTANCE, "callFunction", MethodTypeDesc.of(CD_Object, CD_int, CD_Object.arrayType()));
        code.areturn();
    }

    /** A tableswitch on the int in {@code slot} over the globals {@code which} accepts. */
    private static void globalSwitch(ModuleContext mod, CodeBuilder code, int slot, java.util.function.IntPredicate which,
            java.util.function.IntConsumer each, Runnable otherwise) {
        List<SwitchCase> cases = new ArrayList<>();
        Map<Integer, Label> labels = new LinkedHashMap<>();
        for (int g = 0; g < mod.globalTypes.length; g++) {
            if (!which.test(g)) continue;
            Label l = code.newLabel();
            labels.put(g, l);
            cases.add(SwitchCase.of(g, l));
        }
        Label dflt = code.newLabel();
        if (!cases.isEmpty()) {
            code.iload(slot);
            code.lookupswitch(dflt, cases);
            for (var e : labels.entrySet()) {
                code.labelBinding(e.getValue());
                each.accept(e.getKey());
            }
        }
        code.labelBinding(dflt);
        otherwise.run();
    }
}
