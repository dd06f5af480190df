package dev.arca.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a module is instantiated with: host functions, and exports of other instances. */
public final class Imports {
    private final Map<String, HostFunction> functions = new HashMap<>();
    private final Map<String, Extern> externs = new HashMap<>();
    private final Map<String, java.util.function.Function<String, Extern>> modules = new HashMap<>();
    private java.util.function.BiFunction<String, String, HostFunction> resolver; // set: this object is fixed

    public static Imports of(List<HostFunction> functions) {
        Imports i = new Imports();
        for (HostFunction f : functions) i.add(f);
        return i;
    }

    /**
     * Host functions made when a module asks for one (by module and name; null when there is
     * none), so that instantiating makes only the functions the module imports.
     */
    public static Imports resolving(java.util.function.BiFunction<String, String, HostFunction> resolver) {
        Imports i = new Imports();
        i.resolver = resolver;
        return i;
    }

    /** Whether these imports never change (made by {@link #resolving}): an engine may resolve them once per module. */
    public boolean fixed() {
        return resolver != null;
    }

    private void checkNotFixed() {
        if (resolver != null) throw new IllegalStateException("these imports are fixed (made by Imports.resolving)");
    }

    public Imports add(HostFunction f) {
        checkNotFixed();
        functions.put(key(f.module(), f.name()), f);
        return this;
    }

    public Imports add(String module, String name, Extern value) {
        checkNotFixed();
        externs.put(key(module, name), value);
        return this;
    }

    /** Every import from {@code module} is looked up by name in {@code exports} (for example another instance's exports). */
    public Imports add(String module, java.util.function.Function<String, Extern> exports) {
        checkNotFixed();
        modules.put(module, exports);
        return this;
    }

    public HostFunction function(String module, String name) {
        HostFunction f = functions.get(key(module, name));
        if (f == null && resolver != null) f = resolver.apply(module, name);
        return f;
    }

    public Extern extern(String module, String name) {
        Extern e = externs.get(key(module, name));
        if (e == null && modules.containsKey(module)) e = modules.get(module).apply(name);
        return e;
    }

    public List<HostFunction> functions() {
        return new ArrayList<>(functions.values());
    }

    private static String key(String module, String name) {
        return module + "\u0000" + name;
    }
}
