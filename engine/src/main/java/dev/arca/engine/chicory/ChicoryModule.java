package dev.arca.engine.chicory;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.TagImport;
import com.dylibso.chicory.wasm.types.ValType;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.Extern;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.Imports;
import dev.arca.engine.ModuleException;
import dev.arca.engine.ValueType;
import java.util.List;
import java.util.function.Function;

/** A module parsed and compiled by Chicory. */
final class ChicoryModule extends CompiledModule {
    private final WasmModule module;
    private final Function<Instance, Machine> machine; // null: interpreted
    private final dev.arca.engine.Engine.MemoryKind memoryKind;

    ChicoryModule(String name, String sha256, WasmModule module, Function<Instance, Machine> machine,
            Engine.MemoryKind memoryKind) {
        super(name, sha256);
        this.module = module;
        this.machine = machine;
        this.memoryKind = memoryKind;
    }

    WasmModule module() {
        return module;
    }

    @Override
    public FunctionSignature exportedFunction(String name) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export e = exports.getExport(i);
            if (e.name().equals(name) && e.exportType() == ExternalType.FUNCTION) return signature(functionType(e.index()));
        }
        return null;
    }

    private FunctionType functionType(int index) {
        int imported = 0;
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp instanceof FunctionImport f) {
                if (imported == index) return module.typeSection().getType(f.typeIndex());
                imported++;
            }
        }
        return module.typeSection().getType(module.functionSection().getFunctionType(index - imported));
    }

    @Override
    protected long definedMemoryPages() {
        return module.memorySection().filter(m -> m.memoryCount() > 0).map(m -> (long) m.getMemory(0).limits().initialPages()).orElse(-1L);
    }

    static FunctionSignature signature(FunctionType t) {
        return FunctionSignature.of(t.params().stream().map(ChicoryModule::valueType).toList(),
                t.returns().stream().map(ChicoryModule::valueType).toList());
    }

    static ValueType valueType(ValType t) {
        switch (t.opcode()) {
            case ValType.ID.I32: return ValueType.I32;
            case ValType.ID.I64: return ValueType.I64;
            case ValType.ID.F32: return ValueType.F32;
            case ValType.ID.F64: return ValueType.F64;
            case ValType.ID.V128: return ValueType.V128;
            default:
                int heap = t.typeIdx();
                if (heap == ValType.TypeIdxCode.EXTERN.code() || heap == ValType.TypeIdxCode.NOEXTERN.code()) return ValueType.EXTERNREF;
                if (heap == ValType.TypeIdxCode.EXN.code()) return ValueType.EXNREF;
                return ValueType.FUNCREF;
        }
    }

    static ValType valType(ValueType t) {
        return switch (t) {
            case I32 -> ValType.I32;
            case I64 -> ValType.I64;
            case F32 -> ValType.F32;
            case F64 -> ValType.F64;
            case V128 -> ValType.V128;
            case FUNCREF -> ValType.FuncRef;
            case EXTERNREF -> ValType.ExternRef;
            case EXNREF -> ValType.ExnRef;
        };
    }

    @Override
    protected dev.arca.engine.Instance instantiateChecked(Imports imports, int maxPages) throws ModuleException {
        ImportValues.Builder values = ImportValues.builder();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            dev.arca.engine.HostFunction host = imports.function(imp.module(), imp.name());
            Extern extern = imports.extern(imp.module(), imp.name());
            if (host != null && imp instanceof FunctionImport) {
                List<ValType> params = host.signature().params().stream().map(ChicoryModule::valType).toList();
                List<ValType> results = host.signature().results().stream().map(ChicoryModule::valType).toList();
                boolean returns = !results.isEmpty();
                var body = host.body();
                values.addFunction(new HostFunction(imp.module(), imp.name(), FunctionType.of(params, results), (inst, args) -> {
                    long r = body.call(args);
                    return returns ? new long[] {r} : null;
                }));
            } else if (extern instanceof ChicoryInstance.Linkable e) {
                switch (imp) {
                    case FunctionImport f -> values.addFunction(e.asFunction(imp.module(), imp.name()));
                    case MemoryImport m -> values.addMemory(e.asMemory(imp.module(), imp.name()));
                    case TableImport t -> values.addTable(e.asTable(imp.module(), imp.name()));
                    case GlobalImport g -> values.addGlobal(e.asGlobal(imp.module(), imp.name()));
                    case TagImport t -> values.addTag(e.asTag(imp.module(), imp.name()));
                    default -> throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": unknown import " + imp.module() + "." + imp.name());
                }
            } else {
                throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": unknown import " + imp.module() + "." + imp.name());
            }
        }
        var b = Instance.builder(module).withImportValues(values.build()).withStart(false);
        if (machine != null) b.withMachineFactory(machine);
        b.withMemoryFactory(declared -> {
            int max = Math.min(declared.maximumPages(), maxPages);
            if (max < declared.maximumPages()) return new LimitedMemory(declared, max);
            return memoryKind == Engine.MemoryKind.BYTE_ARRAY ? new ByteArrayMemory(declared) : new ByteBufferMemory(declared);
        });
        try {
            return new ChicoryInstance(this, b.build());
        } catch (com.dylibso.chicory.wasm.UnlinkableException e) {
            throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": cannot link: " + Engine.oneLine(e));
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModuleException(ModuleException.Kind.UNINSTANTIABLE, name() + ": cannot instantiate: " + Engine.oneLine(e));
        }
    }

    String functionName(int index) {
        var names = module.nameSection();
        String name = names == null ? null : names.nameOfFunction(index);
        return name != null ? name : "function #" + index;
    }
}
