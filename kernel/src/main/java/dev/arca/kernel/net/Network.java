package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;

/**
 * One instance's network: its sockets, the ports and AF_UNIX names they hold, the policy that
 * says what may reach the host (checked here, for every bind, connect and send), the name
 * resolver, and the pump that runs the host sockets. Host sockets come only from {@link Host}.
 *
 * <p>Locking: this object's monitor guards the tables and the count; it is taken after a
 * socket's monitor, never before, and never held while waiting.
 */
public final class Network {
    private final Host host;
    private final NetworkPolicy policy;
    private final Consumer<String> log;
    private final Consumer<String> security;
    private volatile Lease lease = Lease.ALWAYS;
    private volatile long leaseWaitNanos = LEASE_WAIT_MILLIS * 1_000_000;
    private volatile boolean lapsed; // written under this: the lease was found lapsed at the last check (logged once per lapse)
    private boolean refusing; // guarded by this: a send was refused in this lapse (logged once per lapse)

    /**
     * How long after a lease lapsed ({@link Lease#lapsedSince}) a send, connect or datagram to the host waits for it
     * to be held again before it is refused: a renewal that comes late (a slow read, a leader
     * election: 0.3-1.5 s here) costs the copy's clients a pause, not a reset connection.
     */
    public static final long LEASE_WAIT_MILLIS = 2_000;
    private NetPump pump; // made with the first host socket; guarded by this
    private boolean closed; // guarded by this

    // guarded by this
    private int sockets;
    private final Map<Integer, StreamSocket> tcpPorts = new HashMap<>();
    private final Map<Integer, DatagramSocket> udpPorts = new HashMap<>();
    private final Map<String, StreamSocket> unixNames = new HashMap<>();
    private int nextEphemeral = 32768;

    private final AtomicInteger hostSockets = new AtomicInteger();
    private final ByteBuffer pumpReadBuffer = ByteBuffer.allocateDirect(64 * 1024);

    /**
     * @param log diagnostics (one line each)
     * @param security refusals that an operator must see: a bind or connect outside the policy,
     *     a peer refused by RA-TLS
     */
    public Network(Host host, NetworkPolicy policy, Consumer<String> log, Consumer<String> security) {
        this.host = host;
        this.policy = policy;
        this.log = log;
        this.security = security;
    }

    /** A network whose lines go to {@code sink}: diagnostics as notices, refusals as security lines. */
    public Network(Host host, NetworkPolicy policy, dev.arca.abi.DiagnosticSink sink) {
        this(host, policy, line -> sink.emit(dev.arca.abi.DiagnosticSink.Kind.NOTICE, "network: " + line),
                line -> sink.emit(dev.arca.abi.DiagnosticSink.Kind.SECURITY, line));
    }

    public NetworkPolicy policy() {
        return policy;
    }

    /** From now on, sends, connects and datagrams to the host need {@code lease} held (see {@link Lease}). */
    public void setLease(Lease lease) {
        setLease(lease, LEASE_WAIT_MILLIS);
    }

    /** As {@link #setLease(Lease)}, waiting at most {@code waitMillis} (&ge; 0) after a lapse (see {@link #checkLease}). */
    public void setLease(Lease lease, long waitMillis) {
        if (waitMillis < 0) throw new IllegalArgumentException("lease wait " + waitMillis + " ms");
        this.leaseWaitNanos = waitMillis * 1_000_000;
        this.lease = java.util.Objects.requireNonNull(lease, "lease");
    }

