package dev.arca.syscall.arca;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.kernel.Signals;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.net.SockAddr;
import dev.arca.kernel.net.Socket;
import dev.arca.kernel.net.SocketOptions;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The socket calls of the {@code arca} module (docs/sockets.md): each checks the guest's
 * pointers, decodes addresses and options, and hands the typed call to the socket.
 */
public final class SocketCalls {
    private SocketCalls() {}

    static final int SOCK_NONBLOCK = 0x4000, SOCK_CLOEXEC = 0x2000;
    static final int SOL_SOCKET = 1, SOL_SOCKET_WASI = 0x7fffffff, IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_IPV6 = 41;
    /** Longest address the guest may pass (Linux's sockaddr_storage). */
    static final int MAX_ADDR = 128;
    /** Most bytes one send or receive moves (larger requests are served in part, as allowed). */
    static final int MAX_IO = 1 << 20;

    public static final long SOCKET_RIGHTS = Wasi.RIGHT_FD_READ | Wasi.RIGHT_FD_WRITE | Wasi.RIGHT_FD_FDSTAT_SET_FLAGS
            | Wasi.RIGHT_FD_FILESTAT_GET | Wasi.RIGHT_POLL_FD_READWRITE | Wasi.RIGHT_SOCK_SHUTDOWN | Wasi.RIGHT_SOCK_ACCEPT;

    // ---- descriptors ---------------------------------------------------------------------------

    static Socket socket(SyscallContext c, long fd) throws ErrnoException {
        Descriptor d = c.process().fds().get((int) fd);
        if (!(d.file().handle() instanceof Socket s)) throw Errno.ENOTSOCK.fail("fd " + (int) fd);
        return s;
    }

    static boolean nonBlocking(SyscallContext c, long fd) throws ErrnoException {
        return (c.process().fds().get((int) fd).file().flags() & Wasi.FDFLAGS_NONBLOCK) != 0;
    }

