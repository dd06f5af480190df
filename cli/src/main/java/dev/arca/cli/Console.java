package dev.arca.cli;

import dev.arca.Diagnostic;
import dev.arca.Diagnostics;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The command's one channel to its operator: its own lines (errors, warnings, notices) and the
 * diagnostics of the instances it runs go to one sink on standard error, as text lines or, with
 * {@code --log-format json} or {@code ARCA_LOG_FORMAT=json}, as JSON lines. {@code ARCA_TRACE=1}
 * adds a line per syscall (and stack traces to internal errors), {@code ARCA_TIMING=1} start-up
 * phase times. Standard output stays the command's own output.
 */
final class Console {
    private Console() {}

    /** How diagnostics are written. */
    enum LogFormat { text, json }

    private static volatile LogFormat format = "json".equals(Cli.HOST.environment("ARCA_LOG_FORMAT")) ? LogFormat.json : LogFormat.text;
    private static volatile Diagnostics sink = make(format);

    private static Diagnostics make(LogFormat f) {
        Set<Diagnostic.Kind> kinds = EnumSet.copyOf(Diagnostics.DEFAULT_KINDS);
        if ("1".equals(Cli.HOST.environment("ARCA_TRACE"))) kinds.add(Diagnostic.Kind.TRACE);
        if ("1".equals(Cli.HOST.environment("ARCA_TIMING"))) kinds.add(Diagnostic.Kind.TIMING);
        return f == LogFormat.json ? Diagnostics.jsonLines(Cli.HOST.stderr(), kinds) : Diagnostics.text(Cli.HOST.stderr(), kinds);
    }

    /** Switches the format (from {@code --log-format}); the kinds stay those of the environment. */
    static void use(LogFormat f) {
        format = f;
        sink = make(f);
    }

    /** Whether lines are JSON (then nothing else may be written to standard error). */
    static boolean json() {
        return format == LogFormat.json;
    }

    static Diagnostics diagnostics() {
        return sink;
    }

    static boolean wants(Diagnostic.Kind kind) {
        return sink.wants(kind);
    }

    static void say(Diagnostic.Kind kind, String message) {
        sink.report(new Diagnostic(Instant.now(), kind, message, null));
    }

    static void error(String message) {
        say(Diagnostic.Kind.ERROR, message);
    }

    static void warning(String message) {
        say(Diagnostic.Kind.WARNING, message);
    }

    static void notice(String message) {
        say(Diagnostic.Kind.NOTICE, message);
    }

    /** An internal error: its stack trace is printed only when tracing. */
    static void internal(Throwable t) {
        sink.report(new Diagnostic(Instant.now(), Diagnostic.Kind.INTERNAL, String.valueOf(t), t));
    }
}