    /**
     * Lets through what would reach the host only while the lease is held. Lapsed, it waits for the
     * lease to be held again, until {@link #LEASE_WAIT_MILLIS} after the lapse (so a copy cut off
     * for good stalls its sends once, not once per send), then refuses: {@code errno} (ECONNRESET
     * for a send on a connection, ECONNREFUSED for a connect, ENETUNREACH for a datagram). Waiting
     * is as safe as refusing: what the copy sends was made before this check, and the lease held
     * at a point after it (docs/cluster.md, "Leases: reads"). One log line when a lapse is found, one
     * at its first refusal, and one when the lease is found held again; EINTR when the thread is
     * interrupted while it waits.
     */
    void checkLease(Errno errno, String verb, Object to) throws ErrnoException {
        Lease l = lease;
        if (!lapsed && l.held()) return; // the path of every send while the lease holds: two plain reads
        if (!l.held()) {
            boolean changed;
            synchronized (this) {
                changed = !lapsed;
                lapsed = true;
            }
            if (changed) log("the lease has lapsed (the cluster has not confirmed this copy lately): sends to the host wait for it"
                    + " up to " + leaseWaitNanos / 1_000_000 + " ms, then are refused until it is renewed");
            long until = l.lapsedSince() + leaseWaitNanos;
            while (!l.held()) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    boolean first;
                    synchronized (this) {
                        first = !refusing;
                        refusing = true;
                    }
                    if (first) log("the lease has not been renewed within " + leaseWaitNanos / 1_000_000 + " ms: sends to the host are refused until it is");
                    throw errno.fail(verb + " " + to + ": the lease has lapsed");
                }
                try {
                    Thread.sleep(Math.clamp(left / 1_000_000, 1, 5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Errno.EINTR.fail(verb + " " + to + ": interrupted while waiting for the lease");
                }
            }
        }
        boolean changed;
        synchronized (this) {
            changed = lapsed;
            lapsed = refusing = false;
        }
        if (changed) log("the lease is held again: sends to the host resume");
    }

    void log(String line) {
        log.accept(line);
    }

    void security(String line) {
        security.accept(line);
    }

    /** Host sockets (connections and listeners) open now, for tests that nothing leaks. */
    public int hostSocketsOpen() {
        return hostSockets.get();
    }

    void hostSocketOpened() {
        hostSockets.incrementAndGet();
    }

    void hostSocketClosed() {
        hostSockets.decrementAndGet();
    }

    /** The pump's read buffer: used on the pump thread only. */
    ByteBuffer readBuffer() {
        return pumpReadBuffer;
    }

    // ---- sockets -------------------------------------------------------------------------------

    /**
     * socket(2). Errors: EAFNOSUPPORT, EPROTONOSUPPORT, ENFILE at the instance's socket limit.
     */
    public Socket open(int domain, int type, int protocol) throws ErrnoException {
        if (domain != SockAddr.AF_INET && domain != SockAddr.AF_INET6 && domain != SockAddr.AF_UNIX) {
            throw Errno.EAFNOSUPPORT.fail("address family " + domain);
        }
        Socket s;
        if (type == Socket.SOCK_STREAM) {
            if (protocol != 0 && !(protocol == 6 && domain != SockAddr.AF_UNIX)) throw Errno.EPROTONOSUPPORT.fail("protocol " + protocol);
            s = new StreamSocket(this, domain);
        } else if (type == Socket.SOCK_DGRAM) {
            if (domain == SockAddr.AF_UNIX) throw Errno.EPROTONOSUPPORT.fail("AF_UNIX datagram sockets are not supported");
            if (protocol != 0 && protocol != 17) throw Errno.EPROTONOSUPPORT.fail("protocol " + protocol);
            s = new DatagramSocket(this, domain);
        } else {
            throw Errno.EPROTONOSUPPORT.fail("socket type " + type);
        }
        reserveSocket();
        return s;
    }

    /** socketpair(2): two connected AF_UNIX stream sockets. */
    public Socket[] pair(int domain, int type, int protocol) throws ErrnoException {
        if (domain != SockAddr.AF_UNIX) throw Errno.ENOTSUP.fail("socketpair needs AF_UNIX");
        if (type != Socket.SOCK_STREAM) throw Errno.EPROTONOSUPPORT.fail("socketpair of type " + type);
        if (protocol != 0) throw Errno.EPROTONOSUPPORT.fail("protocol " + protocol);
        synchronized (this) {
            if (sockets + 2 > policy.sockets()) throw Errno.ENFILE.fail("socket limit of " + policy.sockets());
            sockets += 2;
        }
        StreamSocket a = new StreamSocket(this, domain), b = new StreamSocket(this, domain);
        LocalEndpoint[] e = LocalEndpoint.pair(Socket.DEFAULT_BUFFER, Socket.DEFAULT_BUFFER);
        a.connected(e[0], SockAddr.unnamedUnix(), SockAddr.unnamedUnix());
        b.connected(e[1], SockAddr.unnamedUnix(), SockAddr.unnamedUnix());
        return new Socket[] {a, b};
    }

