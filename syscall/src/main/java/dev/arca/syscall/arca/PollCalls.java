package dev.arca.syscall.arca;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.fd.PollWaiter;
import dev.arca.kernel.fd.Pollable;
import dev.arca.kernel.fd.StreamHandle;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * fd_poll: ppoll(2) with Linux's bits over every kind of descriptor (docs/sockets.md,
 * "Readiness"). Readiness is computed from each object on every pass; sockets (and any other
 * {@link Pollable}) wake the wait when they change; other streams are checked again every
 * millisecond; signals and kills are seen within a 20 ms slice.
 */
public final class PollCalls {
    private PollCalls() {}

    static final int POLLFD_SIZE = 8;
    private static final long SLICE_NANOS = 20_000_000, RECHECK_NANOS = 1_000_000;

    public static int poll(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long n = a[1] & 0xFFFF_FFFFL;
        long timeout = a[2];
        if (n > c.process().limits().openFiles()) throw Errno.EINVAL.fail(n + " descriptors, above the open-file limit");
        m.checkArray(a[0], n, POLLFD_SIZE);
        m.check(a[4], 4);
        int[] fds = new int[(int) n];
        int[] events = new int[(int) n];
        for (int i = 0; i < n; i++) {
            fds[i] = m.readI32(a[0] + (long) i * POLLFD_SIZE);
            events[i] = m.readU16(a[0] + (long) i * POLLFD_SIZE + 4);
        }
        if ((a[3] & 0xFFFF_FFFFL) != 0) { // ppoll/pselect: this mask during the wait, the old one after
            long mask = m.readI64(a[3]);
            c.replaceMaskUntilReturn(mask);
        }
        long deadline = timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + timeout;
        PollWaiter waiter = new PollWaiter();
        Set<Pollable> watched = Collections.newSetFromMap(new IdentityHashMap<>());
        int[] revents = new int[(int) n];
        try {
            while (true) {
                int ready = 0;
                boolean unwatchable = false;
                for (int i = 0; i < n; i++) {
                    revents[i] = 0;
                    if (fds[i] < 0) continue;
                    FileDescription f;
                    try {
                        f = c.process().fds().get(fds[i]).file();
                    } catch (ErrnoException e) {
                        revents[i] = Pollable.POLLNVAL;
                        ready++;
                        continue;
                    }
                    FileHandle h = f.handle();
                    int ev;
                    if (h instanceof Pollable p) {
                        // watch first, then look: a change between the look and the watch would
                        // wake nobody, and the poll would sleep a whole slice with data waiting
                        if (watched.add(p)) p.watch(waiter);
                        ev = p.pollEvents();
                    } else {
                        ev = streamEvents(f, h);
                        if (h instanceof StreamHandle || (h != null && !h.seekable())) unwatchable = true;
                    }
                    revents[i] = ev & (events[i] | Pollable.POLLERR | Pollable.POLLHUP | Pollable.POLLNVAL);
                    if (revents[i] != 0) ready++;
                }
                long now = System.nanoTime();
                if (ready > 0 || now >= deadline) {
                    for (int i = 0; i < n; i++) m.writeU16(a[0] + (long) i * POLLFD_SIZE + 6, revents[i]);
                    m.writeI32(a[4], ready);
                    return 0;
                }
                Kernel.checkInterrupt();
                long wait = Math.min(deadline - now, unwatchable ? RECHECK_NANOS : SLICE_NANOS);
                waiter.await(wait);
                if (Thread.currentThread().isInterrupted()) throw Errno.EINTR.fail();
            }
        } finally {
            for (Pollable p : watched) p.unwatch(waiter);
        }
    }

    /** Events of a descriptor that does not wake polls: files, directories, pipes, standard streams. */
    static int streamEvents(FileDescription f, FileHandle h) {
        int in = Pollable.POLLIN | Pollable.POLLRDNORM, out = Pollable.POLLOUT | Pollable.POLLWRNORM;
        if (h == null || h.seekable()) return (f.readable() || h == null ? in : 0) | (f.writable() ? out : 0);
        int ev = 0;
        if (f.readable() && h.readReady()) {
            ev |= in;
            if (h instanceof StreamHandle && h.available() == 0) ev |= Pollable.POLLHUP; // a pipe with no writer left
        }
        if (f.writable()) {
            if (!(h instanceof StreamHandle st) || st.writeReady()) ev |= out;
        }
        return ev;
    }
}
