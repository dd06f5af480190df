package dev.arca.cli;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * A start-up shortcut for the common {@code arca run [OPTIONS] PROGRAM [ARGS...]}: reads the
 * {@link Option} annotations of {@link RunCommand} itself and fills its fields, without building
 * picocli's full model, which costs about 200 ms on a cold JVM (picocli's classes are Java 5
 * class files, which the JDK's AOT cache cannot keep linked). It accepts only what it fully
 * understands; anything else (help, version, an unknown or malformed option) returns false and
 * picocli parses the command line as usual, so errors and help come from one place.
 */
final class QuickParse {
    private QuickParse() {}

    static boolean parse(String[] args, RunCommand cmd) {
        if (args.length < 2 || !args[0].equals("run")) return false;
        try {
            int i = 1;
            for (; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("-")) break;
                if (!a.startsWith("--") || a.equals("--")) return false;
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                Field f = field(name);
                if (f == null) return false;
                if (f.getType() == boolean.class) {
                    if (eq >= 0) return false;
                    f.setBoolean(cmd, true);
                    continue;
                }
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else {
                    // a value that looks like an option is picocli's call (it refuses option names)
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) return false;
                    value = args[++i];
                }
                if (!set(cmd, f, value)) return false;
            }
            if (i >= args.length) return false; // no PROGRAM: let picocli decide (manifest entry)
            cmd.program = Path.of(args[i]);
            cmd.args = new java.util.ArrayList<>(List.of(args).subList(i + 1, args.length));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Field field(String optionName) {
        for (Field f : RunCommand.class.getDeclaredFields()) {
            Option o = f.getAnnotation(Option.class);
            if (o == null) continue;
            for (String n : o.names()) {
                if (n.equals(optionName)) return f;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static boolean set(RunCommand cmd, Field f, String value) throws IllegalAccessException {
        Class<?> t = f.getType();
        if (t == List.class) {
            ((List<String>) f.get(cmd)).add(value);
        } else if (t == Path.class) {
            f.set(cmd, Path.of(value));
        } else if (t == String.class) {
            f.set(cmd, value);
        } else if (t.isEnum()) {
            for (Object c : t.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(value)) {
                    f.set(cmd, c);
                    return true;
                }
            }
            return false;
        } else {
            return false;
        }
        return true;
    }
}
