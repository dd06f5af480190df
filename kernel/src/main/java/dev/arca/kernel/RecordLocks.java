package dev.arca.kernel;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * POSIX advisory record locks (fcntl F_GETLK, F_SETLK, F_SETLKW) shared by every process of the
 * instance, keyed by file (mount and inode). A process's locks on one file never conflict with
 * each other and merge as POSIX says; they are released when the process ends. The monitor of
 * this object guards the table; a blocked F_SETLKW waits on it.
 */
public final class RecordLocks {
    public static final int READ = 0, WRITE = 1, UNLOCK = 2;

    /** One lock: [start, end) held by {@code pid}; end is Long.MAX_VALUE for "to end of file". */
    public record Lock(int pid, int type, long start, long end) {
        boolean overlaps(long s, long e) {
            return start < e && s < end;
        }
    }

    /** A file's identity. */
    public record FileKey(int mount, long inode) {}

    private final Map<FileKey, List<Lock>> locks = new HashMap<>();

    /** The first lock of another process that conflicts with {@code type} on [start, end), or null. */
    public synchronized Lock conflict(FileKey file, int pid, int type, long start, long end) {
        for (Lock l : locks.getOrDefault(file, List.of())) {
            if (l.pid() != pid && l.overlaps(start, end) && (type == WRITE || l.type() == WRITE)) return l;
        }
        return null;
    }

    /**
     * F_SETLK / F_SETLKW: takes, changes or (with UNLOCK) releases the range for {@code pid}.
     * With {@code wait}, blocks until no other process holds a conflicting lock. Errors: EAGAIN
     * (conflict, not waiting), EINTR (a signal while waiting), EINVAL.
     */
    public void set(FileKey file, int pid, int type, long start, long end, boolean wait) throws ErrnoException {
        if (type < READ || type > UNLOCK || start < 0 || end <= start) throw Errno.EINVAL.fail("lock range");
        synchronized (this) {
            while (type != UNLOCK && conflict(file, pid, type, start, end) != null) {
                if (!wait) throw Errno.EAGAIN.fail("locked by another process");
                Kernel.checkInterrupt();
                try {
                    wait(Kernel.SIGNAL_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Errno.EINTR.fail();
                }
            }
            List<Lock> list = locks.computeIfAbsent(file, k -> new ArrayList<>());
            List<Lock> kept = new ArrayList<>();
            for (Lock l : list) {
                if (l.pid() != pid || !l.overlaps(start, end)) {
                    kept.add(l);
                    continue;
                }
                // cut this process's old lock around the new range
                if (l.start() < start) kept.add(new Lock(pid, l.type(), l.start(), start));
                if (l.end() > end) kept.add(new Lock(pid, l.type(), end, l.end()));
            }
            if (type != UNLOCK) kept.add(new Lock(pid, type, start, end));
            if (kept.isEmpty()) locks.remove(file);
            else locks.put(file, kept);
            notifyAll();
        }
    }

    /** Releases every lock of {@code pid} (the process ended). */
    public synchronized void releaseAll(int pid) {
        for (Iterator<List<Lock>> it = locks.values().iterator(); it.hasNext(); ) {
            List<Lock> list = it.next();
            list.removeIf(l -> l.pid() == pid);
            if (list.isEmpty()) it.remove();
        }
        notifyAll();
    }
}
