package dev.arca.syscall;

import dev.arca.abi.ErrnoException;

/**
 * A syscall body: decodes {@code args} (raw wasm values) through the context's checked memory,
 * does the work in the kernel, and returns the WASI errno value (0 for success). Errors may also
 * be thrown as {@link ErrnoException}; the table turns them into their errno.
 */
@FunctionalInterface
public interface Handler {
    int call(SyscallContext ctx, long[] args) throws ErrnoException;
}
