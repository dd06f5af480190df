package dev.arca.syscall;

/** How completely Arca implements an import. */
public enum Support {
    /** As specified, for every argument. */
    FULL,
    /** Works, with the differences its note states. */
    PARTIAL,
    /** Always fails with the errno its note states, because Arca has no such object yet. */
    UNSUPPORTED
}
