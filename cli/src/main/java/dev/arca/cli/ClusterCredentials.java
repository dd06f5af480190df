package dev.arca.cli;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.attestation.broker.KeyBroker;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.cluster.ClusterException;
import dev.arca.cluster.Credentials;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The RA-TLS credentials of a node or of the cluster CLI: the configured provider, peers checked by a policy. */
final class ClusterCredentials {
    private ClusterCredentials() {}

    /**
     * @param nodeId the node's id, or null for the CLI
     * @param policy what peers must meet; null: any verified evidence, sim included (for the CLI on the nodes' machine)
     * @param manifest the node manifest whose measurement sim evidence carries, or null
     * @param verbose log each peer accepted
     */
    static Credentials create(String nodeId, Path policy, String provider, Path manifest, boolean verbose) throws UserError {
        return create(nodeId, policy, provider, Identity.of(manifest, null), verbose);
    }

    /** @param identity the instance whose measurement sim evidence carries */
    static Credentials create(String nodeId, Path policy, String provider, Identity identity, boolean verbose) throws UserError {
        Policy pol = policy == null ? new Policy(null, null, null, false, true, null) : KeyBrokerCommand.policy(policy);
        try {
            var evidence = Providers.create(Providers.name(provider), identity);
            if (evidence instanceof SimProvider sim) sim.root(); // made now if missing, so this node trusts it below
            List<X509Certificate> simRoots = new ArrayList<>(SimProvider.existingRoot(Cli.HOST, SimProvider.defaultConfigDir(Cli.HOST)));
            RaTlsTrustManager tm = new RaTlsTrustManager(new Attestation(simRoots), pol, Clock.systemUTC(), null);
            return Credentials.create(nodeId, evidence, tm,
                    verbose ? (who, v) -> Console.notice("ra-tls: " + who + ": " + KeyBroker.describe(v)) : null,
                    verbose ? m -> Console.notice("ra-tls: refused: " + m) : null);
        } catch (ClusterException | AttestationException e) {
            throw new UserError(e.getMessage());
        }
    }
}
