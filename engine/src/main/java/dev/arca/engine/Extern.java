package dev.arca.engine;

/**
 * An instance's export (a function, memory, table, global or tag) as something another instance
 * of the same engine can import. Opaque: each engine has its own.
 */
public interface Extern {}
