package dev.arca.cli;

import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.host.HostFd;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The workload for the JDK AOT cache (sdk/aot-train.sh): runs a program through the CLI with a
 * cold compiled-module cache, then again with it warm, so both start-up paths are recorded. With
 * a third argument {@code volume}, then on an encrypted volume (created, then mounted), and writes
 * and reads 32 MiB through a volume, so the classes of encfs and AES-GCM are in the cache and their
 * methods have profiles (a fresh JVM otherwise runs GHASH as Java code for the first few hundred
 * megabytes); with {@code cluster}, that and a one-node cluster (the cache of the cluster's commands).
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 2; i++) {
            Main.execute(new String[] {"run", "--cache-dir", args[1], "--dir", System.getProperty("java.io.tmpdir") + "::/tmp", args[0]});
        }
        Path work = Path.of(args[1]).toAbsolutePath().getParent();
        spawns(args[1], work.resolve("t"));
        String what = args.length > 2 ? args[2] : "";
        if (what.equals("volume") || what.equals("cluster")) volumes(args, work); // not the programs' cache: see sdk/aot-train.sh
        if (what.equals("cluster")) cluster(work); // the cluster's commands' cache only
        if (!what.isEmpty()) Main.execute(new String[] {"--version"}); // picocli: not the programs' cache
        System.exit(0); // the node's threads would keep the JVM up; the cache is written as it exits
    }

    /**
     * Runs the spawn program (sdk/aot-train-spawn.wat, written by aot-train.sh as {@code t/spawn.wasm}
     * beside the cache) from the directory {@code t} mounted at /t: 64 spawns of itself, each waited
     * for, so that the spawn path (the child's module found and instantiated, run on its parent's
     * thread, reaped) is in the cache with its profiles: the first thousand spawns of a program
     * took 3.6x their later time (bench/processes.sh), the JIT compiling that path meanwhile.
     */
    private static void spawns(String cache, Path t) {
        Path program = t.resolve("spawn.wasm");
        try {
            if (Cli.HOST.statFile(program).kind() != dev.arca.host.HostStat.Kind.FILE) return;
        } catch (dev.arca.abi.ErrnoException e) {
            return; // not written: a cache without it
        }
        int status = Main.execute(new String[] {"run", "--cache-dir", cache, "--dir", t + "::/t", program.toString()});
        if (status != 0) System.err.println("training: the spawn program exited with " + status + " (the cache is made without it)");
    }

    /** Runs on an encrypted volume, and 32 MiB written and read through one (encfs, AES-GCM). */
    private static void volumes(String[] args, Path work) throws Exception {
        byte[] key = new byte[32];
        Cli.HOST.randomBytes(key);
        write(work, "train.key", key);
        String[] volumeRun = {"run", "--cache-dir", args[1], "--volume", work.resolve("train.vol") + "::/v",
            "--key-file", work.resolve("train.key").toString(), args[0]};
        for (int i = 0; i < 2; i++) Main.execute(volumeRun);
        VolumeKey k = VolumeKey.fromKeyFile(key);
        EncFs.Options options = EncFs.Options.defaults(Cli.HOST::realtimeNanos).withSecurityLog(line -> {});
        byte[] piece = new byte[64 * 1024];
        Cli.HOST.randomBytes(piece); // zeros would be holes, never sealed
        for (int round = 0; round < 2; round++) {
            Path file = work.resolve("hot" + round + ".vol");
            try (EncFs fs = EncFs.create(HostBlockStore.open(Cli.HOST, file, true, true), k, Cli.HOST::randomBytes, options)) {
                FileHandle h = fs.root().createFile("f", true).open(true, true);
                for (int at = 0; at < 16 << 20; at += piece.length) h.write(ByteBuffer.wrap(piece), at);
                h.sync(false);
                h.close();
            }
            try (EncFs fs = EncFs.open(HostBlockStore.open(Cli.HOST, file, false, false), k, Cli.HOST::randomBytes,
                    options.withReadOnly(true), null)) {
                Node f = fs.root().lookup("f");
                FileHandle h = f.open(true, false);
                ByteBuffer b = ByteBuffer.wrap(piece);
                for (long at = 0; h.read(b.clear(), at) > 0; at += piece.length) {
                    // read it all
                }
                h.close();
            }
        }
    }

    /** Writes {@code name} in {@code dir} (made if missing), mode 0600. */
    private static void write(Path dir, String name, byte[] bytes) throws Exception {
        HostFd d = Cli.HOST.openOrCreateDirectory(dir);
        try {
            Cli.HOST.replaceFile(d, name, bytes, 0600);
        } finally {
            d.close();
        }
    }

    /**
     * A one-node cluster on loopback (sim evidence, in the training's own config directory: see
     * sdk/aot-train.sh), asked for its status until it has a leader: Ratis's server and client,
     * gRPC, protobuf, RA-TLS and Jackson are most of the classes of {@code arca node start} and of
     * every {@code arca cluster} and {@code arca service} command (about 4,700 of the 7,500 a
     * {@code cluster status} loaded came from jars, not from the cache, before they were trained).
     * Best effort: the rest of the cache is made if this fails.
     */
    private static void cluster(Path work) {
        try {
            int port;
            try (java.net.ServerSocket free = Cli.HOST.listen(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 1)) {
                port = free.getLocalPort();
            }
            write(work, "policy.json", "{\"allowSim\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String policy = work.resolve("policy.json").toString();
            String at = "127.0.0.1:" + port;
            Thread node = Thread.ofPlatform().daemon().name("training node").start(() -> Main.execute(new String[] {"node", "start", "--id", "train",
                "--address", "127.0.0.1", "--raft-port", Integer.toString(port), "--peers", "train=" + at, "--data",
                work.resolve("node").toString(), "--policy", policy, "--provider", "sim", "--cache-dir", work.resolve("cache").toString()}));
            String[] status = {"cluster", "status", "--node", at, "--policy", policy, "--provider", "sim"};
            long deadline = System.nanoTime() + 30_000_000_000L; // a build must not wait long on a node that did not start
            while (node.isAlive() && System.nanoTime() < deadline && Main.execute(status) != 0) Thread.sleep(100);
            if (node.isAlive()) Main.execute(status);
        } catch (Exception e) {
            System.err.println("training: the cluster part failed: " + e);
        }
    }
}
