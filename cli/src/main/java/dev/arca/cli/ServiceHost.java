package dev.arca.cli;

import dev.arca.ArcaException;
import dev.arca.Compiler;
import dev.arca.ExitStatus;
import dev.arca.GuestProcess;
import dev.arca.Instance;
import dev.arca.InstanceConfig;
import dev.arca.Manifest;
import dev.arca.ManifestException;
import dev.arca.Mount;
import dev.arca.NetworkSpec;
import dev.arca.Program;
import dev.arca.abi.ErrnoException;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.cluster.ClusterClient;
import dev.arca.cluster.ClusterException;
import dev.arca.cluster.Endpoint;
import dev.arca.cluster.ReplicatedFreshness;
import dev.arca.cluster.ServiceRunner;
import dev.arca.cluster.ServiceStatus;
import dev.arca.host.HostFd;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a node runs a service (the cluster's {@link ServiceRunner}), over the Java API as {@code arca
 * run} does: the manifest and module from the replicated state (measured as they are, so the
 * service attests as the same program on every node), the volume key from the service's key
 * broker, the volumes' versions and replicated blocks through this node's cluster, the published
 * ports bound on this node's address. A service's local files (its volumes' local copies) live in
 * {@code DATA/services/NAME/}. Its output goes to the node's stderr, each line after
 * {@code service NAME: }.
 */
final class ServiceHost implements ServiceRunner {
    private final Path data;
    private final Endpoint self;
    private final String cluster;
    private final Path policy;
    private final String provider;
    private final Path cacheDirectory;
    private final long cacheLimit;

    ServiceHost(Path data, Endpoint self, String cluster, Path policy, String provider, Path cacheDirectory, long cacheLimit) {
        this.data = data;
        this.self = self;
        this.cluster = cluster;
        this.policy = policy;
        this.provider = provider;
        this.cacheDirectory = cacheDirectory;
        this.cacheLimit = cacheLimit;
    }

    /** A service made ready to start: its manifest and identity, its key, its cluster client (attesting as the service). */
    private static final class Ready implements Standby {
        final Manifest manifest;
        final Identity identity;
        final dev.arca.VolumeKey key; // null: no volumes
        final ReplicatedFreshness freshness;
        final long keyMillis, clusterMillis;

        Ready(Manifest manifest, Identity identity, dev.arca.VolumeKey key, ReplicatedFreshness freshness, long keyMillis, long clusterMillis) {
            this.manifest = manifest;
            this.identity = identity;
            this.key = key;
            this.freshness = freshness;
            this.keyMillis = keyMillis;
            this.clusterMillis = clusterMillis;
        }

        @Override
        public void warm(long millis) {
            freshness.warm(millis);
        }

        @Override
        public void close() {
            try {
                freshness.close();
            } catch (IOException e) {
                // the client is gone either way
            }
        }
    }

    @Override
    public Standby prepare(ServiceStatus service, byte[] module) throws Exception {
        return ready(service, module);
    }

    private Ready ready(ServiceStatus service, byte[] module) throws UserError {
        long t0 = System.nanoTime();
        Manifest manifest;
        try {
            manifest = Manifest.parse(service.spec().manifest().getBytes(StandardCharsets.UTF_8), directory(service.name()));
        } catch (ManifestException e) {
            throw new UserError("manifest: " + e.getMessage());
        }
        Identity identity = Identity.of(manifest, module);
        // the peer policies of its RA-TLS ports, as deployed: from the replicated state, never this node's disk
        java.util.Map<Path, byte[]> policies = new java.util.HashMap<>();
        Path dir = directory(service.name());
        service.spec().peerPolicies().forEach((file, text) -> policies.put(dir.resolve(file), text.getBytes(StandardCharsets.UTF_8)));
        identity.givePolicies(policies);
        dev.arca.VolumeKey key = null;
        if (manifest.mounts().stream().anyMatch(m -> m instanceof Mount.Volume || m instanceof Mount.Union)) {
            if (service.spec().keyBroker() == null) throw new UserError("its volumes need a key: deploy it with --key-broker");
            key = dev.arca.VolumeKey.fromKeyFile(KeyBrokerCommand.fetchKey(service.spec().keyBroker(), brokerPolicy(service), identity));
        }
        long tKey = System.nanoTime();
        ClusterClient client;
        try {
            client = ClusterClient.connect(Cli.HOST, self, cluster, ClusterCredentials.create(null, policy, provider, identity, false));
        } catch (ClusterException e) {
            throw new UserError("the cluster: " + e.getMessage());
        }
        return new Ready(manifest, identity, key, new ReplicatedFreshness(client), (tKey - t0) / 1_000_000, (System.nanoTime() - tKey) / 1_000_000);
    }

    private Path directory(String name) throws UserError {
        Path dir = data.toAbsolutePath().resolve("services").resolve(name);
        try (HostFd d = Cli.HOST.openOrCreateDirectory(dir.getParent()); HostFd e = Cli.HOST.openOrCreateDirectory(dir)) {
            return dir; // made when missing: the service's volumes' local copies live here
        } catch (ErrnoException e) {
            throw new UserError(dir + ": " + e.getMessage());
        }
    }

    @Override
    public Running start(ServiceStatus service, byte[] module, Standby standby, Lease lease) throws Exception {
        String name = service.name();
        long t0 = System.nanoTime();
        boolean prepared = standby instanceof Ready;
        Ready ready = prepared ? (Ready) standby : ready(service, module);
        long tReady = System.nanoTime();
        InstanceConfig.Builder b = InstanceConfig.builder().manifest(ready.manifest).program(Program.of(name, module))
                .mounts(ready.identity.pinnedMounts());
        if (ready.key != null) b.volumeKey(ready.key);
        b.network(NetworkConfig.build(List.of(), List.of(), onThisNode(ready.manifest.network()), ready.identity))
                .lease(new dev.arca.kernel.net.Lease() {
                    @Override
                    public boolean held() {
                        return lease.held();
                    }

                    @Override
                    public long lapsedSince() {
                        return lease.lapsedSince();
                    }
                })
                .evidence(Providers.evidence(ready.identity))
                .cacheDirectory(cacheDirectory)
                .cacheLimit(cacheLimit)
                .compiler(Compiler.ARCA)
                .diagnostics(Console.diagnostics())
                .stdout(new Lines("service " + name + ": "))
                .stderr(new Lines("service " + name + ": "));
        ReplicatedFreshness freshness = ready.freshness;
        // each service's replicated volumes are its own (NAME.FILE in the cluster), opened only while this generation is placed here
        b.freshness(freshness).replication(freshness.replication(name, service.generation()));
        Instance instance;
        GuestProcess process;
        try {
            instance = Instance.create(b.build());
            long tVolumes = System.nanoTime();
            process = instance.start();
            long tEnd = System.nanoTime();
            Console.notice(String.format("service %s: started in %d ms (%s; instance and volumes %d ms, program %d ms)", name, (tEnd - t0) / 1_000_000,
                    prepared ? "from a standby prepared ahead" : String.format("key %d ms, cluster client %d ms", ready.keyMillis, ready.clusterMillis),
                    (tVolumes - tReady) / 1_000_000, (tEnd - tVolumes) / 1_000_000));
        } catch (ArcaException | RuntimeException e) {
            ready.close();
            throw e instanceof ArcaException ? new UserError(e.getMessage()) : e;
        }
        return new Running() {
            @Override
            public Exit await() throws InterruptedException {
                ExitStatus s = process.waitFor();
                return new Exit(s.code(), s.reason());
            }

            @Override
            public void stop() {
                try {
                    instance.close();
                } catch (ArcaException e) {
                    Console.notice("service " + name + ": " + e.getMessage());
                }
                ready.close();
            }
        };
    }

    private static Policy brokerPolicy(ServiceStatus service) throws UserError {
        String text = service.spec().brokerPolicy();
        if (text == null) return null;
        try {
            return Policy.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (AttestationException e) {
            throw new UserError("key broker policy: " + e.getMessage());
        }
    }

    /** The manifest's listening ports, on this node's address (where the cluster publishes them). */
    private NetworkSpec onThisNode(NetworkSpec spec) throws UserError {
        InetAddress here;
        try {
            here = InetAddress.getByAddress(Cli.octets(self.host()));
        } catch (java.net.UnknownHostException e) {
            throw new UserError(self.host() + ": " + e.getMessage());
        }
        List<NetworkSpec.Listen> listen = new ArrayList<>();
        for (NetworkSpec.Listen l : spec.listen()) listen.add(new NetworkSpec.Listen(here, l.low(), l.high(), l.raTlsPolicy()));
        return new NetworkSpec(listen, spec.connect(), spec.hosts(), spec.dns());
    }

    /** A guest stream written to the node's stderr a line at a time, each after a prefix. */
    private static final class Lines extends OutputStream {
        private final byte[] prefix;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        Lines(String prefix) {
            this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else if (line.size() < 4096) {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        @Override
        public synchronized void close() {
            if (line.size() > 0) flushLine();
        }

        private void flushLine() {
            byte[] out = new byte[prefix.length + line.size() + 1];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            System.arraycopy(line.toByteArray(), 0, out, prefix.length, line.size());
            out[out.length - 1] = '\n';
            OutputStream err = Cli.HOST.stderr(); // the host's stream, through the door like every other
            try {
                synchronized (err) {
                    err.write(out); // one write per line: lines of two services never interleave
                    err.flush();
                }
            } catch (IOException e) {
                // the node's stderr is gone: the line is lost, the service goes on
            }
            line.reset();
        }
    }
}
