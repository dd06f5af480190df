package dev.arca.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.Manifest;
import dev.arca.ManifestException;
import dev.arca.Mount;
import dev.arca.NetworkSpec;
import dev.arca.Program;
import dev.arca.ProgramException;
import dev.arca.cluster.ClusterClient;
import dev.arca.cluster.ClusterException;
import dev.arca.cluster.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arca service deploy|status|stop|move}: services the cluster runs and fails over (docs/cluster.md, "Services"). */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Run a program as a service of an Arca cluster.",
        subcommands = {ServiceCommand.Deploy.class, ServiceCommand.Status.class, ServiceCommand.Stop.class, ServiceCommand.Move.class})
final class ServiceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (deploy, status, stop or move)");
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = {"Create (or replace) service NAME from a manifest: its entry module and manifest go into the replicated state,",
                    "a node runs it (--on, else the leader chooses), and the ports of its network.listen are published on every node's",
                    "address. Its encfs volumes marked \"replicated\": true live in the cluster. Returns once the cluster has it."})
    static final class Deploy implements Callable<Integer> {
        @Mixin
        ClusterCommand.Entry entry;

        @Parameters(index = "0", paramLabel = "NAME", description = "The service's name (letters, digits, '.', '_', '-').")
        String name;

        @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "The service's arca.json: entry, args, env, mounts, limits, network.")
        Path manifestFile;

        @Option(names = "--on", paramLabel = "ID", description = "The node to run it on (default: the leader chooses the least loaded).")
        String on;

        @Option(names = "--key-broker", paramLabel = "HOST:PORT", description = "Where each node running it gets its volume key, attesting as the service ('arca keybroker serve').")
        String keyBroker;

        @Option(names = "--key-broker-policy", paramLabel = "FILE", description = "What the key broker's evidence must meet (default: any verified evidence, sim included).")
        Path keyBrokerPolicy;

        @Override
        public Integer call() throws Exception {
            try {
                ServiceSpec.checkName(name);
            } catch (ClusterException e) {
                throw new UserError(e.getMessage());
            }
            Manifest manifest;
            try {
                manifest = Manifest.read(manifestFile);
            } catch (ManifestException e) {
                throw new UserError(e.getMessage());
            }
            if (manifest.entry() == null) throw new UserError(manifestFile + ": a service's manifest names its module in \"entry\"");
            byte[] module;
            try {
                module = Program.load(manifest.entry()).bytes();
            } catch (ProgramException e) {
                throw new UserError(e.getMessage());
            }
            Path base = manifestFile.toAbsolutePath().normalize().getParent();
            boolean volumes = false;
            for (Mount m : manifest.mounts()) {
                switch (m) {
                    case Mount.Ramfs r -> { }
                    case Mount.Volume v -> {
                        // the node keeps the local copy in its own directory for the service
                        if (!base.equals(v.file().toAbsolutePath().normalize().getParent())) {
                            throw new UserError(manifestFile + ": volume at " + v.guestPath() + ": a service's volume \"source\" is a file name (it lives on the node that runs it)");
                        }
                        volumes = true;
                    }
                    default -> throw new UserError(manifestFile + ": mount at " + m.guestPath()
                            + ": a service mounts ramfs and encfs volumes only (a host directory or image would have to be on every node)");
                }
            }
            if (volumes && keyBroker == null) throw new UserError("the service's volumes need a key: give --key-broker HOST:PORT");
            List<Integer> ports = new ArrayList<>();
            java.util.Map<String, String> peerPolicies = new java.util.TreeMap<>();
            for (NetworkSpec.Listen l : manifest.network().listen()) {
                if (l.low() != l.high() || l.low() == 0) {
                    throw new UserError(manifestFile + ": network.listen " + l.low() + "-" + l.high() + ": a service publishes single, fixed ports");
                }
                peerPolicy(base, l.raTlsPolicy(), "network.listen " + l.low(), peerPolicies);
                ports.add(l.low());
            }
            for (NetworkSpec.Connect c : manifest.network().connect()) peerPolicy(base, c.raTlsPolicy(), "network.connect " + c.host(), peerPolicies);
            String policy = keyBrokerPolicy == null ? null
                    : new String(OperatorFile.read(keyBrokerPolicy, OperatorFile.MAX_POLICY, "--key-broker-policy "), StandardCharsets.UTF_8);
            if (policy != null) KeyBrokerCommand.policy(keyBrokerPolicy); // refused here if it is not a policy
            try (ClusterClient c = entry.connect()) {
                String hash = c.sendModule(module);
                long generation = c.deploy(name, new ServiceSpec(new String(manifest.bytes(), StandardCharsets.UTF_8), hash, ports, keyBroker, policy, on, peerPolicies));
                Console.notice("service " + name + ": deployed (module sha256:" + hash + ", generation " + generation + ")");
                return 0;
            } catch (ClusterException | IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    /**
     * Adds the peer policy an RA-TLS entry names to {@code out}, by file name: it travels with the
     * service, so every node has the bytes the operator deployed (a file in the manifest's directory,
     * a valid policy; the same file may serve several entries).
     */
    private static void peerPolicy(Path base, Path file, String what, java.util.Map<String, String> out) throws UserError {
        if (file == null) return;
        Path p = file.toAbsolutePath().normalize();
        if (!base.equals(p.getParent())) {
            throw new UserError(what + ": a service's peer policy is a file in its manifest's directory (it travels with the service to every node)");
        }
        String name = p.getFileName().toString();
        if (out.containsKey(name)) return;
        byte[] bytes = OperatorFile.read(p, ServiceSpec.MAX_PEER_POLICY_BYTES, what + " policy ");
        try {
            dev.arca.attestation.Policy.parse(bytes);
            ServiceSpec.checkPeerPolicy(name, new String(bytes, StandardCharsets.UTF_8));
        } catch (dev.arca.attestation.AttestationException | ClusterException e) {
            throw new UserError(what + ": " + p + ": " + e.getMessage());
        }
        if (out.size() == ServiceSpec.MAX_PEER_POLICIES) throw new UserError(what + ": a service carries at most " + ServiceSpec.MAX_PEER_POLICIES + " peer policies");
        out.put(name, new String(bytes, StandardCharsets.UTF_8));
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Print service NAME as JSON: node (the id of the node that runs it), state (placing, starting, running, exited,",
                    "stopped), generation, module, ports, and exit and reason once it exited. Without NAME: {\"services\": [...]}."})
    static final class Status implements Callable<Integer> {
        @Mixin
        ClusterCommand.Entry entry;

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The service (default: all of them).")
        String name;

        @Override
        public Integer call() throws Exception {
            try (ClusterClient c = entry.connect()) {
                JsonNode all = c.services();
                if (name == null) {
                    var out = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                    out.set("services", all);
                    System.out.println(out.toPrettyString());
                    return 0;
                }
                for (JsonNode s : all) {
                    if (s.path("name").asText().equals(name)) {
                        System.out.println(s.toPrettyString());
                        return 0;
                    }
                }
                throw new UserError("no service " + name);
            } catch (ClusterException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop service NAME wherever it runs. Its record, module and replicated volumes stay: 'move' starts it again.")
    static final class Stop implements Callable<Integer> {
        @Mixin
        ClusterCommand.Entry entry;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            try (ClusterClient c = entry.connect()) {
                c.stop(name);
                Console.notice("service " + name + ": stopped");
                return 0;
            } catch (ClusterException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Run service NAME on node ID from now on: it stops where it ran, then starts there with its replicated volumes.")
    static final class Move implements Callable<Integer> {
        @Mixin
        ClusterCommand.Entry entry;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--to", required = true, paramLabel = "ID", description = "The member to run it on.")
        String to;

        @Override
        public Integer call() throws Exception {
            try (ClusterClient c = entry.connect()) {
                long g = c.place(name, to, 0);
                Console.notice("service " + name + ": moved to node " + to + " (generation " + g + ")");
                return 0;
            } catch (ClusterException e) {
                throw new UserError(e.getMessage());
            }
        }
    }
}
