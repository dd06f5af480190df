import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Compile-time comparison of the two bytecode writers the compiler could use: the JDK's
 * java.lang.classfile API and ASM. Both write the same synthetic module (methods shaped like
 * compiled wasm: int/long locals, little-endian loads through a byte[] VarHandle view, forward
 * branches, loops, calls) with stack maps computed by the library, as the compiler needs.
 * Times the first (cold JVM) module and the median of later ones.
 *
 * <p>Run by bench/compiler-writer.sh.
 */
public final class ClassWriterBench {
    sealed interface Op permits Arith, Load, Store, If, Loop, Call, LongArith {}
    record Arith(int a, int b, int c, int op) implements Op {}
    record LongArith(int a, int b, int op) implements Op {}
    record Load(int addr, int dst, int offset) implements Op {}
    record Store(int addr, int val, int offset) implements Op {}
    record If(int cond, List<Op> body) implements Op {}
    record Loop(int counter, List<Op> body) implements Op {}
    record Call(int a, int b, int dst, int target) implements Op {}

    static final int INT_LOCALS = 12;
    static final int LONG_LOCALS = 4;

    static List<Op> body(Random r, int size, int depth, int methods) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int k = r.nextInt(100);
            if (k < 35) ops.add(new Arith(r.nextInt(INT_LOCALS), r.nextInt(INT_LOCALS), r.nextInt(INT_LOCALS), r.nextInt(5)));
            else if (k < 45) ops.add(new LongArith(r.nextInt(LONG_LOCALS), r.nextInt(LONG_LOCALS), r.nextInt(3)));
            else if (k < 65) ops.add(new Load(r.nextInt(INT_LOCALS), r.nextInt(INT_LOCALS), r.nextInt(64)));
            else if (k < 75) ops.add(new Store(r.nextInt(INT_LOCALS), r.nextInt(INT_LOCALS), r.nextInt(64)));
            else if (k < 85 && depth < 4) ops.add(new If(r.nextInt(INT_LOCALS), body(r, 6, depth + 1, methods)));
            else if (k < 90 && depth < 4) ops.add(new Loop(r.nextInt(INT_LOCALS), body(r, 6, depth + 1, methods)));
            else ops.add(new Call(r.nextInt(INT_LOCALS), r.nextInt(INT_LOCALS), r.nextInt(INT_LOCALS), r.nextInt(methods)));
        }
        return ops;
    }

    // locals: 0 byte[] mem, 1..INT_LOCALS ints, then longs (2 slots each)
    static int intSlot(int i) { return 1 + i; }
    static int longSlot(int i) { return 1 + INT_LOCALS + 2 * i; }

    static final String CLASS = "bench/Gen";
    static final String DESC = "([BII)I";

    // ---- java.lang.classfile
    // ConstantDescs first: building a MethodTypeDesc before it is initialised hits a JDK class-initialisation cycle
    static final ClassDesc INT = ConstantDescs.CD_int;
    static final ClassDesc CD = ClassDesc.of("bench.Gen");
    static final ClassDesc VH = ClassDesc.of("java.lang.invoke.VarHandle");
    static final ClassDesc RT = ClassDesc.of("bench.Rt");
    static final MethodTypeDesc MDESC = MethodTypeDesc.ofDescriptor(DESC);
    static final MethodTypeDesc GET = MethodTypeDesc.ofDescriptor("([BI)I");
    static final MethodTypeDesc SET = MethodTypeDesc.ofDescriptor("([BII)V");

    static byte[] classfile(List<List<Op>> methods) {
        return ClassFile.of().build(CD, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL);
            for (int m = 0; m < methods.size(); m++) {
                List<Op> ops = methods.get(m);
                cb.withMethodBody("f" + m, MDESC, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                    for (int i = 2; i < INT_LOCALS; i++) { code.iconst_0(); code.istore(intSlot(i)); }
                    for (int i = 0; i < LONG_LOCALS; i++) { code.lconst_0(); code.lstore(longSlot(i)); }
                    cfOps(code, ops);
                    code.iload(intSlot(3));
                    code.ireturn();
                });
            }
        });
    }

    static void cfOps(CodeBuilder code, List<Op> ops) {
        for (Op op : ops) {
            switch (op) {
                case Arith a -> {
                    code.iload(intSlot(a.a())); code.iload(intSlot(a.b()));
                    switch (a.op()) { case 0 -> code.iadd(); case 1 -> code.isub(); case 2 -> code.imul(); case 3 -> code.ixor(); default -> code.iand(); }
                    code.istore(intSlot(a.c()));
                }
                case LongArith a -> {
                    code.lload(longSlot(a.a())); code.lload(longSlot(a.b()));
                    switch (a.op()) { case 0 -> code.ladd(); case 1 -> code.lmul(); default -> code.lxor(); }
                    code.lstore(longSlot(a.a()));
                }
                case Load l -> {
                    code.getstatic(RT, "I32", VH); code.aload(0);
                    code.iload(intSlot(l.addr())); code.ldc(l.offset()); code.iadd();
                    code.invokevirtual(VH, "get", GET); code.istore(intSlot(l.dst()));
                }
                case Store s -> {
                    code.getstatic(RT, "I32", VH); code.aload(0);
                    code.iload(intSlot(s.addr())); code.ldc(s.offset()); code.iadd(); code.iload(intSlot(s.val()));
                    code.invokevirtual(VH, "set", SET);
                }
                case If i -> {
                    Label end = code.newLabel();
                    code.iload(intSlot(i.cond())); code.ifeq(end);
                    cfOps(code, i.body());
                    code.labelBinding(end);
                }
                case Loop l -> {
                    Label top = code.newLabel();
                    code.labelBinding(top);
                    cfOps(code, l.body());
                    code.iinc(intSlot(l.counter()), -1);
                    code.iload(intSlot(l.counter())); code.ifne(top);
                }
                case Call c -> {
                    code.aload(0); code.iload(intSlot(c.a())); code.iload(intSlot(c.b()));
                    code.invokestatic(CD, "f" + c.target(), MDESC); code.istore(intSlot(c.dst()));
                }
            }
        }
    }

    // ---- ASM
    static byte[] asm(List<List<Op>> methods) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        cw.visit(Opcodes.V25, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, CLASS, null, "java/lang/Object", null);
        for (int m = 0; m < methods.size(); m++) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f" + m, DESC, null, null);
            mv.visitCode();
            for (int i = 2; i < INT_LOCALS; i++) { mv.visitInsn(Opcodes.ICONST_0); mv.visitVarInsn(Opcodes.ISTORE, intSlot(i)); }
            for (int i = 0; i < LONG_LOCALS; i++) { mv.visitInsn(Opcodes.LCONST_0); mv.visitVarInsn(Opcodes.LSTORE, longSlot(i)); }
            asmOps(mv, methods.get(m));
            mv.visitVarInsn(Opcodes.ILOAD, intSlot(3));
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    static void asmOps(MethodVisitor mv, List<Op> ops) {
        for (Op op : ops) {
            switch (op) {
                case Arith a -> {
                    mv.visitVarInsn(Opcodes.ILOAD, intSlot(a.a())); mv.visitVarInsn(Opcodes.ILOAD, intSlot(a.b()));
                    mv.visitInsn(switch (a.op()) { case 0 -> Opcodes.IADD; case 1 -> Opcodes.ISUB; case 2 -> Opcodes.IMUL; case 3 -> Opcodes.IXOR; default -> Opcodes.IAND; });
                    mv.visitVarInsn(Opcodes.ISTORE, intSlot(a.c()));
                }
                case LongArith a -> {
                    mv.visitVarInsn(Opcodes.LLOAD, longSlot(a.a())); mv.visitVarInsn(Opcodes.LLOAD, longSlot(a.b()));
                    mv.visitInsn(switch (a.op()) { case 0 -> Opcodes.LADD; case 1 -> Opcodes.LMUL; default -> Opcodes.LXOR; });
                    mv.visitVarInsn(Opcodes.LSTORE, longSlot(a.a()));
                }
                case Load l -> {
                    mv.visitFieldInsn(Opcodes.GETSTATIC, "bench/Rt", "I32", "Ljava/lang/invoke/VarHandle;");
                    mv.visitVarInsn(Opcodes.ALOAD, 0); mv.visitVarInsn(Opcodes.ILOAD, intSlot(l.addr()));
                    mv.visitLdcInsn(l.offset()); mv.visitInsn(Opcodes.IADD);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/VarHandle", "get", "([BI)I", false);
                    mv.visitVarInsn(Opcodes.ISTORE, intSlot(l.dst()));
                }
                case Store s -> {
                    mv.visitFieldInsn(Opcodes.GETSTATIC, "bench/Rt", "I32", "Ljava/lang/invoke/VarHandle;");
                    mv.visitVarInsn(Opcodes.ALOAD, 0); mv.visitVarInsn(Opcodes.ILOAD, intSlot(s.addr()));
                    mv.visitLdcInsn(s.offset()); mv.visitInsn(Opcodes.IADD); mv.visitVarInsn(Opcodes.ILOAD, intSlot(s.val()));
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/VarHandle", "set", "([BII)V", false);
                }
                case If i -> {
                    org.objectweb.asm.Label end = new org.objectweb.asm.Label();
                    mv.visitVarInsn(Opcodes.ILOAD, intSlot(i.cond())); mv.visitJumpInsn(Opcodes.IFEQ, end);
                    asmOps(mv, i.body());
                    mv.visitLabel(end);
                }
                case Loop l -> {
                    org.objectweb.asm.Label top = new org.objectweb.asm.Label();
                    mv.visitLabel(top);
                    asmOps(mv, l.body());
                    mv.visitIincInsn(intSlot(l.counter()), -1);
                    mv.visitVarInsn(Opcodes.ILOAD, intSlot(l.counter())); mv.visitJumpInsn(Opcodes.IFNE, top);
                }
                case Call c -> {
                    mv.visitVarInsn(Opcodes.ALOAD, 0); mv.visitVarInsn(Opcodes.ILOAD, intSlot(c.a())); mv.visitVarInsn(Opcodes.ILOAD, intSlot(c.b()));
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, CLASS, "f" + c.target(), DESC, false);
                    mv.visitVarInsn(Opcodes.ISTORE, intSlot(c.dst()));
                }
            }
        }
    }

    public static void main(String[] args) {
        String which = args[0];
        int methods = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Random r = new Random(42);
        List<List<Op>> module = new ArrayList<>();
        for (int m = 0; m < methods; m++) module.add(body(r, 120, 0, methods));
        long[] times = new long[rounds];
        int size = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            byte[] b = which.equals("asm") ? asm(module) : classfile(module);
            times[i] = System.nanoTime() - t0;
            size = b.length;
        }
        long first = times[0];
        long[] rest = java.util.Arrays.copyOfRange(times, 1, rounds);
        java.util.Arrays.sort(rest);
        System.out.printf("%s %d methods, %d class bytes: first %.0f ms, median of next %d %.0f ms%n",
                which, methods, size, first / 1e6, rest.length, rest.length == 0 ? 0 : rest[rest.length / 2] / 1e6);
    }
}
