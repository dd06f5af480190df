package dev.arca.engine.arca;

import dev.arca.compiler.runtime.FuncRef;
import dev.arca.compiler.runtime.Instantiator;
import dev.arca.compiler.runtime.LinkException;
import dev.arca.compiler.runtime.Memory;
import dev.arca.compiler.runtime.ModuleInstance;
import dev.arca.compiler.runtime.ModuleShape;
import dev.arca.compiler.runtime.Signatures;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Extern;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.HostCall;
import dev.arca.engine.HostFunction;
import dev.arca.engine.Imports;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Trap;
import dev.arca.engine.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A module compiled by Arca's compiler: its shape and classes, from which instances are made. */
final class ArcaModule extends CompiledModule {
    private final ModuleShape shape;
    private final GeneratedClasses loader;
    private volatile Class<? extends ModuleInstance> instanceClass;
    private volatile Class<?>[] codeClasses;

    ArcaModule(String name, String sha256, ModuleShape shape, Map<String, byte[]> classes) {
        this(name, sha256, shape, new GeneratedClasses(classes));
    }

    private ArcaModule(String name, String sha256, ModuleShape shape, GeneratedClasses loader) {
        super(name, sha256);
        this.shape = shape;
        this.loader = loader;
    }

    /** The same module under another name: the same classes (and so the code HotSpot compiled for them). */
    ArcaModule named(String name) {
        return new ArcaModule(name, sha256(), shape, loader);
    }

    /** The loader of its classes (one per module compiled or read from the cache; shared by {@link #named}). */
    ClassLoader classLoader() {
        return loader;
    }

    ModuleShape shape() {
        return shape;
    }

    @Override
    public FunctionSignature exportedFunction(String name) {
        for (ModuleShape.Export e : shape.exports()) {
            if (e.name().equals(name) && e.kind() == ModuleShape.Kind.FUNCTION) return signature(shape.functions().get(e.index()).signature());
        }
        return null;
    }

    @Override
    protected long definedMemoryPages() {
        int imported = 0;
        for (ModuleShape.Import i : shape.imports()) if (i.kind() == ModuleShape.Kind.MEMORY) imported++;
        return shape.memories().size() > imported ? shape.memories().get(imported).min() : -1;
    }

    static FunctionSignature signature(String sig) {
        return FunctionSignature.of(types(Signatures.params(sig)), types(Signatures.results(sig)));
    }

    static List<ValueType> types(String letters) {
        List<ValueType> out = new ArrayList<>(letters.length());
        for (char c : letters.toCharArray()) out.add(type(c));
        return out;
    }

    static ValueType type(char c) {
        return switch (c) {
            case 'I' -> ValueType.I32;
            case 'J' -> ValueType.I64;
            case 'F' -> ValueType.F32;
            case 'D' -> ValueType.F64;
            case 'V' -> ValueType.V128;
            case 'f' -> ValueType.FUNCREF;
            case 'e' -> ValueType.EXTERNREF;
            default -> ValueType.EXNREF;
        };
    }

    static String signature(FunctionSignature s) {
        StringBuilder sb = new StringBuilder("(");
        for (ValueType t : s.params()) sb.append(letter(t));
        sb.append(')');
        for (ValueType t : s.results()) sb.append(letter(t));
        return sb.toString();
    }

    static char letter(ValueType t) {
        return switch (t) {
            case I32 -> 'I';
            case I64 -> 'J';
            case F32 -> 'F';
            case F64 -> 'D';
            case V128 -> 'V';
            case FUNCREF -> 'f';
            case EXTERNREF -> 'e';
            case EXNREF -> 'x';
        };
    }

    @SuppressWarnings("unchecked")
    private void loadClasses() throws ClassNotFoundException {
        if (instanceClass != null) return;
        synchronized (this) {
            if (instanceClass != null) return;
            Class<?>[] code = new Class<?>[shape.codeClasses().size()];
            for (int i = 0; i < code.length; i++) code[i] = Class.forName(shape.codeClasses().get(i), false, loader);
            codeClasses = code;
            instanceClass = (Class<? extends ModuleInstance>) Class.forName(shape.instanceClass(), true, loader);
        }
    }

