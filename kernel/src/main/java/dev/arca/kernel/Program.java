package dev.arca.kernel;

/**
 * A program ready to run: a module the {@link ProgramLoader} has checked and prepared (for
 * WebAssembly, compiled once per distinct module). Any number of processes may run one program.
 */
public interface Program {
    /** The name it was loaded under (its guest path), for messages. */
    String name();

    /**
     * Runs the program as {@code process}, which the kernel has made with its descriptors, and
     * returns at once: instantiates it, binds its imports to the syscall layer and calls its entry
     * on a thread of its own. When it ends, it calls {@link Kernel#exited}.
     */
    void start(Process process);
}
