package dev.arca.compiler;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_byte;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_short;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;

/** Descriptors of the runtime classes and JDK methods generated code uses. */
final class Descs {
    private Descs() {}

    static {
        // ConstantDescs first: a MethodTypeDesc built before it is initialised hits a JDK
        // class-initialisation cycle (ConstantDescs <-> PrimitiveClassDescImpl)
        if (ConstantDescs.CD_int == null) throw new AssertionError();
    }

    static final String RT = "dev.arca.compiler.runtime.";
    static final ClassDesc MODULE_INSTANCE = ClassDesc.of(RT + "ModuleInstance");
    static final ClassDesc MEMORY = ClassDesc.of(RT + "Memory");
    static final ClassDesc TABLE = ClassDesc.of(RT + "Table");
    static final ClassDesc FUNC_REF = ClassDesc.of(RT + "FuncRef");
    static final ClassDesc HOST_TARGET = ClassDesc.of(RT + "HostTarget");
    static final ClassDesc GLOBAL = ClassDesc.of(RT + "Global");
    static final ClassDesc TAG = ClassDesc.of(RT + "Tag");
    static final ClassDesc WASM_EXCEPTION = ClassDesc.of(RT + "WasmException");
    static final ClassDesc TRAP = ClassDesc.of(RT + "Trap");
    static final ClassDesc INSTRUCTIONS = ClassDesc.of(RT + "Instructions");
    static final ClassDesc MEMORY_ACCESS = ClassDesc.of(RT + "MemoryAccess");
    static final ClassDesc ATOMICS = ClassDesc.of(RT + "Atomics");
    static final ClassDesc CALLS = ClassDesc.of(RT + "Calls");
    static final ClassDesc VAR_HANDLE = ClassDesc.of("java.lang.invoke.VarHandle");
    static final ClassDesc BYTES = CD_byte.arrayType();
    static final ClassDesc LONGS = CD_long.arrayType();
    static final ClassDesc INTS = CD_int.arrayType();
    static final ClassDesc OBJECTS = CD_Object.arrayType();
    static final ClassDesc FLOAT = ConstantDescs.CD_Float;
    static final ClassDesc DOUBLE = ConstantDescs.CD_Double;
    static final ClassDesc MATH = ClassDesc.of("java.lang.Math");

    static MethodTypeDesc mt(ClassDesc ret, ClassDesc... params) {
        return MethodTypeDesc.of(ret, params);
    }

    // VarHandle accessors (signature-polymorphic: the descriptor is the call site's)
    static final MethodTypeDesc VH_GET_SHORT = mt(CD_short, BYTES, CD_int);
    static final MethodTypeDesc VH_GET_INT = mt(CD_int, BYTES, CD_int);
    static final MethodTypeDesc VH_GET_LONG = mt(CD_long, BYTES, CD_int);
    static final MethodTypeDesc VH_SET_SHORT = mt(CD_void, BYTES, CD_int, CD_short);
    static final MethodTypeDesc VH_SET_INT = mt(CD_void, BYTES, CD_int, CD_int);
    static final MethodTypeDesc VH_SET_LONG = mt(CD_void, BYTES, CD_int, CD_long);

    static final MethodTypeDesc I_II = mt(CD_int, CD_int, CD_int);
    static final MethodTypeDesc J_JJ = mt(CD_long, CD_long, CD_long);
    static final MethodTypeDesc I_JJ = mt(CD_int, CD_long, CD_long);
    static final MethodTypeDesc I_I = mt(CD_int, CD_int);
    static final MethodTypeDesc I_J = mt(CD_int, CD_long);
    static final MethodTypeDesc J_JI = mt(CD_long, CD_long, CD_int);
    static final MethodTypeDesc I_F = mt(CD_int, CD_float);
    static final MethodTypeDesc I_D = mt(CD_int, CD_double);
    static final MethodTypeDesc J_F = mt(CD_long, CD_float);
    static final MethodTypeDesc J_D = mt(CD_long, CD_double);
    static final MethodTypeDesc F_I = mt(CD_float, CD_int);
    static final MethodTypeDesc D_J = mt(CD_double, CD_long);
    static final MethodTypeDesc F_J = mt(CD_float, CD_long);
    static final MethodTypeDesc F_F = mt(CD_float, CD_float);
    static final MethodTypeDesc D_D = mt(CD_double, CD_double);
    static final MethodTypeDesc F_FF = mt(CD_float, CD_float, CD_float);
    static final MethodTypeDesc D_DD = mt(CD_double, CD_double, CD_double);
    static final MethodTypeDesc Z_F = mt(CD_boolean, CD_float);

    static final MethodTypeDesc CALL_POLL = mt(CD_void, MODULE_INSTANCE);
    static final MethodTypeDesc LOOP_POLL = mt(CD_int, CD_int);
    static final MethodTypeDesc TRAP_FACTORY = mt(TRAP);
    static final MethodTypeDesc MEMORY_GROW = mt(CD_int, CD_int, MEMORY);
    static final MethodTypeDesc MEMORY_FILL = mt(CD_void, CD_int, CD_int, CD_int, MEMORY);
    static final MethodTypeDesc MEMORY_INIT = mt(CD_void, CD_int, CD_int, CD_int, MODULE_INSTANCE, CD_int, CD_int);
    static final MethodTypeDesc SEGMENT_DROP = mt(CD_void, MODULE_INSTANCE, CD_int);
    static final MethodTypeDesc INDIRECT = mt(FUNC_REF, CD_int, TABLE, CD_String);
    static final MethodTypeDesc NON_NULL_FUNCTION = mt(FUNC_REF, CD_Object);
    static final MethodTypeDesc REF_FUNC = mt(FUNC_REF, MODULE_INSTANCE, CD_int);
    static final MethodTypeDesc TABLE_GET = mt(CD_Object, CD_int, TABLE);
    static final MethodTypeDesc TABLE_SET = mt(CD_void, CD_int, CD_Object, TABLE);
    static final MethodTypeDesc TABLE_GROW = mt(CD_int, CD_Object, CD_int, TABLE);
    static final MethodTypeDesc TABLE_FILL = mt(CD_void, CD_int, CD_Object, CD_int, TABLE);
    static final MethodTypeDesc TABLE_COPY = mt(CD_void, CD_int, CD_int, CD_int, TABLE, TABLE);
    static final MethodTypeDesc BRANCH_TABLE = mt(CD_int, CD_int, INTS);
    static final MethodTypeDesc EXCEPTION = mt(WASM_EXCEPTION, TAG, OBJECTS);
    static final MethodTypeDesc NON_NULL_EXCEPTION = mt(WASM_EXCEPTION, CD_Object);

    static final DirectMethodHandleDesc CALL_REF_BOOTSTRAP = MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, CALLS,
            "ref", MethodTypeDesc.of(ConstantDescs.CD_CallSite, ConstantDescs.CD_MethodHandles_Lookup, CD_String, ConstantDescs.CD_MethodType));
}
