package dev.arca;

import dev.arca.abi.DiagnosticSink;
import dev.arca.host.Host;
import java.time.Instant;

/** Between the public {@link Diagnostics} and the lower layers' {@link DiagnosticSink}. */
final class Sinks {
    private Sinks() {}

    static DiagnosticSink.Kind internal(Diagnostic.Kind k) {
        return switch (k) {
            case SECURITY -> DiagnosticSink.Kind.SECURITY;
            case ERROR -> DiagnosticSink.Kind.ERROR;
            case USAGE -> DiagnosticSink.Kind.USAGE;
            case INTERNAL -> DiagnosticSink.Kind.INTERNAL;
            case WARNING -> DiagnosticSink.Kind.WARNING;
            case NOTICE -> DiagnosticSink.Kind.NOTICE;
            case TRACE -> DiagnosticSink.Kind.TRACE;
            case TIMING -> DiagnosticSink.Kind.TIMING;
        };
    }

    static Diagnostic.Kind external(DiagnosticSink.Kind k) {
        return switch (k) {
            case SECURITY -> Diagnostic.Kind.SECURITY;
            case ERROR -> Diagnostic.Kind.ERROR;
            case USAGE -> Diagnostic.Kind.USAGE;
            case INTERNAL -> Diagnostic.Kind.INTERNAL;
            case WARNING -> Diagnostic.Kind.WARNING;
            case NOTICE -> Diagnostic.Kind.NOTICE;
            case TRACE -> Diagnostic.Kind.TRACE;
            case TIMING -> Diagnostic.Kind.TIMING;
        };
    }

    /**
     * The embedder's sink as the lower layers see it. Its answers to {@link Diagnostics#wants} are
     * taken once (a trace check sits on every syscall), and an exception from it is dropped: a
     * diagnostic must never fail the guest's call that caused it.
     */
    static DiagnosticSink of(Diagnostics d, Host host) {
        boolean[] wanted = new boolean[DiagnosticSink.Kind.values().length];
        for (DiagnosticSink.Kind k : DiagnosticSink.Kind.values()) wanted[k.ordinal()] = safeWants(d, external(k));
        return new DiagnosticSink() {
            @Override
            public void emit(Kind kind, String message, Throwable cause) {
                if (!wanted[kind.ordinal()]) return;
                long nanos = host.realtimeNanos();
                Instant at = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
                try {
                    d.report(new Diagnostic(at, external(kind), message == null ? "" : message, cause));
                } catch (RuntimeException e) {
                    // the embedder's sink failed: nowhere left to say so
                }
            }

            @Override
            public boolean wants(Kind kind) {
                return wanted[kind.ordinal()];
            }
        };
    }

    private static boolean safeWants(Diagnostics d, Diagnostic.Kind k) {
        try {
            return d.wants(k);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
