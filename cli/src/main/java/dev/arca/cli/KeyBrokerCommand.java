package dev.arca.cli;

import dev.arca.abi.ErrnoException;
import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.attestation.broker.KeyBroker;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsContext;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.fs.encfs.VolumeKey;
import java.io.IOException;
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
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arca keybroker serve}, and the client side of {@code arca run --key-broker}. */
@Command(name = "keybroker", mixinStandardHelpOptions = true, description = "Release a volume key to attested Arca instances over RA-TLS.",
        subcommands = {KeyBrokerCommand.Serve.class})
final class KeyBrokerCommand implements Runnable {
    static final int TIMEOUT_MILLIS = 10_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (serve)");
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve the key in --key-file on 127.0.0.1:PORT to RA-TLS clients ('arca run --key-broker') whose evidence meets --policy.",
                    "Connections are served one at a time, each within 10 s. Logs one line per connection on stderr."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", required = true, paramLabel = "PORT", description = "TCP port on 127.0.0.1 (0: any free port, printed).")
        int port;

        @Option(names = "--key-file", required = true, paramLabel = "FILE", description = "The volume key: 32 random bytes or 64 hex digits.")
        Path keyFile;

        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "What a client's evidence must meet (docs/attestation.md).")
        Path policy;

        @Option(names = "--max-requests", paramLabel = "N", description = "Stop after N connections (default: serve until killed).")
        int maxRequests;

        @Option(names = "--provider", paramLabel = "sim|tsm", description = "The broker's own evidence provider (default as for 'attest quote').")
        String provider;

        @Override
        public Integer call() throws UserError {
            if (port < 0 || port > 65535) throw new UserError("--port " + port + ": not a TCP port");
            if (maxRequests < 0) throw new UserError("--max-requests must be 0 or more");
            // read once: the key checked is the key served
            byte[] secret = OperatorFile.read(keyFile, OperatorFile.MAX_KEY_FILE, "--key-file ");
            try {
                VolumeKey.fromKeyFile(secret);
            } catch (ErrnoException e) {
                throw new UserError("--key-file " + keyFile + ": " + Volumes.message(e));
            }
            Policy pol = policy(policy);
            SSLContext ctx = context(Providers.name(provider), Identity.of((dev.arca.Manifest) null, null), pol);
            try (KeyBroker b = new KeyBroker(Cli.HOST, ctx, port, secret, TIMEOUT_MILLIS, m -> Console.notice("keybroker: " + m))) {
                Console.notice("keybroker: listening on 127.0.0.1:" + b.port());
                b.serve(maxRequests);
                return 0;
            } catch (IOException e) {
                throw new UserError("keybroker: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            }
        }
    }

    static Policy policy(Path file) throws UserError {
        try {
            return Policy.parse(OperatorFile.read(file, OperatorFile.MAX_POLICY, "policy "));
        } catch (AttestationException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    /** An RA-TLS context: a fresh P-256 key, a certificate with evidence from the provider, peers checked by {@code peerPolicy}. */
    static SSLContext context(String providerName, Identity identity, Policy peerPolicy) throws UserError {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair k = g.generateKeyPair();
            Instant now = Instant.now();
            X509Certificate cert = RaTlsCertificate.create(k, Providers.create(providerName, identity), "Arca RA-TLS",
                    now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
            List<X509Certificate> simRoots = new ArrayList<>(SimProvider.existingRoot(Cli.HOST, SimProvider.defaultConfigDir(Cli.HOST)));
            RaTlsTrustManager tm = new RaTlsTrustManager(new Attestation(simRoots), peerPolicy, Clock.systemUTC(),
                    v -> Console.notice("ra-tls: " + KeyBroker.describe(v)));
            return RaTlsContext.create(k, cert, tm);
        } catch (GeneralSecurityException e) {
            throw new UserError("RA-TLS: " + e.getMessage());
        } catch (AttestationException e) {
            throw new UserError("RA-TLS: " + e.getMessage());
        }
    }

    /**
     * The volume key from the broker at {@code hostPort} (127.0.0.1 or localhost only). The broker
     * is checked with {@code brokerPolicy}, by default any verified evidence, sim included (it runs
     * on this machine).
     */
    static byte[] fetchKey(String hostPort, Path brokerPolicy, Identity identity) throws UserError {
        return fetchKey(hostPort, brokerPolicy == null ? null : policy(brokerPolicy), identity);
    }

    /** @param pol what the broker's evidence must meet; null: any verified evidence, sim included */
    static byte[] fetchKey(String hostPort, Policy pol, Identity identity) throws UserError {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon <= 0 || port < 1 || port > 65535) throw new UserError("--key-broker " + hostPort + ": expected HOST:PORT");
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            throw new UserError("--key-broker " + hostPort + ": only a broker on 127.0.0.1 is supported");
        }
        if (pol == null) pol = new Policy(null, null, null, false, true, null);
        SSLContext ctx = context(Providers.name(null), identity, pol);
        try {
            byte[] key = KeyBroker.fetch(Cli.HOST, ctx, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port, TIMEOUT_MILLIS);
            VolumeKey.fromKeyFile(key); // refuses what is not a volume key
            return key;
        } catch (AttestationException | IOException e) {
            throw new UserError("--key-broker " + hostPort + ": " + e.getMessage());
        } catch (ErrnoException e) {
            throw new UserError("--key-broker " + hostPort + ": the broker's key is not a volume key: " + Volumes.message(e));
        }
    }
}
