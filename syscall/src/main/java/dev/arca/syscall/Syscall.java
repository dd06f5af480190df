package dev.arca.syscall;

import dev.arca.engine.ValueType;
import java.util.List;

/**
 * One entry of the {@link SyscallTable}: an import, its handler, how well it is supported.
 *
 * @param cParams the C parameters of the SDK's prototype (arca calls; the header is generated
 *     from them), or null for WASI's own, which wasi-libc declares
 */
public record Syscall(String module, String name, List<ValueType> params, List<ValueType> results,
        Support support, String note, Handler handler, String cParams) {

    public Syscall(String module, String name, List<ValueType> params, List<ValueType> results, Support support,
            String note, Handler handler) {
        this(module, name, params, results, support, note, handler, null);
    }
}
