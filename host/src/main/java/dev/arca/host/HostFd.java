package dev.arca.host;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A descriptor of the host that Arca owns: a directory that paths are resolved beneath, a file or
 * directory pinned while a guest descriptor refers to it ({@code O_PATH}), or an open file. The
 * number never leaves the host package.
 *
 * <p>Closing is safe against calls in flight: each call {@link #acquire acquires} the descriptor
 * and {@link #release releases} it, and {@link #close} only marks it; the host descriptor is
 * closed by whichever comes last. So a number is never closed (and reused by the host for another
 * file) while a call on another thread still uses it: the reuse would make that call act on the
 * wrong file.
 */
public final class HostFd implements AutoCloseable {
    private final int fd;
    private final String name; // for error messages
    private final AtomicLong state = new AtomicLong(); // (calls in flight << 1) | closed; -1 once closed on the host

    HostFd(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** The host descriptor, for one call; pair with {@link #release}. Errors: EBADF once closed. */
    int acquire() throws ErrnoException {
        while (true) {
            long s = state.get();
            if ((s & 1) != 0) throw Errno.EBADF.fail(name + " is closed");
            if (state.compareAndSet(s, s + 2)) return fd;
        }
    }

    void release() {
        if (state.addAndGet(-2) == 1 && state.compareAndSet(1, -1)) LinuxCalls.close(fd);
    }

    /** Closes the descriptor once no call uses it. Idempotent. */
    @Override
    public void close() {
        while (true) {
            long s = state.get();
            if ((s & 1) != 0) return;
            if (state.compareAndSet(s, s | 1)) {
                if (s == 0 && state.compareAndSet(1, -1)) LinuxCalls.close(fd);
                return;
            }
        }
    }

    public boolean isOpen() {
        return (state.get() & 1) == 0;
    }

    /** What it was opened as (a host path or a path below a root), for messages. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "HostFd[" + name + "]";
    }
}
