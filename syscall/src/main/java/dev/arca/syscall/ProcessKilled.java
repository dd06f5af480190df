package dev.arca.syscall;

/** Thrown through the guest's frames when the kernel or a signal stops the process at a syscall. */
final class ProcessKilled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProcessKilled() {
        super(null, null, false, false);
    }
}
