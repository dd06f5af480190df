package dev.arca.engine;

/**
 * The body of a host function. Arguments and the result are raw wasm values: i32 and i64 as
 * longs (an i32 sign-extended), f32 and f64 as their IEEE bits. Returns the result, or anything
 * when the function has none. May throw: the exception leaves the guest's frames unchanged and
 * reaches whoever called into the guest.
 */
@FunctionalInterface
public interface HostCall {
    long call(long[] args);
}
