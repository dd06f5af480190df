package dev.arca.syscall.arca;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.pipe.Pipe;
import dev.arca.syscall.SyscallContext;

/** fd_pipe, fd_dup, fd_dup2, fd_cloexec. */
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

    public static final int CLOEXEC_GET = 0, CLOEXEC_SET = 1, CLOEXEC_CLEAR = 2;

    public static int cloexec(SyscallContext c, long[] a) throws ErrnoException {
        int fd = (int) a[0], op = (int) a[1];
        c.memory().check(a[2], 4);
        FdTable fds = c.process().fds();
        Descriptor d = fds.get(fd);
        switch (op) {
            case CLOEXEC_GET -> { }
            case CLOEXEC_SET -> fds.replace(fd, d.withCloseOnSpawn(true));
            case CLOEXEC_CLEAR -> fds.replace(fd, d.withCloseOnSpawn(false));
            default -> throw Errno.EINVAL.fail("op " + op);
        }
        c.memory().writeI32(a[2], d.closeOnSpawn() ? 1 : 0);
        return 0;
    }
}
