package dev.arca.engine.arca;

import java.util.Map;

/**
 * The class loader of one compiled module's classes. Each class is defined when first used, and
 * the classes are shared by every instance of the module.
 */
final class GeneratedClasses extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    GeneratedClasses(Map<String, byte[]> classes) {
        super("arca-module", GeneratedClasses.class.getClassLoader());
        this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) throw new ClassNotFoundException(name);
        return defineClass(name, b, 0, b.length);
    }
}
