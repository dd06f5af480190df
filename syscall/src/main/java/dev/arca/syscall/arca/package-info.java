/**
 * Handlers of the {@code arca} import module: what WASI preview1 lacks (processes, pipes,
 * descriptor duplication, signals). Signals use Linux's numbers (those of wasi-libc's
 * {@code <signal.h>}); wait statuses use Linux's encoding, so {@code <sys/wait.h>}'s macros work.
 * The SDK's libarca maps POSIX calls onto these; see SyscallTable for each signature and {@link
 * dev.arca.syscall.arca.ArcaAbi} for the structs and numbers, from which the SDK's arca_abi.h is
 * generated.
 */
package dev.arca.syscall.arca;
