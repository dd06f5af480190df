package dev.arca;

import java.io.OutputStream;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where an instance's {@link Diagnostic}s go: one sink for its security log, errors, warnings,
 * notices, syscall traces and timings. The default writes text lines to the JVM's standard error;
 * an embedder gives its own (to a logger, a list, a socket) or one of the formats here.
 *
 * <p>Contract: {@link #report} is called from any thread (each process runs on its own) and must
 * be thread-safe and quick; an exception it throws is dropped. {@link #wants} is asked once per
 * kind when an instance is created (a trace check sits on every syscall): its answers then hold
 * for that instance.
 */
public interface Diagnostics {

    /** The kinds taken unless told otherwise: all but {@link Diagnostic.Kind#TRACE} and {@link Diagnostic.Kind#TIMING}. */
    Set<Diagnostic.Kind> DEFAULT_KINDS = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Diagnostic.Kind.TRACE, Diagnostic.Kind.TIMING)));

    /** Takes one diagnostic. */
    void report(Diagnostic diagnostic);

    /** Whether diagnostics of {@code kind} are wanted at all (the default: {@link #DEFAULT_KINDS}). */
    default boolean wants(Diagnostic.Kind kind) {
        return DEFAULT_KINDS.contains(kind);
    }

    /**
     * Text lines on {@code out}, as the {@code arca} command prints them ({@code arca: security:
     * volume ...}), with {@code kinds} only. Control characters in a message are escaped, so a
     * file or guest name cannot forge a line. An internal error's stack trace follows its line when
     * {@code kinds} holds {@link Diagnostic.Kind#TRACE}.
     */
    static Diagnostics text(OutputStream out, Set<Diagnostic.Kind> kinds) {
        return new StreamDiagnostics(out, kinds, false);
    }

    /** {@link #text(OutputStream, Set)} with the {@link #DEFAULT_KINDS}. */
    static Diagnostics text(OutputStream out) {
        return text(out, DEFAULT_KINDS);
    }

    /**
     * JSON lines on {@code out} (one object per line, for log collectors):
     * <pre>{"time":"2026-12-03T10:15:30.123Z","kind":"security","message":"volume /v/data.vol: ..."}</pre>
     * with {@code "stack"} added to an internal error when {@code kinds} holds {@link
     * Diagnostic.Kind#TRACE}.
     */
    static Diagnostics jsonLines(OutputStream out, Set<Diagnostic.Kind> kinds) {
        return new StreamDiagnostics(out, kinds, true);
    }

    /** {@link #jsonLines(OutputStream, Set)} with the {@link #DEFAULT_KINDS}. */
    static Diagnostics jsonLines(OutputStream out) {
        return jsonLines(out, DEFAULT_KINDS);
    }

    /** Keeps nothing. */
    static Diagnostics discard() {
        return new Diagnostics() {
            @Override
            public void report(Diagnostic diagnostic) {}

            @Override
            public boolean wants(Diagnostic.Kind kind) {
                return false;
            }
        };
    }
}
