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
 * phase times. Standard output stays the command's own output. In a resident node's session
 * ({@link Session}) all of this is the client's: its variables, its standard error.
 */
final class Console {
    private Console() {}

    /** How diagnostics are written. */
    enum LogFormat { text, json }

    private static LogFormat defaultFormat(Session s) {
        return "json".equals(s.env("ARCA_LOG_FORMAT")) ? LogFormat.json : LogFormat.text;
    }

    private static Diagnostics make(Session s, LogFormat f) {
        Set<Diagnostic.Kind> kinds = EnumSet.copyOf(Diagnostics.DEFAULT_KINDS);
        if ("1".equals(s.env("ARCA_TRACE"))) kinds.add(Diagnostic.Kind.TRACE);
        if ("1".equals(s.env("ARCA_TIMING"))) kinds.add(Diagnostic.Kind.TIMING);
        return f == LogFormat.json ? Diagnostics.jsonLines(s.stderr(), kinds) : Diagnostics.text(s.stderr(), kinds);
    }

    /** Switches the current session's format (from {@code --log-format}); the kinds stay those of its environment. */
    static void use(LogFormat f) {
        Session s = Session.current();
        s.format = f;
        s.sink = make(s, f);
    }

    /** Whether lines are JSON (then nothing else may be written to standard error). */
    static boolean json() {
        return format(Session.current()) == LogFormat.json;
    }

    private static LogFormat format(Session s) {
        LogFormat f = s.format;
        return f != null ? f : (s.format = defaultFormat(s));
    }

    static Diagnostics diagnostics() {
        Session s = Session.current();
        Diagnostics d = s.sink;
        return d != null ? d : (s.sink = make(s, format(s)));
    }

    static boolean wants(Diagnostic.Kind kind) {
        return diagnostics().wants(kind);
    }

    static void say(Diagnostic.Kind kind, String message) {
        diagnostics().report(new Diagnostic(Instant.now(), kind, message, null));
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
        diagnostics().report(new Diagnostic(Instant.now(), Diagnostic.Kind.INTERNAL, String.valueOf(t), t));
    }
}
