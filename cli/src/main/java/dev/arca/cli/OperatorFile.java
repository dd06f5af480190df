package dev.arca.cli;

import dev.arca.abi.ErrnoException;
import dev.arca.host.HostErrors;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The files the operator names on the command line (evidence, collateral, policies, key files,
 * outputs), read and written through the host door: reads take regular files only, each with a
 * cap, so {@code /dev/zero} or a FIFO is one line at once and never a hang.
 */
final class OperatorFile {
    private OperatorFile() {}

    static final int MAX_KEY_FILE = 4096;
    static final int MAX_POLICY = 1 << 20;
    static final int MAX_EVIDENCE = 1 << 20;
    static final int MAX_COLLATERAL = 16 << 20;

    /** The whole file. Errors: UserError "WHAT PATH: REASON" (what: "--key-file ", "policy ", ...). */
    static byte[] read(Path file, int maxBytes, String what) throws UserError {
        try {
            return Cli.HOST.readFile(file, maxBytes);
        } catch (ErrnoException e) {
            throw new UserError(what + file + ": " + HostErrors.describe(e));
        }
    }

    /** Writes {@code data} to {@code file}, created (mode 0644) or truncated. Errors: UserError naming it. */
    static void write(Path file, byte[] data, String what) throws UserError {
        try (var f = Cli.HOST.openFile(file, OpenMode.create(0644).truncating())) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) f.write(b, b.position());
        } catch (ErrnoException e) {
            throw new UserError(what + file + ": cannot write: " + HostErrors.describe(e));
        }
    }
}
