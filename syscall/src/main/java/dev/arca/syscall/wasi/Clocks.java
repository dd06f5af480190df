package dev.arca.syscall.wasi;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.syscall.SyscallContext;

/** clock_res_get, clock_time_get. */
public final class Clocks {
    private Clocks() {}

    public static int resGet(SyscallContext c, long[] a) throws ErrnoException {
        long res = switch ((int) a[0]) {
            case Wasi.CLOCK_REALTIME -> 1_000;
            case Wasi.CLOCK_MONOTONIC -> 1;
            case Wasi.CLOCK_PROCESS_CPUTIME_ID, Wasi.CLOCK_THREAD_CPUTIME_ID -> 1_000;
            default -> throw Errno.EINVAL.fail("clock " + a[0]);
        };
        c.memory().writeI64(a[1], res);
        return 0;
    }

    public static int timeGet(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[2], 8);
        c.memory().writeI64(a[2], now(c, (int) a[0]));
        return 0;
    }

    /** The current time of clock {@code id}. Errors: EINVAL for an unknown clock. */
    static long now(SyscallContext c, int id) throws ErrnoException {
        return switch (id) {
            case Wasi.CLOCK_REALTIME -> c.kernel().host().realtimeNanos();
            case Wasi.CLOCK_MONOTONIC -> c.kernel().host().monotonicNanos();
            case Wasi.CLOCK_PROCESS_CPUTIME_ID -> c.process().cpuTimeNanos();
            case Wasi.CLOCK_THREAD_CPUTIME_ID -> c.thread().cpuTimeNanos();
            default -> throw Errno.EINVAL.fail("clock " + id);
        };
    }
}
