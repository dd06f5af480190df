package dev.arca.syscall;

import dev.arca.engine.ValueType;
import java.util.List;

/** One entry of the {@link SyscallTable}: an import, its handler, how well it is supported. */
public record Syscall(String module, String name, List<ValueType> params, List<ValueType> results,
        Support support, String note, Handler handler) {}
