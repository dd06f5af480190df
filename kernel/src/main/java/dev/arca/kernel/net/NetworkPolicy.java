package dev.arca.kernel.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What an instance may do on the network (docs/sockets.md, "Network policy"): the ports it may
 * listen on, the destinations it may reach, which of them speak transparent RA-TLS, the names it
 * may resolve, and how many sockets it may hold. Nothing is allowed by default. Immutable; built
 * with {@link Builder} from the manifest and the command line.
 */
public final class NetworkPolicy {
    /** One port or range a guest may bind and listen on, on {@code address} of the host. */
    public record Listen(InetAddress address, int low, int high, Tls tls) {
        boolean allows(int port) {
            return port == 0 ? low == 0 || low <= high : port >= low && port <= high;
        }

        /** Whether a port is in both: 0 ("any free port") overlaps 0 only. */
        public static boolean overlap(int low, int high, int otherLow, int otherHigh) {
            boolean any = low == 0 && high == 0, otherAny = otherLow == 0 && otherHigh == 0;
            if (any || otherAny) return any && otherAny;
            return low <= otherHigh && otherLow <= high;
        }

        @Override
        public String toString() {
            return "listen " + address.getHostAddress() + ":" + range(low, high) + (tls == null ? " (plain TCP)" : " " + tls);
        }
    }

    /** Destinations a guest may connect or send to: a host name or address, and a port range. */
    public record Connect(String host, int low, int high, Tls tls) {
        @Override
        public String toString() {
            return "connect " + host + ":" + range(low, high) + (tls == null ? " (plain TCP)" : " " + tls);
        }
    }

    /**
     * Transparent TLS for a port or destination: the kernel speaks TLS 1.3 with this context
     * (its key manager presents the instance's RA-TLS certificate; its trust manager checks the
     * peer's evidence against {@code policyName}).
     */
    public record Tls(String kind, String policyName, SSLContext context) {
        @Override
        public String toString() {
            return kind + " (peers must meet " + policyName + ")";
        }
    }

    public static String range(int low, int high) {
        return low == high ? Integer.toString(low) : low + "-" + high;
    }

    public static final int DEFAULT_SOCKETS = 1024;

    private final List<Listen> listen;
    private final List<Connect> connect;
    private final Map<String, List<InetAddress>> hosts;
    private final boolean dns;
    private final int sockets;

    private NetworkPolicy(Builder b) {
        this.listen = List.copyOf(b.listen);
        this.connect = List.copyOf(b.connect);
        this.hosts = Map.copyOf(b.hosts);
        this.dns = b.dns;
        this.sockets = b.sockets;
    }

    /** The same policy with another socket limit. */
    public NetworkPolicy withSockets(int n) {
        Builder b = new Builder();
        b.listen.addAll(listen);
        b.connect.addAll(connect);
        b.hosts.putAll(hosts);
        b.dns = dns;
        b.sockets(n);
        return b.build();
    }

    /** Nothing allowed: no listening, no destination, no names but numeric ones and localhost. */
    public static NetworkPolicy none() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Listen> listen() {
        return listen;
    }

    public List<Connect> connect() {
        return connect;
    }

    public Map<String, List<InetAddress>> hosts() {
        return hosts;
    }

    public boolean dns() {
        return dns;
    }

    public int sockets() {
        return sockets;
    }

    /** The rule that lets a guest bind {@code port}, if any (the first that matches). */
    Optional<Listen> listenRule(int port) {
        for (Listen l : listen) if (l.allows(port)) return Optional.of(l);
        return Optional.empty();
    }

    /**
     * Every rule that allows a connect to {@code address}:{@code port}. Rules name hosts (an
     * address, {@code localhost}, or a name of the hosts table) and ranges, so two may match one destination; a connect
     * whose rules disagree on TLS is refused ({@link Network}): the first would otherwise decide,
     * and an RA-TLS destination could be reached in plain TCP through a broader plain rule.
     */
    List<Connect> connectRules(InetAddress address, int port) {
        List<Connect> out = new ArrayList<>(1);
        for (Connect c : connect) {
            if (port >= c.low && port <= c.high && matches(c.host, address)) out.add(c);
        }
        return out;
    }

    /** Whether two rules ask for the same TLS (none, or the same kind and peer policy). */
    static boolean sameTls(Tls a, Tls b) {
        return a == null ? b == null : b != null && a.kind().equals(b.kind()) && a.policyName().equals(b.policyName());
    }

    private boolean matches(String host, InetAddress address) {
        List<InetAddress> named = hosts.get(host);
        if (named != null) return named.contains(address);
        if (host.equals("localhost")) return address.isLoopbackAddress();
        try {
            return InetAddress.ofLiteral(host).equals(address);
        } catch (IllegalArgumentException e) {
            return false; // a name that is neither in hosts nor numeric matches nothing
        }
    }

    /** One line per rule, for the log at start. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        if (listen.isEmpty() && connect.isEmpty()) out.add("no listening port, no destination (nothing is reachable)");
        listen.forEach(l -> out.add(l.toString()));
        connect.forEach(c -> out.add(c.toString()));
        hosts.forEach((n, a) -> out.add("host " + n + " = " + a.stream().map(InetAddress::getHostAddress).toList()));
        if (dns) out.add("names outside the hosts table are resolved by the host's DNS (untrusted answers)");
        return out;
    }

    public static final class Builder {
        private final List<Listen> listen = new ArrayList<>();
        private final List<Connect> connect = new ArrayList<>();
        private final Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
        private boolean dns;
        private int sockets = DEFAULT_SOCKETS;

        /**
         * Lets the guest listen on ports {@code low}-{@code high} (0-0: any free port) at {@code address}.
         * A port has one rule: a range that overlaps an earlier one is refused, because a bind takes
         * the first rule that allows its port, and a later rule for the same port (an RA-TLS port
         * after a plain range that holds it) would never apply.
         */
        public Builder listen(InetAddress address, int low, int high, Tls tls) {
            if (low < 0 || high > 65535 || low > high) throw new IllegalArgumentException("bad port range " + low + "-" + high);
            Listen l = new Listen(address, low, high, tls);
            for (Listen earlier : listen) {
                if (Listen.overlap(low, high, earlier.low(), earlier.high())) {
                    throw new IllegalArgumentException("listen " + range(low, high) + " overlaps the earlier " + earlier
                            + ": a port has one rule (its address and TLS), so one of the two would never apply");
                }
            }
            listen.add(l);
            return this;
        }

        public Builder connect(String host, int low, int high, Tls tls) {
            if (low < 1 || high > 65535 || low > high) throw new IllegalArgumentException("bad port range " + low + "-" + high);
            connect.add(new Connect(host, low, high, tls));
            return this;
        }

        public Builder host(String name, List<InetAddress> addresses) {
            hosts.put(name, List.copyOf(addresses));
            return this;
        }

        public Builder dns(boolean on) {
            dns = on;
            return this;
        }

        public Builder sockets(int n) {
            if (n < 1 || n > 1 << 20) throw new IllegalArgumentException("socket limit must be 1 to 1048576");
            sockets = n;
            return this;
        }

        public NetworkPolicy build() {
            return new NetworkPolicy(this);
        }
    }
}
