package dev.arca.syscall.arca;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.kernel.RecordLocks;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.pipe.Pipe;
import dev.arca.syscall.SyscallContext;

/** fd_pipe, fd_dup, fd_dup2, fd_cloexec, fd_lock. */
public final class DescriptorCalls {
    private DescriptorCalls() {}

    /** Rights of pipe ends: streams, no seeking. */
    static final long PIPE_READ_RIGHTS = Wasi.RIGHT_FD_READ | Wasi.RIGHT_FD_FDSTAT_SET_FLAGS
            | Wasi.RIGHT_FD_FILESTAT_GET | Wasi.RIGHT_POLL_FD_READWRITE;
    static final long PIPE_WRITE_RIGHTS = Wasi.RIGHT_FD_WRITE | Wasi.RIGHT_FD_FDSTAT_SET_FLAGS
            | Wasi.RIGHT_FD_FILESTAT_GET | Wasi.RIGHT_POLL_FD_READWRITE;

    public static int pipe(SyscallContext c, long[] a) throws ErrnoException {
        int fdflags = (int) a[1];
        if ((fdflags & ~(Wasi.FDFLAGS_NONBLOCK)) != 0) throw Errno.EINVAL.fail("pipe flags");
        c.memory().check(a[0], 8);
        Pipe p = new Pipe();
        FdTable fds = c.process().fds();
        var r = new FileDescription(null, p.readEnd(), Wasi.FILETYPE_UNKNOWN, true, false, fdflags);
        var w = new FileDescription(null, p.writeEnd(), Wasi.FILETYPE_UNKNOWN, false, true, fdflags);
        int rfd = fds.add(new Descriptor(r, PIPE_READ_RIGHTS, 0, null));
        int wfd;
        try {
            wfd = fds.add(new Descriptor(w, PIPE_WRITE_RIGHTS, 0, null));
        } catch (ErrnoException e) {
            fds.close(rfd);
            p.writeEnd().close();
            throw e;
        }
        c.memory().writeI32(a[0], rfd);
        c.memory().writeI32(a[0] + 4, wfd);
        return 0;
    }

    /** dup / F_DUPFD: the lowest free descriptor at or above {@code min}. */
    public static int dup(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[2], 4);
        FdTable fds = c.process().fds();
        Descriptor d = fds.get((int) a[0]);
        int min = (int) a[1];
        if (min < 0) throw Errno.EINVAL.fail("minimum descriptor " + min);
        c.memory().writeI32(a[2], fds.duplicateAtLeast(d, min));
        return 0;
    }

    public static int dup2(SyscallContext c, long[] a) throws ErrnoException {
        FdTable fds = c.process().fds();
        int fd = (int) a[0], newFd = (int) a[1];
        Descriptor d = fds.get(fd);
        if (fd != newFd) fds.duplicateTo(d, newFd);
        return 0;
    }

    public static int cloexec(SyscallContext c, long[] a) throws ErrnoException {
        int fd = (int) a[0], op = (int) a[1];
        c.memory().check(a[2], 4);
        FdTable fds = c.process().fds();
        Descriptor d = fds.get(fd);
        switch (op) {
            case ArcaAbi.CLOEXEC_GET -> { }
            case ArcaAbi.CLOEXEC_SET -> fds.replace(fd, d.withCloseOnSpawn(true));
            case ArcaAbi.CLOEXEC_CLEAR -> fds.replace(fd, d.withCloseOnSpawn(false));
            default -> throw Errno.EINVAL.fail("op " + op);
        }
        c.memory().writeI32(a[2], d.closeOnSpawn() ? 1 : 0);
        return 0;
    }

    private static final int LOCK_TYPE = ArcaAbi.LOCK.offset("type"), LOCK_PID = ArcaAbi.LOCK.offset("pid"),
            LOCK_START = ArcaAbi.LOCK.offset("start"), LOCK_LEN = ArcaAbi.LOCK.offset("len");

    /**
     * fcntl record locks: (fd, cmd, type, start, len, lock_out). {@code start} is absolute (the
     * SDK resolves l_whence); {@code len} 0 means to the end of the file. For F_GETLK, lock_out
     * gets {type, pid, start, len} of a conflicting lock, or type UNLOCK.
     */
    public static int lock(SyscallContext c, long[] a) throws ErrnoException {
        int cmd = (int) a[1], type = (int) a[2];
        long start = a[3], len = a[4];
        c.memory().check(a[5], ArcaAbi.LOCK.size());
        Descriptor d = c.process().fds().get((int) a[0]);
        FileDescription f = d.file();
        if (f.location() == null || f.isDirectory()) throw Errno.EINVAL.fail("locks need a regular file");
        if (start < 0 || len < 0) throw Errno.EINVAL.fail("negative range");
        if (type == RecordLocks.READ && !f.readable()) throw Errno.EBADF.fail("read lock on a descriptor not open for reading");
        if (type == RecordLocks.WRITE && !f.writable()) throw Errno.EBADF.fail("write lock on a descriptor not open for writing");
        long end = len == 0 ? Long.MAX_VALUE : start + len;
        if (end < 0) end = Long.MAX_VALUE;
        var key = new RecordLocks.FileKey(f.location().mount().id(), f.location().node().stat().inode());
        RecordLocks locks = c.kernel().recordLocks();
        int pid = c.process().pid();
        switch (cmd) {
            case ArcaAbi.F_GETLK -> {
                if (type != RecordLocks.READ && type != RecordLocks.WRITE) throw Errno.EINVAL.fail("lock type");
                RecordLocks.Lock l = locks.conflict(key, pid, type, start, end);
                c.memory().writeI32(a[5] + LOCK_TYPE, l == null ? RecordLocks.UNLOCK : l.type());
                c.memory().writeI32(a[5] + LOCK_PID, l == null ? 0 : l.pid());
                c.memory().writeI64(a[5] + LOCK_START, l == null ? start : l.start());
                c.memory().writeI64(a[5] + LOCK_LEN, l == null ? len : l.end() == Long.MAX_VALUE ? 0 : l.end() - l.start());
            }
            case ArcaAbi.F_SETLK, ArcaAbi.F_SETLKW -> locks.set(key, pid, type, start, end, cmd == ArcaAbi.F_SETLKW);
            default -> throw Errno.EINVAL.fail("lock command " + cmd);
        }
        return 0;
    }
}
