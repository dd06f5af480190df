package dev.arca.syscall.wasi;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.kernel.Signals;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.net.Socket;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import dev.arca.syscall.arca.SocketCalls;
import java.nio.ByteBuffer;

/**
 * Preview1's sock_accept, sock_recv, sock_send and sock_shutdown, on the same kernel sockets as
 * the {@code arca} module's socket calls (docs/sockets.md): programs built for plain WASI that are
 * handed a socket (inherited across a spawn) can use it.
 */
public final class Sockets {
    private Sockets() {}

    /**
     * The socket at {@code fd}. Errors: EBADF, ENOTSOCK (before any missing right, as the
     * wasi-testsuite expects), ENOTCAPABLE.
     */
    private static Socket socket(SyscallContext c, long fd, long rights) throws ErrnoException {
        Descriptor d = c.fd(fd, 0);
        if (!(d.file().handle() instanceof Socket s)) throw Errno.ENOTSOCK.fail("fd " + (int) fd);
        c.fd(fd, rights);
        return s;
    }

    private static boolean nonBlocking(SyscallContext c, long fd) throws ErrnoException {
        return (c.process().fds().get((int) fd).file().flags() & Wasi.FDFLAGS_NONBLOCK) != 0;
    }

    public static int accept(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[2], 4);
        int fdflags = (int) a[1];
        if ((fdflags & ~Wasi.FDFLAGS_NONBLOCK) != 0) throw Errno.EINVAL.fail("fdflags");
        Socket s = socket(c, a[0], Wasi.RIGHT_SOCK_ACCEPT);
        Socket.Accepted got = s.accept(nonBlocking(c, a[0]));
        int fd = SocketCalls.install(c.process().fds(), got.socket(), (fdflags & Wasi.FDFLAGS_NONBLOCK) != 0, false);
        c.memory().writeI32(a[2], fd);
        return 0;
    }

    public static int recv(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long[] iov = Files.checkIovecs(m, a[1], a[2]);
        m.check(a[4], 4);
        m.check(a[5], 2);
        int ri = (int) a[3];
        if ((ri & ~(Wasi.RIFLAGS_RECV_PEEK | Wasi.RIFLAGS_RECV_WAITALL)) != 0) throw Errno.EINVAL.fail("riflags");
        int flags = ((ri & Wasi.RIFLAGS_RECV_PEEK) != 0 ? Socket.MSG_PEEK : 0)
                | ((ri & Wasi.RIFLAGS_RECV_WAITALL) != 0 ? Socket.MSG_WAITALL : 0);
        Socket s = socket(c, a[0], Wasi.RIGHT_FD_READ);
        long sum = 0;
        for (int i = 1; i < iov.length; i += 2) sum += iov[i];
        byte[] buf = new byte[(int) Math.min(sum, 1 << 20)];
        Socket.Received r = s.receive(ByteBuffer.wrap(buf), flags, nonBlocking(c, a[0]));
        int n = Math.min(r.count(), buf.length), at = 0;
        for (int i = 0; i < iov.length && at < n; i += 2) {
            int k = (int) Math.min(iov[i + 1], n - at);
            m.writeBytes(iov[i], buf, at, k);
            at += k;
        }
        m.writeI32(a[4], n);
        m.writeU16(a[5], (r.flags() & Socket.MSG_TRUNC) != 0 ? Wasi.ROFLAGS_RECV_DATA_TRUNCATED : 0);
        return 0;
    }

    public static int send(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long[] iov = Files.checkIovecs(m, a[1], a[2]);
        m.check(a[4], 4);
        if (a[3] != 0) throw Errno.EINVAL.fail("siflags");
        Socket s = socket(c, a[0], Wasi.RIGHT_FD_WRITE);
        long sum = 0;
        for (int i = 1; i < iov.length; i += 2) sum += iov[i];
        byte[] all = new byte[(int) Math.min(sum, 1 << 20)];
        int at = 0;
        for (int i = 0; i < iov.length && at < all.length; i += 2) {
            int k = (int) Math.min(iov[i + 1], all.length - at);
            m.readBytes(iov[i], all, at, k);
            at += k;
        }
        int n;
        try {
            n = s.send(ByteBuffer.wrap(all), 0, null, nonBlocking(c, a[0]));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EPIPE) c.kernel().signal(c.process(), Signals.SIGPIPE);
            throw e;
        }
        m.writeI32(a[4], n);
        return 0;
    }

    public static int shutdown(SyscallContext c, long[] a) throws ErrnoException {
        int sd = (int) a[1];
        int how = switch (sd) {
            case Wasi.SDFLAGS_RD -> Socket.SHUT_RD;
            case Wasi.SDFLAGS_WR -> Socket.SHUT_WR;
            case Wasi.SDFLAGS_RD | Wasi.SDFLAGS_WR -> Socket.SHUT_RDWR;
            default -> throw Errno.EINVAL.fail("sdflags " + sd);
        };
        socket(c, a[0], Wasi.RIGHT_SOCK_SHUTDOWN).shutdown(how);
        return 0;
    }
}
