package dev.arca.engine.arca;

import dev.arca.compiler.runtime.FuncRef;
import dev.arca.compiler.runtime.Global;
import dev.arca.compiler.runtime.Instantiator;
import dev.arca.compiler.runtime.ModuleInstance;
import dev.arca.compiler.runtime.ModuleShape;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.Extern;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.LinearMemory;
import java.lang.invoke.MethodHandle;

/** An instance of a module compiled by Arca's compiler. */
final class ArcaInstance implements dev.arca.engine.Instance {
    private final ArcaModule module;
    private final ModuleInstance instance;

    ArcaInstance(ArcaModule module, ModuleInstance instance) {
        this.module = module;
        this.instance = instance;
    }

    /** The compiled instance itself. */
    ModuleInstance runtime() {
        return instance;
    }

    /** An export as another Arca instance imports it: the runtime object itself. */
    record Export(Object value) implements Extern {}

    private ModuleShape.Export export(String name, ModuleShape.Kind kind) {
        for (ModuleShape.Export e : module.shape().exports()) {
            if (e.name().equals(name) && (kind == null || e.kind() == kind)) return e;
        }
        return null;
    }

    @Override
    public LinearMemory memory() {
        ModuleShape.Export e = export("memory", ModuleShape.Kind.MEMORY);
        if (e != null) return new ArcaMemory(instance.memories[e.index()]);
        return instance.memory == null ? null : new ArcaMemory(instance.memory);
    }

    @Override
    public ExportedFunction function(String name) {
        ModuleShape.Export e = export(name, ModuleShape.Kind.FUNCTION);
        if (e == null) return null;
        FunctionSignature sig = ArcaModule.signature(module.shape().functions().get(e.index()).signature());
        FuncRef ref = instance.function(e.index());
        ModuleInstance owner = ref.owner(); // this instance, or the one it imported the function from
        // a function an instance defines is called through its instance class (its method called
        // directly, or its module's shared invoker): no binding
        MethodHandle handle = owner == null ? ref.handle() : null;
        return new ExportedFunction() {
            @Override
            public FunctionSignature signature() {
                return sig;
            }

            @Override
            public Object[] call(Object... args) {
                Object r;
                int frameTop = instance.frameTop;
                try {
                    if (owner != null) {
                        r = owner.callFunction(ref.index(), args);
                    } else {
                        r = handle.invokeWithArguments(args);
                    }
                } catch (Throwable t) {
                    throw Guest.translate(t, module.shape());
                } finally {
                    instance.frameTop = frameTop; // frames an exception left behind
                }
                return switch (sig.results().size()) {
                    case 0 -> new Object[0];
                    case 1 -> new Object[] {r};
                    default -> (Object[]) r;
                };
            }
        };
    }

    @Override
    public Extern export(String name) {
        ModuleShape.Export e = export(name, null);
        if (e == null) return null;
        return new Export(switch (e.kind()) {
            case FUNCTION -> instance.function(e.index());
            case MEMORY -> instance.memories[e.index()];
            case TABLE -> instance.tables[e.index()];
            case TAG -> instance.tags[e.index()];
            case GLOBAL -> {
                Global cell = instance.cell(e.index());
                if (cell == null) {
                    // an immutable global: a copy of its value is the same thing
                    ModuleShape.GlobalType t = module.shape().globals().get(e.index());
                    cell = new Global(t.type(), false);
                    cell.bits = instance.globalBits(e.index());
                    cell.ref = instance.globalRef(e.index());
                }
                yield cell;
            }
        });
    }

    @Override
    public Object global(String name) {
        ModuleShape.Export e = export(name, ModuleShape.Kind.GLOBAL);
        return e == null ? null : Instantiator.globalValue(instance, e.index());
    }
}
