package dev.arca;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A process's standard streams as configured: a Java stream, the host's own stream ({@code
 * inherit}), or nothing (stdin at end of file, output discarded).
 */
record StdioSpec(InputStream in, OutputStream out, OutputStream err, boolean inheritIn, boolean inheritOut, boolean inheritErr,
        int terminals) {
    static final StdioSpec NONE = new StdioSpec(null, null, null, false, false, false, 0);
    static final StdioSpec INHERIT = new StdioSpec(null, null, null, true, true, true, 0);

    StdioSpec withIn(InputStream s) {
        return new StdioSpec(s, out, err, false, inheritOut, inheritErr, terminals);
    }

    StdioSpec withOut(OutputStream s) {
        return new StdioSpec(in, s, err, inheritIn, false, inheritErr, terminals);
    }

    StdioSpec withErr(OutputStream s) {
        return new StdioSpec(in, out, s, inheritIn, inheritOut, false, terminals);
    }

    /** Bit i set: stream i (0 stdin, 1 stdout, 2 stderr), when it is a Java stream, is shown to the guest as a terminal. */
    StdioSpec withTerminals(int bits) {
        return new StdioSpec(in, out, err, inheritIn, inheritOut, inheritErr, bits & 7);
    }

    /** Whether stream i is a terminal: the host's answer for an inherited stream, else as {@link #withTerminals} set. */
    boolean terminal(int i, java.util.function.IntPredicate hostTerminal) {
        boolean inherited = i == 0 ? inheritIn : i == 1 ? inheritOut : inheritErr;
        return inherited ? hostTerminal.test(i) : (terminals & (1 << i)) != 0;
    }
}
