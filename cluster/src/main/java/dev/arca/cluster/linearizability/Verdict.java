package dev.arca.cluster.linearizability;

/** The outcome of a check. */
public enum Verdict {
    /** The search finished and found a linearization. */
    OK,
    /** The search finished and proved that no linearization exists. */
    ILLEGAL,
    /** The search did not finish (time or memory ran out): nothing is claimed. */
    UNKNOWN
}
