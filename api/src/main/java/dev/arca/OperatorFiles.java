package dev.arca;

import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostErrors;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads the files an operator names (programs, manifests, key files) through {@link Host}: regular
 * files only, each kind with its own cap, so {@code /dev/zero}, a FIFO or a huge file is one clear
 * error at once and never a hang or an exhausted heap.
 */
final class OperatorFiles {
    private OperatorFiles() {}

    /** Largest module Arca reads (the same cap a guest's spawn has). */
    static final int MAX_MODULE_BYTES = 256 << 20;
    /** Largest manifest: far above any real one, far below harm. */
    static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Largest key file: 32 bytes, or 64 hex digits with a little white space. */
    static final int MAX_KEY_FILE_BYTES = 4096;

    /**
     * The whole file, at most {@code maxBytes}. Errors: {@code error} applied to one line such as
     * "WHAT PATH: no such file" or "WHAT PATH: not a regular file (fifo)".
     *
     * @param what how the message starts ("manifest ", "key file ", or "")
     */
    static <E extends Exception> byte[] read(Host host, Path file, int maxBytes, String what, Function<String, E> error) throws E {
        try {
            return host.readFile(file, maxBytes);
        } catch (ErrnoException e) {
            throw error.apply(what + file + ": " + HostErrors.describe(e));
        }
    }

    /** The message without its "ERRNO: " prefix: the errno is for guests, the detail for people. */
    static String detail(ErrnoException e) {
        String m = e.getMessage();
        String prefix = e.errno().name() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
