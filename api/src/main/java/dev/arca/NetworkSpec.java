package dev.arca;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A manifest's {@code network} section (docs/sockets.md, "Network policy"), checked: which ports
 * the instance may listen on, which destinations it may reach, which of them speak transparent
 * RA-TLS and with which peer policy, and which names it may resolve. Nothing is allowed when it is
 * empty. It describes; {@link InstanceConfig.Builder#network} takes the policy the kernel enforces,
 * built from it by the caller (the {@code arca} command attests and makes the RA-TLS contexts).
 *
 * @param listen ports the guest may bind and listen on
 * @param connect destinations the guest may connect or send to
 * @param hosts names {@code getaddrinfo} answers, besides numeric addresses and localhost
 * @param dns whether other names go to the host's resolver (untrusted answers)
 */
public record NetworkSpec(List<Listen> listen, List<Connect> connect, Map<String, List<InetAddress>> hosts, boolean dns) {

    /** Nothing allowed. */
    public static final NetworkSpec NONE = new NetworkSpec(List.of(), List.of(), Map.of(), false);

    /**
     * Ports {@code low}..{@code high} (0..0: any port the host picks) on host address {@code
     * address}; {@code raTlsPolicy}: the peer policy file of an attested port, or null for plain TCP.
     */
    public record Listen(InetAddress address, int low, int high, Path raTlsPolicy) {
        public Listen {
            Objects.requireNonNull(address, "address");
            if (!(low == 0 && high == 0) && (low < 1 || high > 65535 || low > high)) {
                throw new IllegalArgumentException("bad port range " + low + "-" + high);
            }
        }
    }

    /** A host (an address, or a name of {@code hosts}) and ports; {@code raTlsPolicy} as for {@link Listen}. */
    public record Connect(String host, int low, int high, Path raTlsPolicy) {
        public Connect {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) throw new IllegalArgumentException("an empty host");
            if (low < 1 || high > 65535 || low > high) throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
    }

    public NetworkSpec {
        listen = List.copyOf(listen);
        connect = List.copyOf(connect);
        hosts = Map.copyOf(hosts);
    }

    /** Whether it allows nothing. */
    public boolean isEmpty() {
        return listen.isEmpty() && connect.isEmpty() && hosts.isEmpty() && !dns;
    }
}