    /** One more socket. Errors: ENFILE at the limit. */
    synchronized void reserveSocket() throws ErrnoException {
        if (sockets >= policy.sockets()) throw Errno.ENFILE.fail("socket limit of " + policy.sockets());
        sockets++;
    }

    /** A socket was closed: it gives back its count, its port and its name. */
    synchronized void released(Socket s) {
        sockets--;
        tcpPorts.values().removeIf(x -> x == s);
        udpPorts.values().removeIf(x -> x == s);
        unixNames.values().removeIf(x -> x == s);
    }

    /** Sockets open now. */
    public synchronized int socketsOpen() {
        return sockets;
    }

    // ---- AF_UNIX -------------------------------------------------------------------------------

    synchronized void bindUnix(String path, StreamSocket s) throws ErrnoException {
        if (!path.startsWith("/") && !path.startsWith("\0")) throw Errno.EINVAL.fail("an AF_UNIX path must be absolute");
        if (unixNames.containsKey(path)) throw Errno.EADDRINUSE.fail(path);
        unixNames.put(path, s);
    }

    /**
     * The socket listening at {@code path}. Errors: ENOENT (no such path), ECONNREFUSED (not
     * listening, or no such abstract name: Linux's answers).
     */
    synchronized StreamSocket unixListener(String path) throws ErrnoException {
        StreamSocket s = unixNames.get(path);
        if (s == null) throw (path.startsWith("\0") ? Errno.ECONNREFUSED : Errno.ENOENT).fail(path);
        if (!s.listening()) throw Errno.ECONNREFUSED.fail(path);
        return s;
    }

    // ---- TCP -----------------------------------------------------------------------------------

    /**
     * A host TCP socket bound for a guest socket, the port it got, and the TLS of the rule that
     * allowed it (null: plain): kept from the bind on, so an attested port can never be served
     * in plain TCP.
     */
    record TcpBinding(ServerSocketChannel channel, int port, NetworkPolicy.Tls tls) {}

    /**
     * Binds {@code s} to {@code a}'s port on the host, as the policy allows. Errors: EACCES (the
     * policy: one security-log line), EADDRINUSE, EADDRNOTAVAIL.
     */
    TcpBinding bindTcp(StreamSocket s, SockAddr a) throws ErrnoException {
        if (a.family() != s.domain) throw Errno.EAFNOSUPPORT.fail("address family " + a.family());
        NetworkPolicy.Listen rule = policy.listenRule(a.port()).orElse(null);
        if (rule == null) {
            security("refused a bind to port " + a.port() + ": the policy lets the instance listen on "
                    + (policy.listen().isEmpty() ? "no port" : policy.listen().stream().map(l -> NetworkPolicy.range(l.low(), l.high())).toList()));
            throw Errno.EACCES.fail("port " + a.port() + " is not in the network policy");
        }
        InetAddress hostAddress = rule.address();
        if (hostAddress.isAnyLocalAddress() && a.ip().isLoopbackAddress()) hostAddress = a.ip(); // the narrower
        boolean reuse;
        synchronized (s) {
            reuse = s.options.reuseAddress;
        }
        List<Integer> candidates = new ArrayList<>();
        if (a.port() != 0 || (rule.low() == 0 && rule.high() == 0)) candidates.add(a.port());
        else for (int p = Math.max(1, rule.low()); p <= rule.high(); p++) candidates.add(p);
        IOException last = null;
        for (int port : candidates) {
            synchronized (this) {
                if (port != 0 && tcpPorts.containsKey(port)) {
                    if (a.port() != 0) throw Errno.EADDRINUSE.fail("port " + port);
                    continue;
                }
            }
            ServerSocketChannel ch;
            try {
                ch = host.listenTcp(new InetSocketAddress(hostAddress, port), 4096, reuse);
            } catch (BindException e) {
                last = e;
                continue;
            } catch (IOException e) {
                throw Errno.EADDRNOTAVAIL.fail(e.getMessage());
            }
            int got = ch.socket().getLocalPort();
            synchronized (this) {
                if (tcpPorts.containsKey(got)) {
                    closeQuietly(ch);
                    continue;
                }
                tcpPorts.put(got, s);
            }
            hostSocketOpened();
            return new TcpBinding(ch, got, rule.tls());
        }
        throw Errno.EADDRINUSE.fail("port " + a.port() + (last == null ? "" : ": " + last.getMessage()));
    }

