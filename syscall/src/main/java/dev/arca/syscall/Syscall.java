package dev.arca.syscall;

import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;

/** One entry of the {@link SyscallTable}: an import, its handler, how well it is supported. */
public record Syscall(String module, String name, List<ValType> params, List<ValType> results,
        Support support, String note, Handler handler) {}
