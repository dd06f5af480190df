package dev.arca.compiler.runtime;

/**
 * A function the host gives a module, called by compiled code without a method handle: raw wasm
 * values in (i32 sign-extended to a long, i64 as it is, f32 and f64 as their IEEE bits) and the
 * result out the same way (anything when there is none). As the engine's {@code HostCall}; may
 * throw, and the exception leaves the guest's frames unchanged.
 */
@FunctionalInterface
public interface HostTarget {
    long call(long[] args);
}