    /**
     * The imports as last resolved, and for which {@link Imports} object: an embedder that gives
     * every instance the same fixed one (Arca's syscall table does) has them resolved and bound
     * once per module (binding a method handle per import was a tenth of a spawn's time).
     */
    private record Resolved(Imports imports, Object[] given) {}

    private volatile Resolved resolved;

    @Override
    protected dev.arca.engine.Instance instantiateChecked(Imports imports, int maxPages) throws ModuleException {
        return instantiate(imports, maxPages, null);
    }

    @Override
    public dev.arca.engine.Instance instantiateThread(Imports imports, int maxPages, dev.arca.engine.Instance sibling)
            throws ModuleException {
        if (!(sibling instanceof ArcaInstance a) || a.runtime().memory == null) {
            throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": a thread needs a sibling instance with a memory, made by Arca's compiler");
        }
        Memory memory = a.runtime().memory;
        if (!memory.shared()) {
            throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": threads need a shared memory, and this module's memory is not shared"
                    + " (build with -pthread: wasm-ld --shared-memory --import-memory)");
        }
        return instantiate(imports, maxPages, memory);
    }

    private dev.arca.engine.Instance instantiate(Imports imports, int maxPages, Memory memory0) throws ModuleException {
        Resolved r = resolved;
        Object[] given = r != null && r.imports() == imports ? r.given().clone() : resolve(imports);
        try {
            loadClasses();
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ModuleException(ModuleException.Kind.INVALID, name() + ": cannot load its compiled classes: " + e);
        }
        try {
            ModuleInstance inst = Instantiator.instantiate(shape, instanceClass, codeClasses, given, maxPages, memory0);
            return new ArcaInstance(this, inst);
        } catch (LinkException e) {
            throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ModuleException(ModuleException.Kind.LIMIT, name() + ": " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            RuntimeException t = Guest.translate(e, shape);
            if (t instanceof Trap trap) {
                throw new ModuleException(ModuleException.Kind.UNINSTANTIABLE, name() + ": cannot instantiate: " + trap.getMessage());
            }
            if (t instanceof GuestInterrupted) throw t;
            throw t;
        }
    }

    /** One object per import, in order, from {@code imports}. Errors: UNLINKABLE. */
    private Object[] resolve(Imports imports) throws ModuleException {
        Object[] given = new Object[shape.imports().size()];
        boolean hostOnly = true;
        for (int i = 0; i < given.length; i++) {
            ModuleShape.Import d = shape.imports().get(i);
            HostFunction host = d.kind() == ModuleShape.Kind.FUNCTION ? imports.function(d.module(), d.name()) : null;
            Extern extern = imports.extern(d.module(), d.name());
            if (host != null) {
                String sig = signature(host.signature());
                if (!sig.equals(d.type())) {
                    throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": incompatible import type for "
                            + d.module() + "." + d.name() + ": the module wants " + signature(d.type()) + ", Arca gives " + host.signature());
                }
                HostCall body = host.body();
                try {
                    given[i] = new FuncRef(sig, body::call);
                } catch (IllegalArgumentException e) {
                    throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": " + d.module() + "." + d.name() + ": " + e.getMessage());
                }
            } else if (extern instanceof ArcaInstance.Export e) {
                given[i] = e.value();
                hostOnly = false;
            } else if (d.kind() == ModuleShape.Kind.MEMORY && d.flag() && extern == null) {
                // a shared memory nobody gives (wasi-threads' env.memory): the process's own,
                // made at instantiation from the import's declaration. An unshared one stays
                // unlinkable, as the specification's tests expect of an unknown import.
                given[i] = null;
            } else {
                throw new ModuleException(ModuleException.Kind.UNLINKABLE, name() + ": unknown import " + d.module() + "." + d.name());
            }
        }
        // host functions only: the same for every instance (another instance's exports are its own)
        if (hostOnly && imports.fixed()) resolved = new Resolved(imports, given.clone());
        return given;
    }
}
