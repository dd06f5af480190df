package dev.arca.engine;

/** A function an instance exports, called from the host. */
public interface ExportedFunction {
    FunctionSignature signature();

    /**
     * Calls the function. Values are boxed: i32 Integer, i64 Long, f32 Float, f64 Double, a
     * reference as the engine's own object (null for a null reference). Returns the results (an
     * empty array when none).
     *
     * @throws Trap when the guest traps (with the trapping guest function named when known)
     * @throws GuestInterrupted when the calling thread was interrupted (a kill or a CPU limit)
     * @throws MemoryLimitExceeded when the guest grew its memory past the operator's limit
     */
    Object[] call(Object... args);
}
