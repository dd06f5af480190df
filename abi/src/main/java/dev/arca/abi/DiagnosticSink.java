package dev.arca.abi;

import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Where every line Arca writes for its operator goes: security events, errors, warnings, notices,
 * syscall traces and start-up timings. One sink belongs to one instance and is given by whoever
 * builds it (the CLI, the Java API, a test); the layers below only call it, so an embedder can
 * send all of it elsewhere, and nothing in Arca prints to the JVM's standard error by itself.
 *
 * <p>Contract: {@link #emit} may be called from any thread at any time and never throws; a
 * message is one line (an implementation that writes lines escapes control characters in it, so
 * a name taken from a guest or a file cannot forge a line). Callers ask {@link #wants} before
 * building an expensive message (a trace line per syscall).
 */
public interface DiagnosticSink {

    /** What a line is about. The names are those of the JSON-lines format's {@code kind} field. */
    enum Kind {
        /** Something refused as tampered or forged: a volume block, a rolled-back volume, a cache entry. */
        SECURITY("security", "arca: security: "),
        /** What the user asked for cannot be done (the CLI's exit code 125). */
        ERROR("error", "arca: error: "),
        /** The command line itself is wrong (the CLI's exit code 2). */
        USAGE("usage", "arca: "),
        /** A defect in Arca: the guest got EIO and the JVM went on. Carries the exception. */
        INTERNAL("internal", "arca: internal error: "),
        /** Something works but is unsafe or degraded (sim attestation, a skipped file). */
        WARNING("warning", "arca: WARNING: "),
        /** One line for the operator: how a process ended, a connection served. */
        NOTICE("notice", "arca: "),
        /** One line per syscall, as strace prints (off unless asked for). */
        TRACE("trace", "arca-trace: "),
        /** Start-up phase times (off unless asked for). */
        TIMING("timing", "arca-timing: ");

        private final String id;
        private final String prefix;

        Kind(String id, String prefix) {
            this.id = id;
            this.prefix = prefix;
        }

        /** The lower-case name used in JSON lines. */
        public String id() {
            return id;
        }

        /** The start of a text line of this kind, e.g. {@code "arca: security: "}. */
        public String textPrefix() {
            return prefix;
        }
    }

    /** The kinds a sink takes unless told otherwise: all but {@link Kind#TRACE} and {@link Kind#TIMING}. */
    Set<Kind> DEFAULT_KINDS = java.util.Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Kind.TRACE, Kind.TIMING)));

    /**
     * Records one line. {@code cause} is the exception behind an {@link Kind#INTERNAL} line (or
     * null); sinks that write lines print its stack trace only when they take {@link Kind#TRACE}.
     */
    void emit(Kind kind, String message, Throwable cause);

    default void emit(Kind kind, String message) {
        emit(kind, message, null);
    }

    /**
     * {@code nanos} as a TIMING line shows it: milliseconds, one decimal, right-aligned in six
     * characters. Not String.format: its first use loads the JDK's locale data (about 10 ms),
     * which would show in the very phases it times.
     */
    static String millis(long nanos) {
        long tenths = nanos / 100_000;
        String ms = (tenths / 10) + "." + Math.abs(tenths % 10) + " ms";
        return " ".repeat(Math.max(0, 9 - ms.length())) + ms;
    }

    /** Whether lines of this kind are kept (the others are dropped). */
    boolean wants(Kind kind);

    /**
     * Text lines on {@code out}, as Arca has always printed them ({@code arca: security: ...}),
     * each flushed at once; lines of other kinds than {@code kinds} are dropped.
     */
    static LineSink text(OutputStream out, Set<Kind> kinds) {
        return new LineSink(out, kinds, false, System::currentTimeMillis);
    }

    /**
     * JSON lines on {@code out}: one object per line, {@code {"time": ISO-8601, "kind": ...,
     * "message": ...}}, plus {@code "stack"} for an internal error when tracing.
     *
     * @param clockMillis wall-clock time in milliseconds since the epoch, for {@code time}
     */
    static LineSink jsonLines(OutputStream out, Set<Kind> kinds, LongSupplier clockMillis) {
        return new LineSink(out, kinds, true, clockMillis);
    }

    /** A sink that keeps nothing. */
    DiagnosticSink NONE = new DiagnosticSink() {
        @Override
        public void emit(Kind kind, String message, Throwable cause) {}

        @Override
        public boolean wants(Kind kind) {
            return false;
        }
    };

    /**
     * Text lines on the JVM's standard error with the default kinds: what code that was given no
     * sink uses (unit tests, tools). Instances built by the CLI or the Java API are always given one.
     */
    DiagnosticSink STDERR = text(new OutputStream() {
        // System.err as it is at each line (tests replace it), not as it was at class init
        @Override
        public void write(int b) {
            System.err.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.err.write(b, off, len);
        }

        @Override
        public void flush() {
            System.err.flush();
        }
    }, DEFAULT_KINDS);
}
