/**
 * Handlers of the {@code arca} import module: what WASI preview1 lacks (processes, pipes,
 * descriptor duplication, signals). Signals use Linux's numbers (those of wasi-libc's
 * {@code <signal.h>}); wait statuses use Linux's encoding, so {@code <sys/wait.h>}'s macros work.
 * The SDK's libarca maps POSIX calls onto these; see SyscallTable for each signature.
 */
package dev.arca.syscall.arca;
