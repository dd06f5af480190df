package dev.arca.engine.arca;

import dev.arca.compiler.runtime.MemoryLimitReached;
import dev.arca.compiler.runtime.ModuleShape;
import dev.arca.compiler.runtime.Stopped;
import dev.arca.compiler.runtime.WasmException;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.MemoryLimitExceeded;
import dev.arca.engine.Trap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What leaves compiled guest code, in the engine boundary's terms. */
final class Guest {
    private Guest() {}

    private static final Pattern METHOD = Pattern.compile("f(\\d+)(\\$\\d+)?");

    /**
     * The exception to throw for {@code e}: a trap (the runtime's own, or the JVM's array bounds
     * check on linear memory, or stack exhaustion), an interrupt, the memory limit; anything
     * else (a host function's exception) unchanged.
     */
    static RuntimeException translate(Throwable e, ModuleShape shape) {
        return switch (e) {
            case dev.arca.compiler.runtime.Trap t -> new Trap(t.getMessage(), function(t, shape), false, t);
            case Stopped s -> new GuestInterrupted();
            case MemoryLimitReached m -> new MemoryLimitExceeded(m.limitPages(), m.wantedPages());
            case WasmException w -> new Trap("uncaught exception", null, true, w);
            case IndexOutOfBoundsException i -> new Trap("out of bounds memory access", function(i, shape), false, i);
            case ArithmeticException a -> new Trap("integer divide by zero", function(a, shape), false, a);
            case StackOverflowError s -> new Trap("call stack exhausted", function(s, shape), false, null);
            case RuntimeException r -> r;
            case Error err -> throw err;
            default -> new IllegalStateException(e);
        };
    }

    /** The innermost guest function in {@code e}'s stack: its name, or "function #N". */
    static String function(Throwable e, ModuleShape shape) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (!f.getClassName().startsWith("dev.arca.generated.Code")) continue;
            Matcher m = METHOD.matcher(f.getMethodName());
            if (!m.matches()) continue;
            int index = Integer.parseInt(m.group(1));
            if (index >= shape.functions().size()) return null;
            String name = shape.functions().get(index).name();
            return name != null ? name : "function #" + index;
        }
        return null;
    }
}
