package dev.arca.cli;

/** With ARCA_TIMING=1, prints milliseconds since {@code main} at each start-up phase (to stderr). */
final class Timing {
    private Timing() {}

    private static final boolean ON = "1".equals(System.getenv("ARCA_TIMING"));
    private static final long T0 = System.nanoTime();

    static void mark(String phase) {
        if (ON) System.err.printf("arca-timing: %6.1f ms %s%n", (System.nanoTime() - T0) / 1e6, phase);
    }
}
