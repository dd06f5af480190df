package dev.arca.compiler;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.TypeSection;
import com.dylibso.chicory.wasm.types.ValType;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

/** Wasm value types as the letters of {@link dev.arca.compiler.runtime.Signatures}, and their JVM forms. */
final class ValueTypes {
    private ValueTypes() {}

    /**
     * Turns the number of type {@code t} on top of the JVM stack into its raw bits as a long (how
     * host calls, globals' cells and frames hold numbers): i32 sign-extended, floats as their IEEE
     * bits, i64 as it is.
     */
    static void toBits(java.lang.classfile.CodeBuilder code, char t) {
        switch (t) {
            case 'I' -> code.i2l();
            case 'F' -> {
                code.invokestatic(Descs.FLOAT, "floatToRawIntBits", Descs.I_F);
                code.i2l();
            }
            case 'D' -> code.invokestatic(Descs.DOUBLE, "doubleToRawLongBits", Descs.J_D);
            default -> {}
        }
    }

    /** The inverse of {@link #toBits}: the long on top of the JVM stack as a number of type {@code t}. */
    static void fromBits(java.lang.classfile.CodeBuilder code, char t) {
        switch (t) {
            case 'I' -> code.l2i();
            case 'F' -> {
                code.l2i();
                code.invokestatic(Descs.FLOAT, "intBitsToFloat", Descs.F_I);
            }
            case 'D' -> code.invokestatic(Descs.DOUBLE, "longBitsToDouble", Descs.D_J);
            default -> {}
        }
    }

    static char letter(ValType t, TypeSection types) {
        switch (t.opcode()) {
            case ValType.ID.I32: return 'I';
            case ValType.ID.I64: return 'J';
            case ValType.ID.F32: return 'F';
            case ValType.ID.F64: return 'D';
            case ValType.ID.V128: return 'V';
            case ValType.ID.Ref:
            case ValType.ID.RefNull: {
                int heap = t.typeIdx();
                if (heap == ValType.TypeIdxCode.FUNC.code() || heap == ValType.TypeIdxCode.NOFUNC.code()) return 'f';
                if (heap == ValType.TypeIdxCode.EXTERN.code() || heap == ValType.TypeIdxCode.NOEXTERN.code()) return 'e';
                if (heap == ValType.TypeIdxCode.EXN.code()) return 'x';
                if (heap >= 0 && types != null && heap < types.subTypeCount()
                        && types.getSubType(heap).compType().funcType() != null) {
                    return 'f'; // a typed function reference
                }
                throw new CompileException("garbage-collected reference types are not supported by Arca's compiler");
            }
            default:
                throw new CompileException("value type " + t + " is not supported by Arca's compiler");
        }
    }

    static String letters(List<ValType> ts, TypeSection types) {
        StringBuilder sb = new StringBuilder(ts.size());
        for (ValType t : ts) sb.append(letter(t, types));
        return sb.toString();
    }

    static String signature(FunctionType f, TypeSection types) {
        return ("(" + letters(f.params(), types) + ")" + letters(f.returns(), types)).intern();
    }

    static boolean wide(char t) {
        return t == 'J' || t == 'D';
    }

    static int slots(char t) {
        return wide(t) ? 2 : 1;
    }

    static boolean isRef(char t) {
        return t == 'f' || t == 'e' || t == 'x';
    }

    /** References and v128 values are objects on the JVM. */
    static boolean isObject(char t) {
        return isRef(t) || t == 'V';
    }

    static TypeKind kind(char t) {
        return switch (t) {
            case 'I' -> TypeKind.INT;
            case 'J' -> TypeKind.LONG;
            case 'F' -> TypeKind.FLOAT;
            case 'D' -> TypeKind.DOUBLE;
            default -> TypeKind.REFERENCE;
        };
    }

    static final ClassDesc V128 = ClassDesc.of("dev.arca.compiler.runtime.V128");

    static ClassDesc desc(char t) {
        return switch (t) {
            case 'I' -> ConstantDescs.CD_int;
            case 'J' -> ConstantDescs.CD_long;
            case 'F' -> ConstantDescs.CD_float;
            case 'D' -> ConstantDescs.CD_double;
            case 'f', 'e', 'x' -> ConstantDescs.CD_Object;
            default -> V128;
        };
    }

    static ClassDesc returnDesc(String results) {
        return switch (results.length()) {
            case 0 -> ConstantDescs.CD_void;
            case 1 -> desc(results.charAt(0));
            default -> ConstantDescs.CD_Object.arrayType();
        };
    }

    /** The box class of a value type (Integer for 'I', ...), for multi-value results and exception payloads. */
    static ClassDesc box(char t) {
        return switch (t) {
            case 'I' -> ConstantDescs.CD_Integer;
            case 'J' -> ConstantDescs.CD_Long;
            case 'F' -> ConstantDescs.CD_Float;
            case 'D' -> ConstantDescs.CD_Double;
            default -> ConstantDescs.CD_Object;
        };
    }

    /** The value of type {@code t} on the stack becomes an Object (numbers boxed, others as they are). */
    static void box(CodeBuilder code, char t) {
        switch (t) {
            case 'I', 'J', 'F', 'D' -> {
                ClassDesc box = box(t);
                code.invokestatic(box, "valueOf", MethodTypeDesc.of(box, desc(t)));
            }
            default -> {}
        }
    }

    /** An Object on the stack (a boxed value) becomes the value of type {@code t}. */
    static void unbox(CodeBuilder code, char t) {
        switch (t) {
            case 'I', 'J', 'F', 'D' -> {
                ClassDesc box = box(t);
                ClassDesc value = desc(t);
                code.checkcast(box);
                code.invokevirtual(box, value.displayName() + "Value", MethodTypeDesc.of(value)); // intValue, ...
            }
            case 'V' -> code.checkcast(V128);
            default -> {}
        }
    }
}