    /** A guest socket listens: nothing more to record (it holds its port since bind). */
    void listening(StreamSocket s) {}

    /** Starts accepting host connections for {@code s} on its bound host socket, with the bind's TLS. */
    HostListener listenHost(StreamSocket s, ServerSocketChannel ch, NetworkPolicy.Tls tls) throws ErrnoException {
        return new HostListener(this, pump(), ch, s, tls);
    }

    /** The instance's own socket listening where {@code to} points, if any (the connection then stays inside). */
    synchronized StreamSocket localTcpListener(SockAddr to) {
        StreamSocket s = tcpPorts.get(to.port());
        if (s == null || !s.listening() || s.domain != to.family() && !(to.ip().isLoopbackAddress())) return null;
        SockAddr bound = s.localAddress();
        if (to.ip().isLoopbackAddress() || to.isAnyAddress() || bound.isAnyAddress() || bound.ip().equals(to.ip())) return s;
        return null;
    }

    /** A local address and port for the client side of a connection inside the instance. */
    synchronized SockAddr ephemeral(SockAddr to) {
        for (int i = 0; i < 28232; i++) {
            int p = nextEphemeral++;
            if (nextEphemeral > 60999) nextEphemeral = 32768;
            if (!tcpPorts.containsKey(p)) {
                InetAddress a = to.ip().isLoopbackAddress() || to.isAnyAddress() ? loopback(to.family()) : to.ip();
                return SockAddr.ip(a, p);
            }
        }
        return SockAddr.ip(loopback(to.family()), 0);
    }

