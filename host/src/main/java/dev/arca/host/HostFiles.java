package dev.arca.host;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;

/** Reading a whole host file with a cap, for {@link Host}'s implementations and defaults. */
final class HostFiles {
    private HostFiles() {}

    /** All of {@code f}, at most {@code maxBytes}; EFBIG if larger (or if it grows past the cap). */
    static byte[] readAll(HostFile f, int maxBytes) throws ErrnoException {
        long size = f.size();
        if (size > maxBytes) throw Errno.EFBIG.fail(f.name() + " is larger than " + maxBytes + " bytes");
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min((long) maxBytes + 1, size + 1)); // one more: a file that grew
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = f.read(buf, pos);
            if (n <= 0) break;
            pos += n;
        }
        if (pos > size) throw Errno.EFBIG.fail(f.name() + " grew while it was read");
        byte[] out = new byte[(int) pos];
        buf.flip().get(out);
        return out;
    }
}
