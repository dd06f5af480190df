package dev.arca.cli;

import dev.arca.Diagnostic;

/** With ARCA_TIMING=1, reports milliseconds since the JVM reached {@code main} (in a resident node: since the client's request arrived) at each start-up phase. */
final class Timing {
    private Timing() {}

    static void mark(String phase) {
        if (Console.wants(Diagnostic.Kind.TIMING)) {
            Console.say(Diagnostic.Kind.TIMING, dev.arca.abi.DiagnosticSink.millis(System.nanoTime() - Session.current().t0) + " " + phase);
        }
    }
}
