package dev.arca.abi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@link DiagnosticSink#text} and {@link DiagnosticSink#jsonLines}: whole lines written to one
 * stream under a lock, so lines from several threads never interleave, each flushed at once. The
 * one formatter of Arca's diagnostics (the Java API's sinks use it too).
 */
public final class LineSink implements DiagnosticSink {
    private final OutputStream out; // guarded by this
    private final Set<Kind> kinds;
    private final boolean json;
    private final LongSupplier clockMillis;

    LineSink(OutputStream out, Set<Kind> kinds, boolean json, LongSupplier clockMillis) {
        this.out = out;
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
        this.json = json;
        this.clockMillis = clockMillis;
    }

    @Override
    public boolean wants(Kind kind) {
        return kinds.contains(kind);
    }

    @Override
    public void emit(Kind kind, String message, Throwable cause) {
        if (kinds.contains(kind)) emitAt(kind, message, cause, clockMillis.getAsLong());
    }

    /** As {@link #emit}, for something that happened at {@code timeMillis} (since the epoch). */
    public void emitAt(Kind kind, String message, Throwable cause, long timeMillis) {
        if (!kinds.contains(kind)) return;
        String text = message == null ? "" : message;
        String stack = cause != null && kinds.contains(Kind.TRACE) ? stackTrace(cause) : null;
        StringBuilder sb = new StringBuilder(text.length() + 64);
        if (json) {
            sb.append("{\"time\":");
            quote(sb, Instant.ofEpochMilli(timeMillis).toString());
            sb.append(",\"kind\":");
            quote(sb, kind.id());
            sb.append(",\"message\":");
            quote(sb, text);
            if (stack != null) {
                sb.append(",\"stack\":");
                quote(sb, stack);
            }
            sb.append("}\n");
        } else {
            sb.append(kind.textPrefix());
            oneLine(sb, text);
            sb.append('\n');
            if (stack != null) sb.append(stack);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException | RuntimeException e) {
                // nowhere left to report it: a diagnostic must never fail the caller
            }
        }
    }

    /** As printStackTrace prints it (without suppressed exceptions): the exception, its frames, its causes. */
    private static String stackTrace(Throwable t) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (String prefix = ""; t != null && seen.add(t); t = t.getCause(), prefix = "Caused by: ") {
            sb.append(prefix).append(t).append('\n');
            for (StackTraceElement e : t.getStackTrace()) sb.append("\tat ").append(e).append('\n');
        }
        return sb.toString();
    }

    /** Appends {@code s} with control characters escaped, so it stays one line. */
    static void oneLine(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c < 0x20 && c != '\t' || c == 0x7f || c == '\u2028' || c == '\u2029') sb.append(String.format("\\x%02x", (int) c & 0xff));
            else sb.append(c);
        }
    }

    /** Appends {@code s} as a JSON string. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair (a lone one is escaped). */
    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
