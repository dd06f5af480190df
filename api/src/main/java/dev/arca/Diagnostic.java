package dev.arca;

import java.time.Instant;
import java.util.Objects;

/**
 * One line Arca reports about an instance: a security event, an error, a warning, a notice, a
 * syscall trace or a start-up timing. The message is one line; for an internal error (a defect in
 * Arca, which the guest saw as {@code EIO}) {@code cause} is the exception, else null.
 *
 * @param time when it happened (the host's clock)
 * @param kind what it is about
 * @param message one line, fit to show as it is
 * @param cause the exception behind an {@link Kind#INTERNAL} line, or null
 */
public record Diagnostic(Instant time, Kind kind, String message, Throwable cause) {

    /** Errors: NullPointerException when the time, kind or message is missing. */
    public Diagnostic {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** What a diagnostic is about; {@link #id} is the {@code kind} field of the JSON-lines format. */
    public enum Kind {
        /** Something refused as tampered or forged: a volume block that fails authentication, a rolled-back volume, a cache entry that fails its check. */
        SECURITY,
        /** What was asked cannot be done (the CLI's exit code 125). */
        ERROR,
        /** A command line that is wrong (the CLI's exit code 2). */
        USAGE,
        /** A defect in Arca: the guest got {@code EIO} and the JVM went on; {@link Diagnostic#cause} holds the exception. */
        INTERNAL,
        /** Something that works but is unsafe or degraded (sim attestation evidence, a skipped file). */
        WARNING,
        /** One line for the operator: how a guest's child process ended at a trap or a limit, a connection served. */
        NOTICE,
        /** One line per syscall, as strace prints: off unless asked for. */
        TRACE,
        /** Start-up phase times: off unless asked for. */
        TIMING;

        /** The lower-case name: "security", "error", ... */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
