package dev.arca.engine.chicory;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportTag;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Value;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.Extern;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.LinearMemory;
import dev.arca.engine.Trap;
import dev.arca.engine.ValueType;
import java.util.List;

/** A Chicory instance behind Arca's engine boundary. */
final class ChicoryInstance implements dev.arca.engine.Instance {
    private final ChicoryModule module;
    private final Instance instance;

    ChicoryInstance(ChicoryModule module, Instance instance) {
        this.module = module;
        this.instance = instance;
    }

    private com.dylibso.chicory.wasm.types.Export export(String name, ExternalType type) {
        var exports = module.module().exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            com.dylibso.chicory.wasm.types.Export e = exports.getExport(i);
            if (e.name().equals(name) && (type == null || e.exportType() == type)) return e;
        }
        return null;
    }

    @Override
    public LinearMemory memory() {
        com.dylibso.chicory.wasm.types.Export e = export("memory", ExternalType.MEMORY);
        Memory m;
        try {
            m = e != null ? instance.memory(e.index()) : instance.memory();
        } catch (RuntimeException ex) {
            return null;
        }
        return m == null ? null : new ChicoryMemory(m);
    }

    @Override
    public ExportedFunction function(String name) {
        if (export(name, ExternalType.FUNCTION) == null) return null;
        ExportFunction f = instance.export(name);
        FunctionSignature sig = ChicoryModule.signature(instance.exportType(name));
        return new ExportedFunction() {
            @Override
            public FunctionSignature signature() {
                return sig;
            }

            @Override
            public Object[] call(Object... args) {
                long[] raw = new long[args.length];
                for (int i = 0; i < args.length; i++) raw[i] = raw(sig.params().get(i), args[i]);
                long[] r;
                try {
                    r = f.apply(raw);
                } catch (ChicoryInterruptedException e) {
                    throw new GuestInterrupted();
                } catch (com.dylibso.chicory.runtime.WasmException e) {
                    throw new Trap("uncaught exception", null, true, e);
                } catch (ChicoryException e) {
                    throw new Trap(Trapping.message(e), guestFunction(e), false, e);
                } catch (StackOverflowError e) {
                    throw new Trap("call stack exhausted", guestFunction(e), false, null);
                }
                Object[] out = new Object[sig.results().size()];
                for (int i = 0; i < out.length; i++) out[i] = boxed(sig.results().get(i), r[i]);
                return out;
            }
        };
    }

    private static long raw(ValueType t, Object v) {
        return switch (t) {
            case I32 -> (Integer) v;
            case I64 -> (Long) v;
            case F32 -> Float.floatToRawIntBits((Float) v);
            case F64 -> Double.doubleToRawLongBits((Double) v);
            default -> v == null ? Value.REF_NULL_VALUE : ((Number) v).longValue();
        };
    }

    private static Object boxed(ValueType t, long v) {
        return switch (t) {
            case I32 -> (int) v;
            case I64 -> v;
            case F32 -> Float.intBitsToFloat((int) v);
            case F64 -> Double.longBitsToDouble(v);
            default -> v == Value.REF_NULL_VALUE ? null : (Object) v;
        };
    }

    /** The guest function that was running: the innermost compiled frame "func_N", by name. */
    private String guestFunction(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            String m = f.getMethodName();
            if (m.startsWith("func_")) {
                try {
                    return module.functionName(Integer.parseInt(m.substring(5)));
                } catch (NumberFormatException ignored) {
                    // not one of the compiler's methods
                }
            }
        }
        return null;
    }

    @Override
    public Extern export(String name) {
        com.dylibso.chicory.wasm.types.Export e = export(name, null);
        return e == null ? null : new ExportLink(name, e);
    }

    @Override
    public Object global(String name) {
        com.dylibso.chicory.wasm.types.Export e = export(name, ExternalType.GLOBAL);
        if (e == null) return null;
        var g = instance.global(e.index());
        return boxed(ChicoryModule.valueType(g.getType()), g.getValue());
    }

    /** An export as an import of another Chicory instance. */
    interface Linkable extends Extern {
        ImportFunction asFunction(String module, String name);

        ImportMemory asMemory(String module, String name);

        ImportTable asTable(String module, String name);

        ImportGlobal asGlobal(String module, String name);

        ImportTag asTag(String module, String name);
    }

    private final class ExportLink implements Linkable {
        private final String exportName;
        private final com.dylibso.chicory.wasm.types.Export export;

        ExportLink(String exportName, com.dylibso.chicory.wasm.types.Export export) {
            this.exportName = exportName;
            this.export = export;
        }

        @Override
        public ImportFunction asFunction(String module, String name) {
            return ImportFunction.exportAsImport(module, name, instance, exportName);
        }

        @Override
        public ImportMemory asMemory(String module, String name) {
            return new ImportMemory(module, name, instance.memory(export.index()));
        }

        @Override
        public ImportTable asTable(String module, String name) {
            return new ImportTable(module, name, instance.table(export.index()));
        }

        @Override
        public ImportGlobal asGlobal(String module, String name) {
            return new ImportGlobal(module, name, instance.global(export.index()));
        }

        @Override
        public ImportTag asTag(String module, String name) {
            return new ImportTag(module, name, instance.tag(export.index()));
        }
    }

    /** The message of a Chicory trap as the specification words it. */
    static final class Trapping {
        private Trapping() {}

        static String message(Throwable e) {
            String m = e.getMessage();
            if (m == null || m.isBlank()) return e.getClass().getSimpleName();
            int nl = m.indexOf('\n');
            return nl >= 0 ? m.substring(0, nl) : m;
        }
    }

    static List<ValueType> types(List<com.dylibso.chicory.wasm.types.ValType> ts) {
        return ts.stream().map(ChicoryModule::valueType).toList();
    }
}
