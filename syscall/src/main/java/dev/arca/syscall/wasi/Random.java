package dev.arca.syscall.wasi;

import dev.arca.abi.ErrnoException;
import dev.arca.syscall.SyscallContext;

/** random_get. */
public final class Random {
    private Random() {}

    private static final int CHUNK = 1 << 16;

    public static int get(SyscallContext c, long[] a) throws ErrnoException {
        long len = a[1] & 0xFFFF_FFFFL;
        c.memory().check(a[0], len);
        byte[] b = new byte[(int) Math.min(len, CHUNK)];
        for (long done = 0; done < len; done += b.length) {
            int n = (int) Math.min(b.length, len - done);
            c.kernel().host().randomBytes(b);
            c.memory().writeBytes(a[0] + done, b, 0, n);
        }
        return 0;
    }
}
