package dev.arca.cli;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsContext;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.NetworkSpec;
import dev.arca.kernel.net.NetworkPolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The network policy of {@code arca run}, from {@code --listen}/{@code --connect} and the
 * manifest's {@code network} section (docs/sockets.md). For RA-TLS entries the instance attests
 * once (one key, one certificate with its evidence) and gets one TLS context per peer policy.
 */
final class NetworkConfig {
    private NetworkConfig() {}

    /**
     * @param spec the manifest's network section (or {@link NetworkSpec#NONE})
     * @param identity what the instance is measured by: RA-TLS peers see its measurement, and
     *     peer policies are read through it (the bytes measured are the bytes trusted)
     */
    static NetworkPolicy build(List<String> listen, List<String> connect, NetworkSpec spec, Identity identity)
            throws UserError {
        NetworkPolicy.Builder b = NetworkPolicy.builder();
        Tls tls = new Tls(identity);
        for (NetworkSpec.Listen l : spec.listen()) {
            String what = "manifest: network.listen " + NetworkPolicy.range(l.low(), l.high());
            try {
                b.listen(l.address(), l.low(), l.high(), tls.of(what, l.raTlsPolicy()));
            } catch (IllegalArgumentException e) { // the manifest's reader refuses these first, with their place
                throw new UserError(what + ": " + e.getMessage());
            }
        }
        for (NetworkSpec.Connect c : spec.connect()) {
            b.connect(c.host(), c.low(), c.high(), tls.of("manifest: network.connect " + c.host(), c.raTlsPolicy()));
        }
        spec.hosts().forEach(b::host);
        b.dns(spec.dns());
        for (String l : listen) {
            int colon = l.lastIndexOf(':');
            String addr = colon < 0 ? "127.0.0.1" : l.substring(0, colon);
            if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
            int[] r = ports("--listen " + l, colon < 0 ? l : l.substring(colon + 1), true);
            try {
                b.listen(address("--listen " + l, addr), r[0], r[1], null);
            } catch (IllegalArgumentException e) { // a port the manifest or an earlier --listen has
                throw new UserError("--listen " + l + ": " + e.getMessage());
            }
        }
        for (String c : connect) {
            int colon = c.lastIndexOf(':');
            if (colon <= 0) throw new UserError("--connect " + c + ": expected HOST:PORT");
            String host = c.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int[] r = ports("--connect " + c, c.substring(colon + 1), false);
            b.connect(host.toLowerCase(java.util.Locale.ROOT), r[0], r[1], null);
        }
        return b.build();
    }

    /** PORT, LOW-HIGH, or (for listening) 0; as a number or a string. */
    static int[] ports(String what, Object spec, boolean zeroAllowed) throws UserError {
        if (spec == null) throw new UserError(what + ": a port is needed");
        String s = spec.toString().strip();
        int dash = s.indexOf('-');
        try {
            int low = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
            int high = dash < 0 ? low : Integer.parseInt(s.substring(dash + 1));
            if (low == 0 && high == 0 && zeroAllowed) return new int[] {0, 0};
            if (low < 1 || high > 65535 || low > high) throw new NumberFormatException();
            return new int[] {low, high};
        } catch (NumberFormatException e) {
            throw new UserError(what + ": '" + s + "' is not a port, a range LOW-HIGH" + (zeroAllowed ? " or 0" : ""));
        }
    }

    static InetAddress address(String what, String s) throws UserError {
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new UserError(what + ": '" + s + "' is not a numeric IPv4 or IPv6 address");
        }
    }

    /** The instance's RA-TLS identity, made on first need (it attests once), and one context per peer policy. */
    private static final class Tls {
        private final Identity identity;
        private KeyPair key;
        private X509Certificate cert;
        private final Map<Path, NetworkPolicy.Tls> byPolicy = new HashMap<>();

        Tls(Identity identity) {
            this.identity = identity;
        }

        NetworkPolicy.Tls of(String what, Path policyFile) throws UserError {
            if (policyFile == null) return null;
            Path p = policyFile.toAbsolutePath().normalize();
            NetworkPolicy.Tls t = byPolicy.get(p);
            if (t != null) return t;
            Policy peers = identity.peerPolicy(p);
            try {
                if (key == null) {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    key = g.generateKeyPair();
                    Instant now = Instant.now();
                    cert = RaTlsCertificate.create(key, Providers.create(Providers.name(null), identity), "Arca RA-TLS",
                            now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(7)));
                }
                List<X509Certificate> simRoots = new ArrayList<>(SimProvider.existingRoot(Cli.HOST, SimProvider.defaultConfigDir(Cli.HOST)));
                RaTlsTrustManager tm = new RaTlsTrustManager(new Attestation(simRoots), peers, Clock.systemUTC(), v -> { });
                SSLContext ctx = RaTlsContext.create(key, cert, tm);
                t = new NetworkPolicy.Tls("ra-tls", p.getFileName().toString(), ctx);
                byPolicy.put(p, t);
                return t;
            } catch (GeneralSecurityException | AttestationException e) {
                throw new UserError(what + ": RA-TLS: " + e.getMessage());
            }
        }
    }
}
