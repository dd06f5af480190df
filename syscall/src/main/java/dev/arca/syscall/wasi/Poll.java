package dev.arca.syscall.wasi;

import static dev.arca.abi.Wasi.*;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * poll_oneoff: waits until a clock subscription expires or a descriptor is ready. Regular files
 * and devices are always ready; standard input is ready when data or end of file is there. A
 * wait ends with EINTR when a signal is to be taken (as Linux's poll and nanosleep, whatever
 * SA_RESTART says: wasi-libc's sleep and nanosleep come here), noticed within {@link
 * #SLICE_NANOS}; before 2026-12-07 it slept on through signals, so a guest waiting on a pipe that
 * never filled never woke (tests/c/wasm-only/syscall_fuzz.c found it).
 */
public final class Poll {
    private Poll() {}

    private static final int SUB_SIZE = 48, EVENT_SIZE = 32;
    /** How often a wait re-checks descriptors that may become ready (standard input). */
    private static final long FD_RECHECK_NANOS = 1_000_000;
    /** The longest sleep between checks for a signal to take. */
    private static final long SLICE_NANOS = 20_000_000;

    private record Sub(long userdata, int tag, int fd, int clock, long deadline) {}

    private record Event(long userdata, int error, int type, long nbytes, int flags) {}

    public static int pollOneoff(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long in = a[0], out = a[1], n = a[2] & 0xFFFF_FFFFL;
        if (n == 0) throw Errno.EINVAL.fail("no subscriptions");
        m.checkArray(in, n, SUB_SIZE);
        m.checkArray(out, n, EVENT_SIZE);
        m.check(a[3], 4);

        List<Sub> subs = new ArrayList<>();
        List<Event> failed = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            long s = in + i * SUB_SIZE;
            long userdata = m.readI64(s);
            int tag = m.readU8(s + 8);
            switch (tag) {
                case EVENTTYPE_CLOCK -> {
                    int clock = m.readI32(s + 16);
                    long timeout = m.readI64(s + 24);
                    int flags = m.readU16(s + 40);
                    long now;
                    try {
                        now = Clocks.now(c, clock);
                    } catch (ErrnoException e) {
                        failed.add(new Event(userdata, e.errno().code(), tag, 0, 0));
                        continue;
                    }
                    long deadline = (flags & SUBCLOCKFLAGS_ABSTIME) != 0 ? timeout : saturatingAdd(now, timeout);
                    subs.add(new Sub(userdata, tag, -1, clock, deadline));
                }
                case EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE -> subs.add(new Sub(userdata, tag, m.readI32(s + 16), -1, 0));
                default -> throw Errno.EINVAL.fail("subscription tag " + tag);
            }
        }

        List<Event> events = new ArrayList<>(failed);
        while (true) {
            long earliest = Long.MAX_VALUE; // nanoseconds until the next clock expires
            boolean waitingOnFd = false;
            for (Sub s : subs) {
                if (s.tag == EVENTTYPE_CLOCK) {
                    long left = s.deadline - Clocks.now(c, s.clock);
                    if (left <= 0) events.add(new Event(s.userdata, 0, s.tag, 0, 0));
                    else earliest = Math.min(earliest, left);
                } else {
                    Event e = fdEvent(c, s);
                    if (e != null) events.add(e);
                    else waitingOnFd = true;
                }
            }
            if (!events.isEmpty()) break;
            Kernel.checkInterrupt(); // a signal to take, or the process stopping: EINTR
            long sleep = Math.min(waitingOnFd ? Math.min(earliest, FD_RECHECK_NANOS) : earliest, SLICE_NANOS);
            try {
                Thread.sleep(Duration.ofNanos(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the process is being stopped
                throw Errno.EINTR.fail();
            }
        }
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            long p = out + (long) i * EVENT_SIZE;
            m.zero(p, EVENT_SIZE);
            m.writeI64(p, e.userdata);
            m.writeU16(p + 8, e.error);
            m.writeU8(p + 10, e.type);
            m.writeI64(p + 16, e.nbytes);
            m.writeU16(p + 24, e.flags);
        }
        m.writeI32(a[3], events.size());
        return 0;
    }

    /** The event for a descriptor subscription if it is ready (or failed), else null. */
    private static Event fdEvent(SyscallContext c, Sub s) {
        Descriptor d;
        try {
            d = c.process().fds().get(s.fd, RIGHT_POLL_FD_READWRITE);
        } catch (ErrnoException e) {
            return new Event(s.userdata, e.errno().code(), s.tag, 0, 0);
        }
        FileDescription f = d.file();
        FileHandle h = f.handle();
        if (h == null) return new Event(s.userdata, Errno.EBADF.code(), s.tag, 0, 0);
        try {
            if (s.tag == EVENTTYPE_FD_WRITE) {
                if (!f.writable()) return new Event(s.userdata, Errno.EBADF.code(), s.tag, 0, 0);
                if (h instanceof dev.arca.kernel.fd.StreamHandle st && !st.writeReady()) return null;
                return new Event(s.userdata, 0, s.tag, 0, 0);
            }
            if (!f.readable()) return new Event(s.userdata, Errno.EBADF.code(), s.tag, 0, 0);
            if (h.seekable()) {
                long left = Math.max(0, h.size() - f.tell());
                return new Event(s.userdata, 0, s.tag, left, 0);
            }
            if (!h.readReady()) return null;
            long avail = h.available();
            return new Event(s.userdata, 0, s.tag, Math.max(avail, 0), avail == 0 ? EVENTRWFLAGS_HANGUP : 0);
        } catch (ErrnoException e) {
            return new Event(s.userdata, e.errno().code(), s.tag, 0, 0);
        }
    }

    private static long saturatingAdd(long a, long b) {
        if (b < 0) return Long.MAX_VALUE; // an unsigned timeout beyond 2^63 ns: forever
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
