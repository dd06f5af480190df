package dev.arca.cluster;

/**
 * A node's Raft address: an IP literal and a TCP port. Only literals: a name would be resolved by
 * the host, which Arca does not trust to say where a peer is (the peer proves who it is by RA-TLS,
 * but the address book must not change under it).
 */
public record Endpoint(String host, int port) {
    public Endpoint {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not a TCP port");
    }

    /** Parses {@code ADDR:PORT}; {@code what} names the flag in the error. */
    public static Endpoint parse(String text, String what) throws ClusterException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new ClusterException(what + " " + text + ": expected ADDR:PORT");
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) throw new ClusterException(what + " " + text + ": '" + text.substring(colon + 1) + "' is not a TCP port");
        return new Endpoint(literal(host, what + " " + text), port);
    }

    /** {@code host} if it is an IPv4 literal, in canonical form. */
    static String literal(String host, String what) throws ClusterException {
        if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) throw new ClusterException(what + ": the address must be an IPv4 literal such as 127.0.0.11");
        StringBuilder canonical = new StringBuilder();
        for (String octet : host.split("\\.")) {
            int v = Integer.parseInt(octet);
            if (v > 255) throw new ClusterException(what + ": '" + host + "' is not an IPv4 address");
            canonical.append(canonical.isEmpty() ? "" : ".").append(v);
        }
        return canonical.toString();
    }

    /**
     * Whether nothing listens at {@code hostPort} (an IPv4 literal and a port): a connection
     * refused, which the kernel answers for a port whose process is gone. A connection accepted,
     * or no answer within {@code timeoutMillis} (a partition, a paused host), is not a refusal.
     */
    static boolean refuses(dev.arca.host.Host host, String hostPort, int timeoutMillis) {
        if (hostPort == null) return false;
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) return false;
        try (var s = host.connect(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(hostPort.substring(0, colon)),
                Integer.parseInt(hostPort.substring(colon + 1))), timeoutMillis)) {
            return false;
        } catch (java.net.ConnectException e) {
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
