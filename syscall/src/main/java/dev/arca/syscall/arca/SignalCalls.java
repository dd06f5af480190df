package dev.arca.syscall.arca;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Signals;
import dev.arca.syscall.SyscallContext;

/** sig_action, sig_mask (the calling thread's), sig_pending, sig_alarm, sig_cputimer, thread_signal. */
public final class SignalCalls {
    private SignalCalls() {}

    public static int action(SyscallContext c, long[] a) throws ErrnoException {
        int sig = (int) a[0], what = (int) a[1];
        if (what == ArcaAbi.SIG_QUERY) { // changes nothing: a program asks what it inherited at spawn
            c.memory().check(a[2], 4);
            if (sig < 1 || sig > Signals.MAX) throw Errno.EINVAL.fail("signal " + sig);
            c.memory().writeI32(a[2], c.process().disposition(sig));
            return 0;
        }
        if ((what & ~(0xFF | Signals.RESTART)) != 0) throw Errno.EINVAL.fail("disposition flags " + Integer.toHexString(what));
        boolean restart = (what & Signals.RESTART) != 0;
        what &= 0xFF;
        if (restart && what != Signals.HANDLE) throw Errno.EINVAL.fail("ARCA_SIG_RESTART without ARCA_SIG_HANDLE");
        c.memory().check(a[2], 4);
        if (sig < 1 || sig > Signals.MAX) throw Errno.EINVAL.fail("signal " + sig);
        if (what < Signals.DEFAULT || what > Signals.HANDLE) throw Errno.EINVAL.fail("disposition " + what);
        if (Signals.uncatchable(sig) && what != Signals.DEFAULT) throw Errno.EINVAL.fail("signal " + sig + " cannot be caught or ignored");
        if (what == Signals.HANDLE && !c.canHandleSignals()) throw Errno.ENOSYS.fail("module has no " + SyscallContext.SIGNAL_ENTRY + " export");
        c.memory().writeI32(a[2], c.process().setDisposition(sig, restart ? what | Signals.RESTART : what));
        return 0;
    }

    /** thread_signal(tid, sig): pthread_kill. */
    public static int threadSignal(SyscallContext c, long[] a) throws ErrnoException {
        int tid = (int) a[0], sig = (int) a[1];
        if (sig < 0 || sig > Signals.MAX) throw Errno.EINVAL.fail("signal " + sig);
        dev.arca.kernel.GuestThread t = c.process().thread(tid);
        if (t == null) throw Errno.ESRCH.fail("no thread " + tid + " in pid " + c.process().pid());
        if (sig != 0) c.process().deliverTo(t, sig);
        return 0;
    }

    public static int mask(SyscallContext c, long[] a) throws ErrnoException {
        int how = (int) a[0];
        long set = a[1] & ~1L; // bit 0 is no signal
        c.memory().check(a[2], 8);
        long old = c.process().blocked();
        long next = switch (how) {
            case ArcaAbi.SIG_BLOCK -> old | set;
            case ArcaAbi.SIG_UNBLOCK -> old & ~set;
            case ArcaAbi.SIG_SETMASK -> set;
            default -> throw Errno.EINVAL.fail("how " + how);
        };
        c.process().setBlocked(next);
        c.memory().writeI64(a[2], old);
        return 0;
    }

    /** sig_alarm(value_ns, interval_ns, old_value_out, old_interval_out): setitimer(ITIMER_REAL). */
    public static int alarm(SyscallContext c, long[] a) throws ErrnoException {
        long value = a[0], interval = a[1];
        c.memory().check(a[2], 8);
        c.memory().check(a[3], 8);
        if (value == -1) { // getitimer: read it, change nothing
            long[] now = c.kernel().alarmOf(c.process());
            c.memory().writeI64(a[2], now[0]);
            c.memory().writeI64(a[3], now[1]);
            return 0;
        }
        if (value < 0 || interval < 0) throw Errno.EINVAL.fail("negative timer");
        if (value > dev.arca.kernel.Kernel.MAX_TIMER_NANOS || interval > dev.arca.kernel.Kernel.MAX_TIMER_NANOS) {
            throw Errno.EINVAL.fail("timer over 100 years");
        }
        long[] old = c.kernel().setAlarm(c.process(), value, interval);
        c.memory().writeI64(a[2], old[0]);
        c.memory().writeI64(a[3], old[1]);
        return 0;
    }

    /**
     * sig_cputimer(which, value_ns, interval_ns, old_value_out, old_interval_out):
     * setitimer(ITIMER_VIRTUAL or ITIMER_PROF), in the process's CPU time.
     */
    public static int cpuTimer(SyscallContext c, long[] a) throws ErrnoException {
        int which = (int) a[0];
        long value = a[1], interval = a[2];
        if (which != ArcaAbi.ITIMER_VIRTUAL && which != ArcaAbi.ITIMER_PROF) throw Errno.EINVAL.fail("timer " + which);
        c.memory().check(a[3], 8);
        c.memory().check(a[4], 8);
        int w = which == ArcaAbi.ITIMER_VIRTUAL ? 0 : 1;
        long[] old;
        if (value == -1) { // getitimer: read it, change nothing
            old = c.kernel().cpuTimerOf(c.process(), w);
        } else {
            if (value < 0 || interval < 0) throw Errno.EINVAL.fail("negative timer");
            if (value > dev.arca.kernel.Kernel.MAX_TIMER_NANOS || interval > dev.arca.kernel.Kernel.MAX_TIMER_NANOS) {
                throw Errno.EINVAL.fail("timer over 100 years");
            }
            old = c.kernel().setCpuTimer(c.process(), w, value, interval);
        }
        c.memory().writeI64(a[3], old[0]);
        c.memory().writeI64(a[4], old[1]);
        return 0;
    }

    public static int pending(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().writeI64(a[0], c.process().pendingMask());
        return 0;
    }
}