    static InetAddress loopback(int family) {
        try {
            return InetAddress.getByAddress(family == SockAddr.AF_INET6
                    ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1} : new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Starts a host connection for {@code s} to {@code to}, as the policy allows (EACCES and a
     * security-log line otherwise), from {@code bound}'s address when the socket was bound.
     */
    HostStream connectHost(StreamSocket s, SockAddr to, ServerSocketChannel bound, SockAddr from) throws ErrnoException {
        try {
            checkLease(Errno.ECONNREFUSED, "connect to", to);
        } catch (ErrnoException e) {
            if (bound != null) closeHost(bound);
            throw e;
        }
        List<NetworkPolicy.Connect> rules = policy.connectRules(to.ip(), to.port());
        if (rules.isEmpty()) {
            if (bound != null) closeHost(bound);
            security("refused a connect to " + to + ": not in the network policy");
            throw Errno.EACCES.fail(to + " is not in the network policy");
        }
        NetworkPolicy.Connect rule = rules.get(0);
        for (NetworkPolicy.Connect other : rules) {
            if (!NetworkPolicy.sameTls(rule.tls(), other.tls())) {
                if (bound != null) closeHost(bound);
                security("refused a connect to " + to + ": it matches network policy entries that disagree on TLS (" + rule + "; " + other + ")");
                throw Errno.EACCES.fail(to + " matches network policy entries that disagree on TLS");
            }
        }
        SocketOptions o = s.options;
        int rcv, snd;
        boolean noDelay, keepAlive, reuse;
        synchronized (s) {
            rcv = o.receiveBuffer;
            snd = o.sendBuffer;
            noDelay = o.noDelay;
            keepAlive = o.keepAlive;
            reuse = o.reuseAddress;
        }
        SocketChannel ch = null;
        try {
            ch = host.openTcp(to.ip() instanceof Inet6Address);
            hostSocketOpened();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, keepAlive);
            if (bound != null) {
                InetSocketAddress at = (InetSocketAddress) bound.getLocalAddress();
                closeHost(bound);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(at);
            } else if (reuse) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            SSLEngine engine = null;
            if (rule.tls() != null) {
                engine = rule.tls().context().createSSLEngine(to.ip().getHostAddress(), to.port());
                engine.setUseClientMode(true);
                engine.setEnabledProtocols(new String[] {"TLSv1.3"});
            }
            ch.connect(to.inet());
            return new HostStream(this, pump(), ch, engine, rule.tls() == null ? "" : rule.tls().kind(), rcv, snd, s);
        } catch (IOException e) {
            if (ch != null) {
                closeQuietly(ch);
                hostSocketClosed();
            }
            throw HostStream.connectErrno(e).fail(e.getMessage());
        }
    }

    // ---- UDP -----------------------------------------------------------------------------------

    /** Binds a UDP socket on the host as the policy allows (EACCES otherwise). */
    DatagramChannel bindUdp(DatagramSocket s, SockAddr a) throws ErrnoException {
        NetworkPolicy.Listen rule = policy.listenRule(a.port()).orElse(null);
        if (rule == null) {
            security("refused a UDP bind to port " + a.port() + ": not in the network policy");
            throw Errno.EACCES.fail("port " + a.port() + " is not in the network policy");
        }
        InetAddress hostAddress = rule.address();
        if (hostAddress.isAnyLocalAddress() && a.ip().isLoopbackAddress()) hostAddress = a.ip();
        List<Integer> candidates = new ArrayList<>();
        if (a.port() != 0 || (rule.low() == 0 && rule.high() == 0)) candidates.add(a.port());
        else for (int p = Math.max(1, rule.low()); p <= rule.high(); p++) candidates.add(p);
        for (int port : candidates) {
            synchronized (this) {
                if (port != 0 && udpPorts.containsKey(port)) {
                    if (a.port() != 0) throw Errno.EADDRINUSE.fail("port " + port);
                    continue;
                }
            }
            try {
                DatagramChannel ch = host.openUdp(new InetSocketAddress(hostAddress, port));
                int got = ch.socket().getLocalPort();
                synchronized (this) {
                    if (udpPorts.containsKey(got)) {
                        closeQuietly(ch);
                        continue;
                    }
                    udpPorts.put(got, s);
                }
                hostSocketOpened();
                return ch;
            } catch (BindException e) {
                // try the next port of the range
            } catch (IOException e) {
                throw Errno.EADDRNOTAVAIL.fail(e.getMessage());
            }
        }
        throw Errno.EADDRINUSE.fail("port " + a.port());
    }

    /** An unbound UDP socket's host socket for sending (any address, a port the host picks). */
    DatagramChannel udpForSending(DatagramSocket s, int family) throws ErrnoException {
        try {
            DatagramChannel ch = host.openUdp(new InetSocketAddress(SockAddr.any(family, 0).ip(), 0));
            hostSocketOpened();
            synchronized (this) {
                udpPorts.put(ch.socket().getLocalPort(), s);
            }
            return ch;
        } catch (IOException e) {
            throw Errno.EIO.fail(e.getMessage());
        }
    }

    /**
     * Whether a datagram may be sent to {@code to}: a plain connect rule must allow it, and no
     * RA-TLS rule may (the kernel speaks TLS on streams only, so a destination the policy wants
     * attested gets no plaintext datagram). Errors: EACCES (and a security line) if not.
     */
    void checkSend(SockAddr to) throws ErrnoException {
        checkLease(Errno.ENETUNREACH, "send to", to);
        List<NetworkPolicy.Connect> rules = policy.connectRules(to.ip(), to.port());
        if (rules.isEmpty()) {
            security("refused a UDP send to " + to + ": not in the network policy");
            throw Errno.EACCES.fail(to + " is not in the network policy");
        }
        for (NetworkPolicy.Connect r : rules) {
            if (r.tls() != null) {
                security("refused a UDP send to " + to + ": the network policy has it " + r.tls() + ", and a datagram is not TLS");
                throw Errno.EACCES.fail(to + " is an RA-TLS destination: no plain datagrams");
            }
        }
    }

    /** The instance's own UDP socket at {@code to}, if any (the datagram then stays inside). */
    synchronized DatagramSocket localUdp(SockAddr to) {
        DatagramSocket s = udpPorts.get(to.port());
        if (s == null || !(to.ip().isLoopbackAddress() || to.isAnyAddress())) return null;
        return s;
    }

    /** An in-instance port for an unbound UDP socket that sends inside the instance. */
    synchronized SockAddr bindUdpLocally(DatagramSocket s, int family) {
        for (int i = 0; i < 28232; i++) {
            int p = nextEphemeral++;
            if (nextEphemeral > 60999) nextEphemeral = 32768;
            if (!udpPorts.containsKey(p)) {
                udpPorts.put(p, s);
                return SockAddr.ip(loopback(family), p);
            }
        }
        return SockAddr.ip(loopback(family), 0);
    }

    // ---- names ---------------------------------------------------------------------------------

    /**
     * The addresses of {@code name} ({@code family} 0: both): a numeric address, localhost, the
     * policy's hosts table, and the host's resolver only where the policy allows DNS. Errors:
     * ENOENT for an unknown name.
     */
    public List<InetAddress> resolve(String name, int family) throws ErrnoException {
        if (family != SockAddr.AF_UNSPEC && family != SockAddr.AF_INET && family != SockAddr.AF_INET6) {
            throw Errno.EAFNOSUPPORT.fail("family " + family);
        }
        List<InetAddress> found = new ArrayList<>();
        try {
            found.add(InetAddress.ofLiteral(name));
        } catch (IllegalArgumentException notNumeric) {
            // host names are case-insensitive (RFC 4343), as resolvers treat them
            List<InetAddress> named = null;
            for (Map.Entry<String, List<InetAddress>> h : policy.hosts().entrySet()) {
                if (h.getKey().equalsIgnoreCase(name)) named = h.getValue();
            }
            if (name.equalsIgnoreCase("localhost") || name.equalsIgnoreCase("localhost.localdomain")
                    || name.equalsIgnoreCase("ip6-localhost")) {
                found.add(loopback(SockAddr.AF_INET));
                found.add(loopback(SockAddr.AF_INET6));
            } else if (named != null) {
                found.addAll(named);
            } else if (policy.dns() && !name.isEmpty() && name.length() <= 253) {
                try {
                    found.addAll(host.resolve(name));
                } catch (IOException e) {
                    throw Errno.ENOENT.fail(name + ": " + e.getMessage());
                }
            } else {
                throw Errno.ENOENT.fail(name + " is not in the hosts table");
            }
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : found) {
            boolean v6 = a instanceof Inet6Address;
            if (family == SockAddr.AF_UNSPEC || (family == SockAddr.AF_INET6) == v6) out.add(a);
        }
        if (out.isEmpty()) throw Errno.ENOENT.fail(name + " has no address of family " + family);
        return out;
    }

    // ---- the pump ------------------------------------------------------------------------------

    synchronized NetPump pump() throws ErrnoException {
        if (closed) throw Errno.ENETDOWN.fail("the instance is ending");
        if (pump == null) {
            try {
                pump = new NetPump(host, log);
            } catch (IOException e) {
                throw Errno.EIO.fail("cannot start the network: " + e.getMessage());
            }
        }
        return pump;
    }

    /** Closes a host socket (a listener, a bound socket, a UDP socket) and counts it gone. */
    void closeHost(Closeable c) {
        closeQuietly(c);
        hostSocketClosed();
    }

    void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing was sent through it
        }
    }

    /** The instance ends: every host socket is closed. */
    public void close() {
        NetPump p;
        synchronized (this) {
            closed = true;
            p = pump;
        }
        if (p != null) p.stop();
    }
}