    /** Installs {@code s} as a new descriptor. The socket is closed if that fails (EMFILE). */
    public static int install(FdTable fds, Socket s, boolean nonBlock, boolean cloexec) throws ErrnoException {
        byte type = (byte) (s.type() == Socket.SOCK_STREAM ? Wasi.FILETYPE_SOCKET_STREAM : Wasi.FILETYPE_SOCKET_DGRAM);
        var f = new FileDescription(null, s, type, true, true, nonBlock ? Wasi.FDFLAGS_NONBLOCK : 0);
        try {
            return fds.add(new Descriptor(f, SOCKET_RIGHTS, 0, null, cloexec));
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
    }

    // ---- addresses -----------------------------------------------------------------------------

    static SockAddr readAddr(GuestMemory m, long ptr, long len, int domain) throws ErrnoException {
        long n = len & 0xFFFF_FFFFL;
        if (n < 2 || n > MAX_ADDR) throw Errno.EINVAL.fail("address length " + n);
        return SockAddr.decode(m.readBytes(ptr, n), domain);
    }

    /** Writes {@code a} to (addr, *len) as Linux does: at most *len bytes, the full length to *len. */
    static void writeAddr(GuestMemory m, long ptr, long lenPtr, SockAddr a, int domain) throws ErrnoException {
        if ((ptr & 0xFFFF_FFFFL) == 0 || (lenPtr & 0xFFFF_FFFFL) == 0) return;
        long cap = m.readU32(lenPtr);
        byte[] b = a.encode(domain);
        int n = (int) Math.min(cap, b.length);
        m.check(ptr, n);
        m.writeBytes(ptr, b, 0, n);
        m.writeI32(lenPtr, b.length);
    }

    // ---- calls ---------------------------------------------------------------------------------

    public static int open(SyscallContext c, long[] a) throws ErrnoException {
        int domain = (int) a[0], type = (int) a[1], protocol = (int) a[2];
        c.memory().check(a[3], 4);
        if ((type & ~(0xFF | SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) throw Errno.EINVAL.fail("socket type flags");
        Socket s = c.kernel().network().open(domain, type & 0xFF, protocol);
        int fd = install(c.process().fds(), s, (type & SOCK_NONBLOCK) != 0, (type & SOCK_CLOEXEC) != 0);
        c.memory().writeI32(a[3], fd);
        return 0;
    }

    public static int pair(SyscallContext c, long[] a) throws ErrnoException {
        int domain = (int) a[0], type = (int) a[1], protocol = (int) a[2];
        c.memory().check(a[3], 8);
        if ((type & ~(0xFF | SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) throw Errno.EINVAL.fail("socket type flags");
        Socket[] s = c.kernel().network().pair(domain, type & 0xFF, protocol);
        boolean nb = (type & SOCK_NONBLOCK) != 0, ce = (type & SOCK_CLOEXEC) != 0;
        FdTable fds = c.process().fds();
        int fd0;
        try {
            fd0 = install(fds, s[0], nb, ce);
        } catch (ErrnoException e) {
            s[1].close();
            throw e;
        }
        int fd1;
        try {
            fd1 = install(fds, s[1], nb, ce);
        } catch (ErrnoException e) {
            fds.close(fd0);
            throw e;
        }
        c.memory().writeI32(a[3], fd0);
        c.memory().writeI32(a[3] + 4, fd1);
        return 0;
    }

    public static int bind(SyscallContext c, long[] a) throws ErrnoException {
        Socket s = socket(c, a[0]);
        s.bind(readAddr(c.memory(), a[1], a[2], s.domain()));
        return 0;
    }

    public static int listen(SyscallContext c, long[] a) throws ErrnoException {
        Socket s = socket(c, a[0]);
        s.listen((int) a[1]);
        return 0;
    }

    public static int accept4(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        int flags = (int) a[3];
        if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) throw Errno.EINVAL.fail("accept flags");
        if ((a[1] & 0xFFFF_FFFFL) != 0) {
            m.check(a[2], 4);
            m.check(a[1], m.readU32(a[2]));
        }
        m.check(a[4], 4);
        Socket s = socket(c, a[0]);
        Socket.Accepted got = s.accept(nonBlocking(c, a[0]));
        int fd = install(c.process().fds(), got.socket(), (flags & SOCK_NONBLOCK) != 0, (flags & SOCK_CLOEXEC) != 0);
        writeAddr(m, a[1], a[2], got.peer(), s.domain());
        m.writeI32(a[4], fd);
        return 0;
    }

    public static int connect(SyscallContext c, long[] a) throws ErrnoException {
        Socket s = socket(c, a[0]);
        SockAddr to = readAddr(c.memory(), a[1], a[2], s.type() == Socket.SOCK_DGRAM && isUnspec(c.memory(), a[1]) ? SockAddr.AF_UNSPEC : s.domain());
        s.connect(to, nonBlocking(c, a[0]));
        return 0;
    }

    private static boolean isUnspec(GuestMemory m, long ptr) throws ErrnoException {
        return m.readU16(ptr) == SockAddr.AF_UNSPEC;
    }

    public static int name(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        m.check(a[3], 4);
        m.check(a[2], m.readU32(a[3]));
        Socket s = socket(c, a[0]);
        SockAddr addr = switch ((int) a[1]) {
            case 0 -> s.localAddress();
            case 1 -> s.peerAddress();
            default -> throw Errno.EINVAL.fail("which " + a[1]);
        };
        writeAddr(m, a[2], a[3], addr, s.domain());
        return 0;
    }

    public static int shutdown(SyscallContext c, long[] a) throws ErrnoException {
        socket(c, a[0]).shutdown((int) a[1]);
        return 0;
    }

    /** Gathers the iovecs into one buffer (at most MAX_IO bytes): one send, one copy. */
    static ByteBuffer gather(GuestMemory m, long iovs, long count) throws ErrnoException {
        long[] iov = iovecs(m, iovs, count);
        long sum = 0;
        for (int i = 1; i < iov.length; i += 2) sum += iov[i];
        byte[] all = new byte[(int) Math.min(sum, MAX_IO)];
        int at = 0;
        for (int i = 0; i < iov.length && at < all.length; i += 2) {
            int n = (int) Math.min(iov[i + 1], all.length - at);
            m.readBytes(iov[i], all, at, n);
            at += n;
        }
        return ByteBuffer.wrap(all);
    }

    /** Checks an iovec array and its buffers; {ptr, len} pairs. */
    static long[] iovecs(GuestMemory m, long iovs, long count) throws ErrnoException {
        long n = count & 0xFFFF_FFFFL;
        if (n > 1024) throw Errno.EINVAL.fail("more than IOV_MAX iovecs");
        m.checkArray(iovs, n, 8);
        long[] out = new long[(int) n * 2];
        for (int i = 0; i < n; i++) {
            long ptr = m.readU32(iovs + 8L * i), len = m.readU32(iovs + 8L * i + 4);
            m.check(ptr, len);
            out[2 * i] = ptr;
            out[2 * i + 1] = len;
        }
        return out;
    }

    /** Scatters {@code data}'s first {@code n} bytes over the iovecs. */
    static void scatter(GuestMemory m, long[] iov, byte[] data, int n) throws ErrnoException {
        int at = 0;
        for (int i = 0; i < iov.length && at < n; i += 2) {
            int k = (int) Math.min(iov[i + 1], n - at);
            m.writeBytes(iov[i], data, at, k);
            at += k;
        }
    }

    static int sendFlags(int flags) throws ErrnoException {
        int known = Socket.MSG_OOB | Socket.MSG_DONTWAIT | Socket.MSG_NOSIGNAL | 0x8000 /* MSG_MORE */ | 0x80 /* MSG_EOR */;
        if ((flags & ~known) != 0) throw Errno.ENOTSUP.fail("send flags 0x" + Integer.toHexString(flags));
        return flags;
    }

    public static int sendto(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        int flags = sendFlags((int) a[3]);
        m.check(a[6], 4);
        ByteBuffer data = gather(m, a[1], a[2]);
        Socket s = socket(c, a[0]);
        SockAddr to = (a[4] & 0xFFFF_FFFFL) == 0 ? null : readAddr(m, a[4], a[5], s.domain());
        int n;
        try {
            n = s.send(data, flags & ~Socket.MSG_OOB, to, nonBlocking(c, a[0]));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EPIPE && (flags & Socket.MSG_NOSIGNAL) == 0) c.kernel().signal(c.process(), Signals.SIGPIPE);
            throw e;
        }
        m.writeI32(a[6], n);
        return 0;
    }

    public static int recvfrom(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        int flags = (int) a[3];
        int known = Socket.MSG_OOB | Socket.MSG_PEEK | Socket.MSG_DONTWAIT | Socket.MSG_WAITALL | Socket.MSG_TRUNC;
        if ((flags & ~known) != 0) throw Errno.ENOTSUP.fail("recv flags 0x" + Integer.toHexString(flags));
        long[] iov = iovecs(m, a[1], a[2]);
        if ((a[4] & 0xFFFF_FFFFL) != 0) {
            m.check(a[5], 4);
            m.check(a[4], m.readU32(a[5]));
        }
        m.check(a[6], 4);
        m.check(a[7], 4);
        long sum = 0;
        for (int i = 1; i < iov.length; i += 2) sum += iov[i];
        Socket s = socket(c, a[0]);
        byte[] buf = new byte[(int) Math.min(sum, MAX_IO)];
        Socket.Received r = s.receive(ByteBuffer.wrap(buf), flags, nonBlocking(c, a[0]));
        scatter(m, iov, buf, Math.min(r.count(), buf.length));
        if (r.from() != null) writeAddr(m, a[4], a[5], r.from(), s.domain());
        else if ((a[5] & 0xFFFF_FFFFL) != 0) m.writeI32(a[5], 0);
        m.writeI32(a[6], r.count());
        m.writeI32(a[7], r.flags());
        return 0;
    }

    // ---- options -------------------------------------------------------------------------------

    private static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8,
            SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO = 20,
            SO_SNDTIMEO = 21, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
    private static final int TCP_NODELAY = 1, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6, TCP_DEFER_ACCEPT = 9;
    private static final int IP_TOS = 1, IP_TTL = 2, IPV6_V6ONLY = 26;

    public static int getopt(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        m.check(a[4], 4);
        long cap = m.readU32(a[4]);
        m.check(a[3], cap);
        Socket s = socket(c, a[0]);
        int level = level((int) a[1]), name = (int) a[2];
        byte[] value;
        SocketOptions o = s.options();
        synchronized (s) {
            value = switch (level) {
                case SOL_SOCKET -> switch (name) {
                    case SO_REUSEADDR -> i32(o.reuseAddress);
                    case SO_TYPE -> i32(s.type());
                    case SO_ERROR -> null; // outside the lock: below
                    case SO_BROADCAST -> i32(o.broadcast);
                    case SO_SNDBUF -> i32(o.sendBuffer);
                    case SO_RCVBUF -> i32(o.receiveBuffer);
                    case SO_KEEPALIVE -> i32(o.keepAlive);
                    case SO_LINGER -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(o.linger >= 0 ? 1 : 0)
                            .putInt(Math.max(0, o.linger)).array();
                    case SO_REUSEPORT -> i32(o.reusePort);
                    case SO_RCVLOWAT -> i32(o.receiveLowWater);
                    case SO_SNDLOWAT -> i32(1);
                    case SO_RCVTIMEO -> timeval(o.receiveTimeout);
                    case SO_SNDTIMEO -> timeval(o.sendTimeout);
                    case SO_ACCEPTCONN -> null;
                    case SO_PROTOCOL -> i32(s.protocol());
                    case SO_DOMAIN -> i32(s.domain());
                    default -> throw Errno.ENOPROTOOPT.fail("SOL_SOCKET option " + name);
                };
                case IPPROTO_TCP -> {
                    tcpOnly(s);
                    yield switch (name) {
                        case TCP_NODELAY -> i32(o.noDelay);
                        case TCP_KEEPIDLE -> i32(o.keepIdle);
                        case TCP_KEEPINTVL -> i32(o.keepInterval);
                        case TCP_KEEPCNT -> i32(o.keepCount);
                        case TCP_DEFER_ACCEPT -> i32(o.deferAccept);
                        default -> throw Errno.ENOPROTOOPT.fail("IPPROTO_TCP option " + name);
                    };
                }
                case IPPROTO_IPV6 -> {
                    if (s.domain() != SockAddr.AF_INET6) throw Errno.ENOPROTOOPT.fail("not an IPv6 socket");
                    if (name != IPV6_V6ONLY) throw Errno.ENOPROTOOPT.fail("IPPROTO_IPV6 option " + name);
                    yield i32(o.v6only);
                }
                case IPPROTO_IP -> {
                    if (s.domain() == SockAddr.AF_UNIX) throw Errno.ENOPROTOOPT.fail("not an IP socket");
                    yield switch (name) {
                        case IP_TOS -> i32(o.tos);
                        case IP_TTL -> i32(o.ttl);
                        default -> throw Errno.ENOPROTOOPT.fail("IPPROTO_IP option " + name);
                    };
                }
                default -> throw Errno.ENOPROTOOPT.fail("level " + level);
            };
        }
        if (value == null) value = i32(name == SO_ERROR ? s.takeError() : s.listening() ? 1 : 0);
        int n = (int) Math.min(cap, value.length);
        m.writeBytes(a[3], value, 0, n);
        m.writeI32(a[4], n);
        return 0;
    }

    public static int setopt(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long len = a[4] & 0xFFFF_FFFFL;
        if (len > 256) throw Errno.EINVAL.fail("option length " + len);
        byte[] v = m.readBytes(a[3], len);
        Socket s = socket(c, a[0]);
        int level = level((int) a[1]), name = (int) a[2];
        SocketOptions o = s.options();
        synchronized (s) {
            switch (level) {
                case SOL_SOCKET -> {
                    switch (name) {
                        case SO_REUSEADDR -> o.reuseAddress = bool(v);
                        case SO_BROADCAST -> o.broadcast = bool(v);
                        case SO_SNDBUF -> o.sendBuffer = clamp(int32(v));
                        case SO_RCVBUF -> o.receiveBuffer = clamp(int32(v));
                        case SO_KEEPALIVE -> o.keepAlive = bool(v);
                        case SO_LINGER -> {
                            if (v.length < 8) throw Errno.EINVAL.fail("struct linger of " + v.length + " bytes");
                            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
                            int on = b.getInt(0), secs = b.getInt(4);
                            o.linger = on == 0 ? -1 : Math.max(0, secs);
                        }
                        case SO_REUSEPORT -> o.reusePort = bool(v);
                        case SO_RCVLOWAT -> o.receiveLowWater = Math.max(1, int32(v));
                        case SO_RCVTIMEO -> o.receiveTimeout = timevalNanos(v);
                        case SO_SNDTIMEO -> o.sendTimeout = timevalNanos(v);
                        case SO_TYPE, SO_ERROR, SO_ACCEPTCONN, SO_PROTOCOL, SO_DOMAIN, SO_SNDLOWAT ->
                                throw Errno.ENOPROTOOPT.fail("option " + name + " cannot be set");
                        default -> throw Errno.ENOPROTOOPT.fail("SOL_SOCKET option " + name);
                    }
                }
                case IPPROTO_TCP -> {
                    tcpOnly(s);
                    switch (name) {
                        case TCP_NODELAY -> o.noDelay = bool(v);
                        case TCP_KEEPIDLE -> o.keepIdle = positive(v);
                        case TCP_KEEPINTVL -> o.keepInterval = positive(v);
                        case TCP_KEEPCNT -> o.keepCount = positive(v);
                        case TCP_DEFER_ACCEPT -> o.deferAccept = Math.max(0, int32(v));
                        default -> throw Errno.ENOPROTOOPT.fail("IPPROTO_TCP option " + name);
                    }
                }
                case IPPROTO_IPV6 -> {
                    if (s.domain() != SockAddr.AF_INET6) throw Errno.ENOPROTOOPT.fail("not an IPv6 socket");
                    if (name != IPV6_V6ONLY) throw Errno.ENOPROTOOPT.fail("IPPROTO_IPV6 option " + name);
                    o.v6only = bool(v);
                }
                case IPPROTO_IP -> {
                    if (s.domain() == SockAddr.AF_UNIX) throw Errno.ENOPROTOOPT.fail("not an IP socket");
                    switch (name) {
                        case IP_TOS -> o.tos = int32(v) & 0xFF;
                        case IP_TTL -> {
                            int t = int32(v);
                            if (t < 1 || t > 255) throw Errno.EINVAL.fail("ttl " + t);
                            o.ttl = t;
                        }
                        default -> throw Errno.ENOPROTOOPT.fail("IPPROTO_IP option " + name);
                    }
                }
                default -> throw Errno.ENOPROTOOPT.fail("level " + level);
            }
        }
        s.optionsChanged();
        return 0;
    }

    private static int level(int l) {
        return l == SOL_SOCKET_WASI ? SOL_SOCKET : l;
    }

    private static void tcpOnly(Socket s) throws ErrnoException {
        if (s.domain() == SockAddr.AF_UNIX || s.type() != Socket.SOCK_STREAM) throw Errno.ENOPROTOOPT.fail("not a TCP socket");
    }

    private static byte[] i32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] i32(boolean v) {
        return i32(v ? 1 : 0);
    }

    private static int int32(byte[] v) throws ErrnoException {
        if (v.length < 4) throw Errno.EINVAL.fail("an int option of " + v.length + " bytes");
        return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    private static boolean bool(byte[] v) throws ErrnoException {
        return int32(v) != 0;
    }

    private static int positive(byte[] v) throws ErrnoException {
        int n = int32(v);
        if (n < 1 || n > 32767) throw Errno.EINVAL.fail("value " + n);
        return n;
    }

    private static int clamp(int size) {
        return Math.max(4096, Math.min(4 << 20, size));
    }

    /** struct timeval {i64 tv_sec; i64 tv_usec} (wasi-libc's layout). */
    private static byte[] timeval(long nanos) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(nanos / 1_000_000_000L)
                .putLong((nanos % 1_000_000_000L) / 1000).array();
    }

    private static long timevalNanos(byte[] v) throws ErrnoException {
        if (v.length < 16) throw Errno.EINVAL.fail("struct timeval of " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        long sec = b.getLong(0), usec = b.getLong(8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000) throw Errno.EDOM.fail("timeval " + sec + "." + usec);
        if (sec > 1L << 32) sec = 1L << 32;
        return sec * 1_000_000_000L + usec * 1000;
    }

    // ---- names ---------------------------------------------------------------------------------

    /** Record: family u32 (1 or 2), then the address in 16 bytes, zero-padded. */
    static final int RESOLVED_SIZE = 20;

    public static int resolve(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        long nameLen = a[1] & 0xFFFF_FFFFL;
        if (nameLen == 0 || nameLen > 1024) throw Errno.EINVAL.fail("name length " + nameLen);
        String name = new String(m.readBytes(a[0], nameLen), StandardCharsets.UTF_8);
        if (name.indexOf('\0') >= 0) throw Errno.EINVAL.fail("NUL in a host name");
        long cap = a[4] & 0xFFFF_FFFFL;
        m.checkArray(a[3], cap, RESOLVED_SIZE);
        m.check(a[5], 4);
        List<InetAddress> found = c.kernel().network().resolve(name, (int) a[2]);
        int n = (int) Math.min(cap, found.size());
        for (int i = 0; i < n; i++) {
            InetAddress ip = found.get(i);
            long p = a[3] + (long) i * RESOLVED_SIZE;
            m.zero(p, RESOLVED_SIZE);
            m.writeI32(p, ip instanceof Inet6Address ? SockAddr.AF_INET6 : SockAddr.AF_INET);
            m.writeBytes(p + 4, ip.getAddress());
        }
        m.writeI32(a[5], found.size());
        return 0;
    }

    public static int nread(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().check(a[1], 4);
        FileDescription f = c.process().fds().get((int) a[0]).file();
        long n;
        if (f.handle() == null) throw Errno.EINVAL.fail("a directory");
        if (f.handle().seekable()) n = Math.max(0, f.handle().size() - f.tell());
        else n = Math.max(0, f.handle().available());
        c.memory().writeI32(a[1], (int) Math.min(n, Integer.MAX_VALUE));
        return 0;
    }
}
