package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A socket address as the guest ABI carries it (docs/sockets.md, "Addresses"): an IPv4 or IPv6
 * address and port, or an AF_UNIX path (absolute, or abstract when it starts with NUL), or the
 * unnamed AF_UNIX address. Immutable.
 */
public record SockAddr(int family, InetAddress ip, int port, String path) {
    public static final int AF_UNSPEC = 0, AF_INET = 1, AF_INET6 = 2, AF_UNIX = 3;
    static final int IN_LEN = 8, IN6_LEN = 28, UN_PATH = 108, UN_LEN = 2 + UN_PATH;
    /** The sizes C code allocates ({@code sizeof}), which Arca reports as lengths. */
    static final int IN_SIZE = 16, IN6_SIZE = 28;

    public static SockAddr ip(InetAddress a, int port) {
        return new SockAddr(a instanceof Inet6Address ? AF_INET6 : AF_INET, a, port, null);
    }

    public static SockAddr of(InetSocketAddress a) {
        return ip(a.getAddress(), a.getPort());
    }

    public static SockAddr unix(String path) {
        return new SockAddr(AF_UNIX, null, 0, path);
    }

    /** The unnamed AF_UNIX address (a socket pair, a connecting socket). */
    public static SockAddr unnamedUnix() {
        return new SockAddr(AF_UNIX, null, 0, "");
    }

    public static SockAddr any(int family, int port) {
        try {
            return ip(InetAddress.getByAddress(new byte[family == AF_INET6 ? 16 : 4]), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public InetSocketAddress inet() {
        return new InetSocketAddress(ip, port);
    }

    public boolean isUnix() {
        return family == AF_UNIX;
    }

    public boolean isAnyAddress() {
        return ip != null && ip.isAnyLocalAddress();
    }

    public SockAddr withPort(int p) {
        return new SockAddr(family, ip, p, path);
    }

    /**
     * Decodes guest bytes for a socket of {@code domain}. Errors: EINVAL for a bad length,
     * EAFNOSUPPORT for another family (EINVAL on an AF_UNIX socket), ENOENT... never: a path is
     * checked by the caller.
     */
    public static SockAddr decode(byte[] b, int domain) throws ErrnoException {
        if (b.length < 2) throw Errno.EINVAL.fail("address shorter than its family");
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int family = bb.getShort(0) & 0xFFFF;
        if (family != domain) {
            // an IPv6 socket may name IPv4 peers only as mapped addresses, as on Linux; an
            // AF_UNIX socket answers EINVAL there, as Linux's does
            throw (domain == AF_UNIX ? Errno.EINVAL : Errno.EAFNOSUPPORT)
                    .fail("address family " + family + " on a socket of family " + domain);
        }
        int port = ((b.length >= 4 ? b[2] & 0xFF : 0) << 8) | (b.length >= 4 ? b[3] & 0xFF : 0);
        try {
            return switch (family) {
                case AF_INET -> {
                    if (b.length < IN_LEN) throw Errno.EINVAL.fail("sockaddr_in of " + b.length + " bytes");
                    yield ip(InetAddress.getByAddress(Arrays.copyOfRange(b, 4, 8)), port);
                }
                case AF_INET6 -> {
                    if (b.length < IN6_LEN) throw Errno.EINVAL.fail("sockaddr_in6 of " + b.length + " bytes");
                    InetAddress a = InetAddress.getByAddress(Arrays.copyOfRange(b, 8, 24));
                    yield new SockAddr(AF_INET6, a, port, null); // mapped IPv4 stays an Inet4Address
                }
                case AF_UNIX -> {
                    if (b.length > UN_LEN) throw Errno.EINVAL.fail("sockaddr_un of " + b.length + " bytes");
                    if (b.length == 2) yield unnamedUnix();
                    if (b[2] == 0) { // abstract: every byte counts
                        yield unix(new String(b, 2, b.length - 2, StandardCharsets.ISO_8859_1));
                    }
                    int end = 2;
                    while (end < b.length && b[end] != 0) end++;
                    yield unix(new String(b, 2, end - 2, StandardCharsets.UTF_8));
                }
                default -> throw Errno.EAFNOSUPPORT.fail("address family " + family);
            };
        } catch (UnknownHostException e) {
            throw Errno.EINVAL.fail("bad address");
        }
    }

    /** The guest bytes of this address, as a socket of {@code domain} reports it. */
    public byte[] encode(int domain) {
        ByteBuffer bb;
        switch (family == AF_UNIX ? AF_UNIX : domain) {
            case AF_INET -> {
                bb = ByteBuffer.allocate(IN_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                bb.putShort(0, (short) AF_INET);
                bb.put(2, (byte) (port >> 8)).put(3, (byte) port);
                byte[] a = ip instanceof Inet4Address ? ip.getAddress() : v4(ip);
                bb.put(4, a);
            }
            case AF_INET6 -> {
                bb = ByteBuffer.allocate(IN6_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                bb.putShort(0, (short) AF_INET6);
                bb.put(2, (byte) (port >> 8)).put(3, (byte) port);
                byte[] a = ip.getAddress();
                if (a.length == 4) { // an IPv4 peer of an IPv6 socket: ::ffff:a.b.c.d
                    byte[] m = new byte[16];
                    m[10] = (byte) 0xFF;
                    m[11] = (byte) 0xFF;
                    System.arraycopy(a, 0, m, 12, 4);
                    a = m;
                }
                bb.put(8, a);
                if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) bb.putInt(24, v6.getScopeId());
            }
            default -> {
                byte[] p = path == null ? new byte[0] : path.startsWith("\0")
                        ? path.getBytes(StandardCharsets.ISO_8859_1) : path.getBytes(StandardCharsets.UTF_8);
                boolean abstractName = p.length > 0 && p[0] == 0;
                int len = 2 + p.length + (p.length == 0 || abstractName ? 0 : 1);
                bb = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
                bb.putShort(0, (short) AF_UNIX);
                bb.put(2, p);
            }
        }
        return bb.array();
    }

    private static byte[] v4(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? b : Arrays.copyOfRange(b, 12, 16);
    }

    @Override
    public String toString() {
        if (family == AF_UNIX) return path.isEmpty() ? "unix:(unnamed)" : "unix:" + path.replace('\0', '@');
        String h = ip.getHostAddress();
        return (ip instanceof Inet6Address ? "[" + h + "]" : h) + ":" + port;
    }
}
