package dev.arca.syscall.wasi;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.syscall.SyscallContext;

/**
 * sock_accept, sock_recv, sock_send, sock_shutdown. No descriptor can be a socket yet (preview1
 * cannot create one, and Arca does not preopen any), so each checks the descriptor and its
 * pointers and then reports ENOTSOCK.
 */
public final class Sockets {
    private Sockets() {}

    private static int notSocket(SyscallContext c, long fd) throws ErrnoException {
        c.process().fds().get((int) fd);
        throw Errno.ENOTSOCK.fail();
    }

    public static int accept(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[2], 4);
        return notSocket(c, a[0]);
    }

    public static int recv(SyscallContext c, long[] a) throws ErrnoException {
        Files.checkIovecs(c.memory(), a[1], a[2]);
        c.memory().check(a[4], 4);
        c.memory().check(a[5], 2);
        return notSocket(c, a[0]);
    }

    public static int send(SyscallContext c, long[] a) throws ErrnoException {
        Files.checkIovecs(c.memory(), a[1], a[2]);
        c.memory().check(a[4], 4);
        return notSocket(c, a[0]);
    }

    public static int shutdown(SyscallContext c, long[] a) throws ErrnoException {
        return notSocket(c, a[0]);
    }
}
