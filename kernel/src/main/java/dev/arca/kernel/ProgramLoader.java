package dev.arca.kernel;

import dev.arca.abi.ErrnoException;

/**
 * The engine's part of starting a process, which the kernel calls and cannot do itself (the
 * kernel does not depend on the engine or the syscall layer; the syscall layer implements this).
 * The kernel finds and reads the module, applies file actions, makes the process and keeps it
 * within the limits; the loader only turns bytes into a {@link Program}.
 */
public interface ProgramLoader {
    /** Checks and prepares a module. Errors: ENOEXEC with a one-line reason when it is not a valid program. */
    Program load(String name, byte[] module) throws ErrnoException;
}
