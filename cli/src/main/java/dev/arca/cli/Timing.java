package dev.arca.cli;

import dev.arca.Diagnostic;

/** With ARCA_TIMING=1, reports milliseconds since the JVM reached {@code main} at each start-up phase. */
final class Timing {
    private Timing() {}

    private static final long T0 = System.nanoTime();

    static void mark(String phase) {
        if (Console.wants(Diagnostic.Kind.TIMING)) Console.say(Diagnostic.Kind.TIMING, String.format("%6.1f ms %s", (System.nanoTime() - T0) / 1e6, phase));
    }
}
