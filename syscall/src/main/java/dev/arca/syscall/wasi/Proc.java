package dev.arca.syscall.wasi;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.syscall.ProcessExit;
import dev.arca.syscall.SyscallContext;

/** proc_exit, proc_raise, sched_yield. */
public final class Proc {
    private Proc() {}

    public static int exit(SyscallContext c, long[] a) {
        throw ProcessExit.code((int) a[0]);
    }

    /** WASI signal numbers (witx {@code signal}) whose default action is to be ignored or to stop. */
    private static boolean ignoredByDefault(int sig) {
        return switch (sig) {
            case 16, 17, 22, 27 -> true; // CHLD, CONT, URG, WINCH: ignore
            case 18, 19, 20, 21 -> true; // STOP, TSTP, TTIN, TTOU: no job control in Arca
            default -> false;
        };
    }

    public static int raise(SyscallContext c, long[] a) throws ErrnoException {
        int sig = (int) a[0];
        if (sig < 0 || sig > 30) throw Errno.EINVAL.fail("signal " + sig);
        if (sig == 0 || ignoredByDefault(sig)) return 0;
        throw ProcessExit.signal(sig);
    }

    public static int schedYield(SyscallContext c, long[] a) {
        Thread.yield();
        return 0;
    }
}
