package dev.arca.cli;

import dev.arca.cluster.ClusterClient;
import dev.arca.cluster.ClusterException;
import dev.arca.cluster.Endpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arca cluster status|add|remove}: through any node, over mutual RA-TLS (docs/cluster.md). */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Inspect and change an Arca cluster's membership.",
        subcommands = {ClusterCommand.Status.class, ClusterCommand.Add.class, ClusterCommand.Remove.class, ClusterCommand.Lead.class})
final class ClusterCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (status, add, remove or lead)");
    }

    /** The options every subcommand shares: the node to enter by and how to check it. */
    static final class Entry {
        @Option(names = "--node", required = true, paramLabel = "ADDR:P", description = "Any node's Raft address.")
        String node;

        @Option(names = "--cluster", defaultValue = "arca", paramLabel = "NAME", description = "The cluster's name (default: ${DEFAULT-VALUE}).")
        String cluster;

        @Option(names = "--policy", paramLabel = "FILE", description = "What the nodes' evidence must meet (default: any verified evidence, sim included).")
        Path policy;

        @Option(names = "--provider", paramLabel = "sim|tsm", description = "This client's evidence provider (default as for 'attest quote').")
        String provider;

        ClusterClient connect() throws UserError {
            ClusterLog.quiet();
            try {
                return ClusterClient.connect(Cli.HOST, Endpoint.parse(node, "--node"), cluster, ClusterCredentials.create(null, policy, provider, (Path) null, false));
            } catch (ClusterException e) {
                throw new UserError(e.getMessage());
            }
        }

        /** Runs {@code call} over a client connected through {@link #node}: its errors as one line (exit 125). */
        int with(ClientCall call) throws UserError {
            return with(call, null);
        }

        /** As {@link #with(ClientCall)}, then says {@code done} (when not null). */
        int with(ClientCall call, String done) throws UserError {
            try (ClusterClient c = connect()) {
                call.run(c);
                if (done != null) Console.notice(done);
                return 0;
            } catch (ClusterException | java.io.IOException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    @FunctionalInterface
    interface ClientCall {
        void run(ClusterClient c) throws ClusterException, UserError;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print the cluster as the node sees it, as JSON: members (id, address, role), leader, and the node's own role.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Entry entry;

        @Override
        public Integer call() throws Exception {
            return entry.with(c -> System.out.println(c.status(entry.cluster).toPrettyString()));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a started node (empty --data, not in its --peers) to the cluster; returns once the new configuration is committed.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Entry entry;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The new node's id (its certificate must name it).")
        String id;

        @Option(names = "--address", required = true, paramLabel = "ADDR:P", description = "The new node's Raft address.")
        String address;

        @Override
        public Integer call() throws Exception {
            return entry.with(c -> c.add(id, Endpoint.parse(address, "--address")), "cluster: node " + id + " added");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a member; returns once the new configuration is committed.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        Entry entry;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The member to remove.")
        String id;

        @Override
        public Integer call() throws Exception {
            return entry.with(c -> c.remove(id), "cluster: node " + id + " removed");
        }
    }

    @Command(name = "lead", mixinStandardHelpOptions = true,
            description = "Hand leadership to a member (before taking the leader's host down, say); returns once it leads.")
    static final class Lead implements Callable<Integer> {
        @Mixin
        Entry entry;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The member to lead.")
        String id;

        @Option(names = "--timeout", defaultValue = "3000", paramLabel = "MS", description = "How long the handover may take, at most 10000 (default: ${DEFAULT-VALUE} ms).")
        long timeout;

        @Override
        public Integer call() throws Exception {
            if (timeout < 1 || timeout > dev.arca.cluster.ClusterClient.MAX_LEAD_MILLIS) {
                // the leader refuses every write while it hands over: a longer one would fail writers
                throw new UserError("--timeout must be 1 to " + dev.arca.cluster.ClusterClient.MAX_LEAD_MILLIS + " ms (the leader refuses writes meanwhile)");
            }
            return entry.with(c -> c.lead(id, timeout), "cluster: node " + id + " leads");
        }
    }
}
