package dev.arca.cli;

import dev.arca.cluster.ClusterClient;
import dev.arca.cluster.ClusterException;
import dev.arca.cluster.Credentials;
import dev.arca.cluster.ServiceSupervisor;
import dev.arca.cluster.Endpoint;
import dev.arca.cluster.Node;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arca node start}: one node of an Arca cluster (docs/cluster.md). */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run a node of an Arca cluster.", subcommands = {NodeCommand.Start.class})
final class NodeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (start)");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start a node and serve until stopped (SIGTERM or SIGINT). Raft traffic is mutual RA-TLS: peers and clients",
                    "must present evidence that meets --policy. With an empty --data, a node listed in --peers starts the cluster with",
                    "them; a node not listed waits for 'arca cluster add'. With its --data, a node rejoins under the same id.",
                    "With --join ADDR:P, a node with an empty --data joins the running cluster there by itself: a wiped node (its",
                    "directory lost) comes back under its id and address, its old membership removed first; it catches up from a snapshot.",
                    "Every node also runs programs for its own user ('arca run --node DIR', through DIR/run.sock, mode 0600) in its",
                    "warm JVM; with --data alone (no --id, --address, --raft-port, --policy) it does only that, in no cluster."})
    static final class Start implements Callable<Integer> {
        @Option(names = "--id", paramLabel = "ID", description = "This node's id (letters, digits, '-', '_', '.').")
        String id;

        @Option(names = "--address", paramLabel = "ADDR", description = "The IPv4 address to serve on, e.g. 127.0.0.11.")
        String address;

        @Option(names = "--raft-port", paramLabel = "P", description = "The TCP port for Raft (and cluster clients).")
        Integer raftPort;

        @Option(names = "--peers", paramLabel = "ID=ADDR:P,...", description = "The cluster's initial members, this node included when it is one.")
        String peers;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The node's data directory (Raft log, snapshots, identity).")
        Path data;

        @Option(names = "--cluster", defaultValue = "arca", paramLabel = "NAME", description = "The cluster's name (default: ${DEFAULT-VALUE}).")
        String cluster;

        @Option(names = "--policy", paramLabel = "FILE", description = "What every peer's evidence must meet (docs/attestation.md).")
        Path policy;

        @Option(names = "--manifest", paramLabel = "FILE", description = "The node's manifest: the measurement its evidence carries.")
        Path manifest;

        @Option(names = "--snapshot-every", paramLabel = "N", defaultValue = "10000",
                description = "Log entries between snapshots of the replicated state; the log is purged up to each (default: ${DEFAULT-VALUE}).")
        long snapshotEvery;

        @Option(names = "--provider", paramLabel = "sim|tsm", description = "The evidence provider (default as for 'attest quote').")
        String provider;

        @Option(names = "--join", paramLabel = "ADDR:P",
                description = "A member of the running cluster that this node joins (a new node, or a wiped one under its old id).")
        String join;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "Where the services' compiled modules are kept (default as for 'arca run').")
        Path cacheDir;

        @Override
        public Integer call() throws UserError {
            boolean clustered = id != null || address != null || raftPort != null || policy != null || peers != null;
            if (!clustered) return local();
            if (id == null || address == null || raftPort == null || policy == null) {
                throw new UserError("a cluster node needs --id, --address, --raft-port and --policy (or give --data alone for a node that only runs 'arca run --node')");
            }
            long cacheLimit = Cli.cacheLimit(); // checked before the node starts
            ClusterLog.quiet();
            Node node;
            // the services this node runs, and its own writes for them (placements, reports): a client of its own cluster
            var clientCreds = ClusterCredentials.create(id, policy, provider, manifest, false);
            try {
                Endpoint self = new Endpoint(Endpoint.parse(address + ":" + raftPort, "--address/--raft-port").host(), raftPort);
                var creds = ClusterCredentials.create(id, policy, provider, manifest, true);
                if (snapshotEvery < 1) throw new UserError("--snapshot-every " + snapshotEvery + ": 1 or more");
                Node.Config config = new Node.Config(id, self, Node.parsePeers(peers), data, cluster, snapshotEvery);
                if (join == null) {
                    node = Node.start(Cli.HOST, config, creds, Console::notice);
                } else {
                    node = join(config, Endpoint.parse(join, "--join"), creds, clientCreds);
                }
            } catch (ClusterException e) {
                throw new UserError(e.getMessage());
            }
            dev.arca.Instance.shareCompiledModules(); // a service started here again runs code already compiled
            warmUp(); // the first service here pays no first-use costs
            RunServer runs = runServer();
            ServiceSupervisor services = new ServiceSupervisor(node, Cli.HOST,
                    new ServiceHost(data, node.address(), cluster, policy, provider, Cli.cacheDirectory(cacheDir), cacheLimit),
                    () -> ClusterClient.connect(Cli.HOST, node.address(), cluster, clientCreds), Console::notice).start();
            Console.notice("node " + id + ": serving Raft on " + node.address() + " (cluster '" + cluster + "')");
            return serveUntilStopped(() -> {
                runs.close();
                services.close();
                try {
                    node.close();
                } catch (java.io.IOException e) {
                    Console.notice("node " + id + ": " + e.getMessage());
                }
            });
        }

        /**
         * Starts a node that joins the running cluster at {@code at}. With an empty directory it
         * starts with no configuration (whatever --peers says), after the cluster forgot a wiped
         * membership of its id, and is then added; with its directory it recovers, and is added only
         * if it is not a member (an earlier --join that failed half-way).
         */
        private static Node join(Node.Config config, Endpoint at, Credentials creds, Credentials clientCreds) throws ClusterException {
            boolean fresh = !Node.recovers(Cli.HOST, config);
            try (ClusterClient cluster = ClusterClient.connect(Cli.HOST, at, config.cluster(), clientCreds)) {
                boolean forgot = fresh && cluster.forgetWiped(config.id(), config.address());
                Node node = Node.start(Cli.HOST, fresh ? new Node.Config(config.id(), config.address(), java.util.Map.of(), config.data(), config.cluster(),
                        config.snapshotEvery()) : config, creds, Console::notice);
                if (!cluster.isMember(config.id())) {
                    cluster.add(config.id(), config.address());
                    Console.notice("node " + config.id() + ": joined the cluster through " + at
                            + (forgot ? " (its old membership, whose directory was lost, removed first)" : ""));
                }
                return node;
            } catch (java.io.IOException e) {
                throw new ClusterException("--join " + at + ": " + e.getMessage());
            }
        }

        /** Waits until the JVM is asked to stop (SIGTERM, SIGINT), then runs {@code stop} once; 0. */
        private static Integer serveUntilStopped(Runnable stop) {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.run();
                stopped.countDown();
            }));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    
        /** A node outside any cluster: only the run socket, in a warm JVM. */
        private Integer local() throws UserError {
            if (snapshotEvery != 10000 || manifest != null || provider != null) {
                throw new UserError("--snapshot-every, --manifest and --provider are for a cluster node (with --id, --address, --raft-port, --policy)");
            }
            try {
                Cli.HOST.openOrCreateDirectory(data).close();
            } catch (dev.arca.abi.ErrnoException e) {
                throw new UserError("--data " + data + ": " + e.getMessage());
            }
            dev.arca.Instance.shareCompiledModules();
            warmUp();
            RunServer runs = runServer();
            return serveUntilStopped(runs::close);
        }

        private RunServer runServer() throws UserError {
            try {
                RunServer r = RunServer.start(data);
                Console.notice("node: running programs for 'arca run --node " + data + "' (" + r.socket() + ")");
                return r;
            } catch (java.io.IOException e) {
                throw new UserError("--data " + data + ": cannot serve " + RunServer.SOCKET_NAME + ": " + e.getMessage());
            }
        }

        /** Runs a small program at once, on a thread of its own, so that the first real one pays no first-use costs. */
        private static void warmUp() {
            Thread.ofPlatform().daemon().name("warm-up").start(() -> {
                try {
                    var s = dev.arca.Instance.warmUp();
                    if (s.code() != 0) Console.notice("warm-up program: exit " + s.code() + (s.reason() == null ? "" : " (" + s.reason() + ")"));
                } catch (dev.arca.ArcaException | RuntimeException e) {
                    Console.notice("warm-up program: " + e.getMessage());
                }
            });
        }
    }
}
