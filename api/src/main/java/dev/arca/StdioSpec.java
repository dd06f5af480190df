package dev.arca;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A process's standard streams as configured: a Java stream, the host's own stream ({@code
 * inherit}), or nothing (stdin at end of file, output discarded).
 */
record StdioSpec(InputStream in, OutputStream out, OutputStream err, boolean inheritIn, boolean inheritOut, boolean inheritErr) {
    static final StdioSpec NONE = new StdioSpec(null, null, null, false, false, false);
    static final StdioSpec INHERIT = new StdioSpec(null, null, null, true, true, true);

    StdioSpec withIn(InputStream s) {
        return new StdioSpec(s, out, err, false, inheritOut, inheritErr);
    }

    StdioSpec withOut(OutputStream s) {
        return new StdioSpec(in, s, err, inheritIn, false, inheritErr);
    }

    StdioSpec withErr(OutputStream s) {
        return new StdioSpec(in, out, s, inheritIn, inheritOut, false);
    }
}
