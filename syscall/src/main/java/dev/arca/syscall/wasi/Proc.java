package dev.arca.syscall.wasi;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Signals;
import dev.arca.syscall.ProcessExit;
import dev.arca.syscall.SyscallContext;

/** proc_exit, proc_raise, sched_yield. */
public final class Proc {
    private Proc() {}

    public static int exit(SyscallContext c, long[] a) {
        throw ProcessExit.code((int) a[0]);
    }

    public static int raise(SyscallContext c, long[] a) throws ErrnoException {
        int sig = (int) a[0];
        if (sig < 0 || sig > 30) throw Errno.EINVAL.fail("signal " + sig);
        if (sig == 0) return 0;
        // as kill(getpid(), sig): the signal's disposition applies (WASI numbers converted)
        c.kernel().signal(c.process(), Signals.fromWasi(sig));
        return 0;
    }

    public static int schedYield(SyscallContext c, long[] a) {
        Thread.yield();
        return 0;
    }
}
