package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The cluster's replicated state, applied in log order on every node: each encrypted volume's
 * committed version (the freshness counter of docs/encfs.md), so that a node handed an older copy
 * of a volume refuses it; and the replicated volumes' sealed blocks with each one's writer epoch
 * (docs/cluster.md, "Replicated volumes"). Membership itself is Raft's configuration.
 *
 * <p>Commands and queries are one JSON object each ({@link Command}); a snapshot is the state as
 * JSON, with Ratis's MD5 beside it, taken every {@code snapshotEvery} entries so the log stays
 * bounded and a lagging or new node catches up from it. The replicated volumes' blocks are not in
 * the JSON: they are in segment files in {@code blocks/} beside it ({@link ReplicaBlocks}), and a
 * snapshot is the JSON and the sealed segments it names, all of which Ratis sends to a node that
 * installs it. A write past a bound ({@link #MAX_VOLUME_BLOCKS}, {@link #MAX_TOTAL_BLOCKS}) is
 * refused, the same way on every node; a disk that fails under a write stops this node's Raft
 * server rather than let its state differ from the others'.
 */
final class ClusterStateMachine extends BaseStateMachine {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Blocks of one replicated volume (16 GiB) and of all of them (64 GiB): each block present
     * costs 8 bytes of memory on every node (where its record is), and its record on disk.
     */
    static final long MAX_VOLUME_BLOCKS = 1L << 22;
    static final long MAX_TOTAL_BLOCKS = 1L << 24;
    private static final String BLOCKS_DIR = "blocks";
    private static final int MAX_SNAPSHOT = 512 << 20;
    /** Bytes of one service module and of all of them (pending uploads included). */
    static final long MAX_MODULE = 32 << 20;
    static final long MAX_MODULES = 64 << 20;
    private final Host host;
    private final long maxVolumeBlocks;
    private final long maxTotalBlocks;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private Path smDir; // the state machine's directory: snapshots, and blocks/ (set by initialize)
    private HostFd blocksDir; // guarded by this: opened again at every load (an installed snapshot replaces the directory)
    /** Run after an entry that changed a service's record is applied (the supervisor acts at once, not at its next tick). */
    private volatile Runnable onServiceChange = () -> {};
    private boolean servicesChanged; // guarded by this: set by apply, read and cleared by applyTransaction
    private volatile SnapshotInfo latest; // the latest snapshot: its JSON and the segment files it names
    private List<String> retired = List.of(); // guarded by this: segment files to delete at the next snapshot
    private final Map<String, Long> volumes = new TreeMap<>(); // guarded by this: volume id (hex) -> committed version
    private final Map<String, Replica> replicas = new TreeMap<>(); // guarded by this: by name
    private long totalBlocks; // guarded by this
    private final Map<String, ServiceStatus> services = new TreeMap<>(); // guarded by this: by name
    private final Map<String, byte[]> modules = new TreeMap<>(); // guarded by this: SHA-256 (hex) -> module
    private final Map<String, Upload> uploads = new TreeMap<>(); // guarded by this: modules being sent
    private long moduleBytes; // guarded by this: modules and uploads

    /** A module arriving in parts. */
    private static final class Upload {
        final byte[] bytes;
        int have;

        Upload(int total) {
            bytes = new byte[total];
        }
    }

    /** A replicated volume: its sealed blocks (ciphertext only) and its writer's epoch. */
    private static final class Replica {
        long epoch;
        String service; // the service whose generation opened it last, or null
        long generation; // that generation
        byte[] tokenHash; // SHA-256 of the writer token the volume was first opened with
        ReplicaBlocks blocks;

        long size() {
            return blocks.size();
        }
    }

    ClusterStateMachine(Host host) {
        this(host, null, MAX_VOLUME_BLOCKS, MAX_TOTAL_BLOCKS);
    }

    /** For tests: the state machine's directory given (not Ratis's), and smaller bounds. */
    ClusterStateMachine(Host host, Path smDir, long maxVolumeBlocks, long maxTotalBlocks) {
        this.host = host;
        this.smDir = smDir;
        this.maxVolumeBlocks = maxVolumeBlocks;
        this.maxTotalBlocks = maxTotalBlocks;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            smDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
            load(storage.loadLatestSnapshot());
        });
    }

    /**
     * Before Ratis installs a snapshot from the leader (a lagging or new node): Ratis checks that
     * the state machine is paused, then calls {@link #reinitialize} to load the snapshot.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latest;
    }

    /** The directory of the blocks' segments, opened (and created) at each load. */
    private HostFd blocksDir() throws IOException {
        if (blocksDir == null) {
            try {
                blocksDir = host.openOrCreateDirectory(smDir.resolve(BLOCKS_DIR));
            } catch (ErrnoException e) {
                throw new IOException(smDir.resolve(BLOCKS_DIR) + ": " + e.getMessage());
            }
        }
        return blocksDir;
    }

    /**
     * Loads a snapshot, or none (a node whose log is applied from its start). Files in
     * {@code blocks/} that the snapshot does not name are deleted: an open segment written after
     * it (its entries are applied again from the log) or segments retired since.
     */
    synchronized void load(SingleFileSnapshotInfo snapshot) throws IOException {
        for (Replica r : replicas.values()) r.blocks.close();
        replicas.clear();
        totalBlocks = 0;
        retired = List.of();
        if (blocksDir != null) blocksDir.close(); // an installed snapshot replaced the directory it named
        blocksDir = null;
        if (snapshot == null) {
            keepOnly(List.of());
            latest = null;
            return;
        }
        Path file = snapshot.getFile().getPath();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) MD5FileUtil.verifySavedMD5(snapshot.getFile().getPath().toFile(), md5); // Ratis reads its own file
        JsonNode state;
        try {
            state = JSON.readTree(host.readFile(file, MAX_SNAPSHOT));
        } catch (ErrnoException e) {
            throw new IOException("snapshot " + file + ": " + e.getMessage());
        }
        volumes.clear();
        state.path("volumes").properties().forEach(e -> volumes.put(e.getKey(), e.getValue().asLong()));
        for (var e : state.path("replicas").properties()) {
            Replica r = new Replica();
            r.epoch = e.getValue().path("epoch").asLong();
            r.service = e.getValue().path("service").isTextual() ? e.getValue().get("service").asText() : null;
            r.generation = e.getValue().path("generation").asLong();
            r.tokenHash = java.util.HexFormat.of().parseHex(e.getValue().path("token").asText());
            r.blocks = ReplicaBlocks.load(host, blocksDir(), e.getKey(), maxVolumeBlocks, e.getValue().path("segments"),
                    snapshot.getTermIndex().getIndex());
            replicas.put(e.getKey(), r); // closed by the next load, whatever happens below
        }
        List<String> keep = new java.util.ArrayList<>();
        replicas.values().forEach(r -> r.blocks.sealedFiles(keep));
        keepOnly(keep);
        for (var e : state.path("replicas").properties()) {
            Replica r = replicas.get(e.getKey());
            if (e.getValue().path("blocks").isObject()) { // a snapshot of the first cut (blocks inline, base64): written anew into a segment
                List<Command.Block> inline = new java.util.ArrayList<>();
                for (var b : e.getValue().path("blocks").properties()) {
                    inline.add(new Command.Block(Long.parseLong(b.getKey()), Base64.getDecoder().decode(b.getValue().asText())));
                }
                for (int i = 0; i < inline.size(); i += Command.MAX_BLOCKS) r.blocks.write(inline.subList(i, Math.min(inline.size(), i + Command.MAX_BLOCKS)), snapshot.getTermIndex().getIndex());
            }
            totalBlocks += r.blocks.present();
        }
        services.clear();
        modules.clear();
        uploads.clear();
        moduleBytes = 0;
        try {
            for (var e : state.path("services").properties()) services.put(e.getKey(), ServiceStatus.of(e.getKey(), e.getValue()));
        } catch (ClusterException e) {
            throw new IOException("snapshot " + file + ": " + e.getMessage());
        }
        for (var e : state.path("modules").properties()) {
            byte[] m = Base64.getDecoder().decode(e.getValue().asText());
            modules.put(e.getKey(), m);
            moduleBytes += m.length;
        }
        for (var e : state.path("uploads").properties()) {
            Upload u = new Upload(e.getValue().path("total").asInt());
            byte[] have = Base64.getDecoder().decode(e.getValue().path("have").asText());
            System.arraycopy(have, 0, u.bytes, 0, have.length);
            u.have = have.length;
            uploads.put(e.getKey(), u);
            moduleBytes += u.bytes.length;
        }
        updateLastAppliedTermIndex(snapshot.getTermIndex());
        latest = snapshotInfo(snapshot.getFile(), snapshot.getTermIndex());
    }

    /** Deletes every file in {@code blocks/} but {@code keep}. */
    private void keepOnly(List<String> keep) throws IOException {
        java.util.Set<String> names = new java.util.HashSet<>(keep);
        try {
            HostFd dir = blocksDir();
            for (var entry : host.list(dir, "")) {
                if (!names.contains(entry.name())) host.removeFile(dir, entry.name());
            }
        } catch (ErrnoException e) {
            throw new IOException(smDir.resolve(BLOCKS_DIR) + ": " + e.getMessage());
        }
    }

    /** What Ratis sends a node that installs the snapshot: its JSON and the sealed segments it names. */
    private SnapshotInfo snapshotInfo(FileInfo json, TermIndex at) throws IOException {
        List<FileInfo> files = new java.util.ArrayList<>();
        files.add(json);
        List<String> names = new java.util.ArrayList<>();
        replicas.values().forEach(r -> r.blocks.sealedFiles(names));
        for (String n : names) files.add(new FileInfo(smDir.resolve(BLOCKS_DIR).resolve(n), null)); // Ratis sends it with an MD5 of what it read
        return new FileListSnapshotInfo(files, at);
    }

    @Override
    public synchronized long takeSnapshot() throws IOException {
        TermIndex applied = getLastAppliedTermIndex();
        File out = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        // the files the previous snapshot named and this one will not: no longer sent, nor loaded
        for (String name : retired) {
            try {
                host.removeFile(blocksDir(), name);
            } catch (ErrnoException e) {
                // gone already, or left for the next load, which keeps only what its snapshot names
            }
        }
        retired = List.of();
        List<String> retiring = new java.util.ArrayList<>();
        for (Replica r : replicas.values()) r.blocks.seal(retiring); // synced before the JSON that names them
        try (HostFd dir = host.openOrCreateDirectory(out.toPath().getParent())) {
            // the segment and index files the JSON names exist after a crash (their names synced), then the JSON's own
            if (!replicas.isEmpty()) host.syncDirectory(blocksDir());
            host.replaceFile(dir, out.getName(), JSON.writeValueAsBytes(state(true)), 0600);
            host.syncDirectory(dir);
        } catch (ErrnoException e) {
            throw new IOException("snapshot " + out + ": " + e.getMessage());
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(out); // Ratis writes its own .md5 file
        FileInfo json = new FileInfo(out.toPath(), md5);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(json, applied));
        latest = snapshotInfo(json, applied);
        retired = retiring;
        return applied.getIndex();
    }

    /** The state as JSON: whole (a snapshot), or with each replicated volume's size only. */
    private ObjectNode state(boolean whole) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode v = s.putObject("volumes");
        volumes.forEach(v::put);
        ObjectNode rs = s.putObject("replicas");
        replicas.forEach((name, r) -> {
            ObjectNode o = rs.putObject(name).put("epoch", r.epoch);
            if (r.service != null) o.put("service", r.service).put("generation", r.generation);
            if (whole) {
                o.put("token", java.util.HexFormat.of().formatHex(r.tokenHash));
                o.set("segments", r.blocks.segmentList());
            } else {
                o.put("blocks", r.blocks.present()).put("size", r.size());
            }
        });
        ObjectNode ss = s.putObject("services");
        services.forEach((name, svc) -> ss.set(name, svc.json(whole)));
        if (whole) {
            ObjectNode ms = s.putObject("modules");
            modules.forEach((h, m) -> ms.put(h, Base64.getEncoder().encodeToString(m)));
            ObjectNode us = s.putObject("uploads");
            uploads.forEach((h, u) -> us.putObject(h).put("total", u.bytes.length)
                    .put("have", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(u.bytes, u.have))));
        }
        return s;
    }

    @Override
    public TransactionContext startTransaction(org.apache.ratis.protocol.RaftClientRequest request) throws IOException {
        TransactionContext t = super.startTransaction(request);
        try {
            Command c = Command.parse(request.getMessage().getContent().toByteArray());
            c.checkWrite();
            t.setStateMachineContext(c); // the leader applies what it parsed here (a "blocks" entry is 1 MiB)
        } catch (ClusterException e) {
            t.setException(new IllegalArgumentException(e.getMessage()));
        }
        return t;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ObjectNode reply;
        boolean changed;
        synchronized (this) {
            reply = trx.getStateMachineContext() instanceof Command c ? apply(c, entry.getIndex())
                    : apply(entry.getStateMachineLogEntry().getLogData().toByteArray(), entry.getIndex());
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            changed = servicesChanged;
            servicesChanged = false;
        }
        if (changed) onServiceChange.run();
        return CompletableFuture.completedFuture(message(json(reply)));
    }

    /** Applies the command of log entry {@code index}: the same reply and state on every node. */
    synchronized ObjectNode apply(byte[] bytes, long index) {
        try {
            return apply(Command.parse(bytes), index);
        } catch (ClusterException e) {
            return JSON.createObjectNode().put("error", e.getMessage()); // deterministic on every node: the state is unchanged
        }
    }

    /** Applies {@code c}, parsed from the command of log entry {@code index} (by this node's startTransaction on the leader). */
    private synchronized ObjectNode apply(Command c, long index) {
        ObjectNode reply = JSON.createObjectNode();
        try {
            // startTransaction checked it on the leader; a follower applies what the log says, and
            // each case checks its fields as it reads them (a "blocks" entry is decoded once here)
            switch (c.op()) {
                case "advance" -> {
                    c.checkWrite();
                    reply.put("version", volumes.merge(c.volume(), c.version(), Math::max));
                }
                case "open" -> {
                    byte[] token = sha256(c.token());
                    String service = c.body().path("service").isTextual() ? c.body().get("service").asText() : null;
                    long generation = c.body().path("generation").asLong(0);
                    if (service != null) {
                        ServiceStatus s = services.get(service);
                        if (s == null || !s.active() || s.generation() != generation) {
                            throw new ClusterException("fenced: service " + service + " is no longer placed in generation " + generation + " (now "
                                    + (s == null ? "gone" : s.generation() + " on " + s.node()) + "): its volume " + c.name() + " is not opened");
                        }
                    }
                    Replica r = replicas.get(c.name());
                    if (r == null) {
                        r = new Replica();
                        r.tokenHash = token;
                        try {
                            r.blocks = new ReplicaBlocks(host, blocksDir(), c.name(), maxVolumeBlocks);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e); // this node's disk: it stops rather than diverge
                        }
                        replicas.put(c.name(), r);
                    } else if (!java.security.MessageDigest.isEqual(r.tokenHash, token)) {
                        throw new ClusterException("replicated volume " + c.name() + " is written with another key's token: not opened");
                    }
                    r.epoch = index; // later than every earlier open: fences their writers
                    r.service = service;
                    r.generation = generation;
                    reply.put("epoch", r.epoch).put("size", r.size());
                }
                case "blocks" -> {
                    String volume = c.committedVolume();
                    write(c.name(), sha256(c.token()), c.epoch(), c.blocks(), index);
                    reply.put("ok", true).put("index", index);
                    if (volume != null) reply.put("version", volumes.merge(volume, c.version(), Math::max));
                }
                case "module" -> reply.put("have", module(c));
                case "deploy" -> {
                    c.checkWrite();
                    ServiceSpec spec = ServiceSpec.of(c.body().get("spec"));
                    if (!modules.containsKey(spec.module())) throw new ClusterException("the cluster has no module sha256:" + spec.module() + " (send it first)");
                    for (ServiceStatus other : services.values()) {
                        if (other.name().equals(c.name())) continue;
                        for (int port : spec.ports()) {
                            if (other.spec().ports().contains(port)) throw new ClusterException("port " + port + " is published by service " + other.name() + " already");
                        }
                    }
                    ServiceStatus old = services.get(c.name());
                    services.put(c.name(), new ServiceStatus(c.name(), spec, spec.node(), spec.node() == null ? "placing" : "starting", index, null, null));
                    servicesChanged = true;
                    if (old != null) forget(old.spec().module());
                    reply.put("generation", index);
                }
                case "place" -> {
                    ServiceStatus s = service(c.name());
                    long expect = c.body().path("expect").asLong(0);
                    if (expect > 0 && s.generation() != expect) throw new ClusterException("service " + c.name() + " changed meanwhile (generation " + s.generation() + ")");
                    services.put(c.name(), s.with(c.node(), "starting", index));
                    servicesChanged = true;
                    reply.put("generation", index);
                }
                case "stop" -> {
                    ServiceStatus s = service(c.name());
                    services.put(c.name(), s.with(null, "stopped", index));
                    servicesChanged = true;
                    reply.put("generation", index);
                }
                case "report" -> {
                    c.checkWrite();
                    ServiceStatus s = service(c.name());
                    boolean current = s.generation() == c.generation() && c.node().equals(s.node()) && s.active();
                    if (current) {
                        String state = c.body().get("state").asText();
                        services.put(c.name(), new ServiceStatus(s.name(), s.spec(), s.node(), state, s.generation(),
                                state.equals("exited") ? c.body().path("exit").asInt() : null,
                                c.body().path("reason").isTextual() ? c.body().get("reason").asText() : null));
                        servicesChanged = true;
                    }
                    reply.put("current", current);
                }
                default -> throw new ClusterException("'" + c.op() + "' is not a write");
            }
        } catch (ClusterException e) {
            reply.put("error", e.getMessage()); // deterministic on every node: the state is unchanged
        }
        return reply;
    }

    private ServiceStatus service(String name) throws ClusterException {
        ServiceStatus s = services.get(name);
        if (s == null) throw new ClusterException("no service " + name);
        return s;
    }

    /** Drops a module no service refers to any more. */
    private void forget(String hash) {
        if (services.values().stream().anyMatch(s -> s.spec().module().equals(hash))) return;
        byte[] m = modules.remove(hash);
        if (m != null) moduleBytes -= m.length;
    }

    /** Applies a part of a module; returns the bytes held. All or nothing, the same on every node. */
    private long module(Command c) throws ClusterException {
        c.checkWrite();
        String hash = c.hash();
        byte[] m = modules.get(hash);
        if (m != null) return m.length; // already here: the sender stops
        long total = c.body().get("total").asLong(), offset = c.body().get("offset").asLong();
        byte[] data = c.data();
        if (total > MAX_MODULE) throw new ClusterException("module: " + total + " bytes is over the " + (MAX_MODULE >> 20) + " MiB a service module may have");
        Upload u = uploads.get(hash);
        if (offset == 0 && u != null) { // sent again from the start (a sender that failed half-way)
            uploads.remove(hash);
            moduleBytes -= u.bytes.length;
            u = null;
        }
        if (u == null) {
            if (offset != 0) throw new ClusterException("module: part at " + offset + " of a module not being sent (send from 0)");
            if (moduleBytes + total > MAX_MODULES) throw new ClusterException("module: the cluster's modules would pass " + (MAX_MODULES >> 20) + " MiB, their bound");
            u = new Upload((int) total);
            uploads.put(hash, u);
            moduleBytes += total;
        }
        if (u.bytes.length != total || offset != u.have || data.length > total - offset) {
            throw new ClusterException("module: part at " + offset + " (" + data.length + " bytes) does not follow the " + u.have + " of " + u.bytes.length + " held");
        }
        System.arraycopy(data, 0, u.bytes, u.have, data.length);
        u.have += data.length;
        if (u.have < u.bytes.length) return u.have;
        uploads.remove(hash);
        if (!java.util.HexFormat.of().formatHex(sha256(u.bytes)).equals(hash)) {
            moduleBytes -= u.bytes.length;
            throw new ClusterException("module: the bytes sent do not hash to sha256:" + hash + " (dropped)");
        }
        modules.put(hash, u.bytes);
        return u.have;
    }

    /** {@code r} runs (on Ratis's applier thread, so it must not block) after each entry that changes a service's record. */
    void onServiceChange(Runnable r) {
        onServiceChange = r;
    }

    /** The services as this node has applied them (the supervisor's view; it may lag the leader's). */
    synchronized List<ServiceStatus> services() {
        return List.copyOf(services.values());
    }

    /** A module this node holds, or null. */
    synchronized byte[] moduleBytes(String hash) {
        return modules.get(hash);
    }

    /** All or nothing: a fenced writer or a write past a bound changes nothing. */
    private void write(String name, byte[] tokenHash, long epoch, List<Command.Block> blocks, long index) throws ClusterException {
        Replica r = replicas.get(name);
        if (r != null && !java.security.MessageDigest.isEqual(r.tokenHash, tokenHash)) {
            throw new ClusterException("replicated volume " + name + " is written with another key's token: blocks refused");
        }
        if (r != null && r.service != null) {
            ServiceStatus s = services.get(r.service);
            if (s == null || s.generation() != r.generation) {
                throw new ClusterException("fenced: service " + r.service + " was placed again (generation " + (s == null ? "gone" : s.generation())
                        + ") after generation " + r.generation + " opened volume " + name);
            }
        }
        if (r == null || r.epoch != epoch) {
            throw new ClusterException("fenced: replicated volume " + name + " was opened by another writer (epoch "
                    + (r == null ? "none" : r.epoch) + ") after this one (epoch " + epoch + ")");
        }
        long added = 0;
        for (Command.Block b : blocks) {
            if (b.index() >= maxVolumeBlocks) {
                throw new ClusterException("replicated volume " + name + " would pass " + (maxVolumeBlocks * Command.BLOCK_SIZE >> 20) + " MiB, the bound for a replicated volume");
            }
            if (!r.blocks.has(b.index())) added++;
        }
        if (totalBlocks + added > maxTotalBlocks) {
            throw new ClusterException("the cluster's replicated volumes would pass " + (maxTotalBlocks * Command.BLOCK_SIZE >> 20) + " MiB, their bound");
        }
        r.blocks.write(blocks, index);
        totalBlocks += added;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] reply = answer(request.getContent().toByteArray());
        return CompletableFuture.completedFuture(message(reply));
    }

    /** Answers a read from the applied state: JSON, or a framed "read" ({@link Command#readFramed}). */
    byte[] answer(byte[] bytes) {
        try {
            Command c = Command.parse(bytes);
            return c.op().equals("read") && c.framedReply() ? readFramed(c) : json(query(c));
        } catch (ClusterException e) {
            return json(JSON.createObjectNode().put("error", e.getMessage()));
        }
    }

    /**
     * A framed "read": the blocks' bytes as they are, after a header of which are present. The
     * segments are read under the lock, as every query is (an apply or a snapshot may replace them),
     * but nothing is encoded there: a 1 MiB reply as base64 in JSON held the lock for the encoding
     * and cost the reader a parse and a decode (a 256 MiB volume pulled by a follower at 32-46 MB/s).
     */
    private byte[] readFramed(Command c) throws ClusterException {
        String name = c.name();
        long from = c.from();
        int count = c.count(Command.MAX_BLOCKS);
        ObjectNode header = JSON.createObjectNode();
        ArrayNode present = JSON.createArrayNode();
        List<byte[]> blocks = new java.util.ArrayList<>();
        synchronized (this) {
            Replica r = replicas.get(name);
            long size = r == null ? 0 : r.size();
            header.put("size", size);
            int n = (int) Math.max(0, Math.min(size, from + count) - from);
            for (byte[] data : n == 0 ? new byte[0][] : r.blocks.read(from, n)) {
                present.add(data == null ? 0 : 1);
                if (data != null) blocks.add(data);
            }
        }
        header.set("present", present);
        return Command.frame(header, blocks);
    }

    /** Answers a read from the applied state. */
    ObjectNode query(byte[] bytes) {
        try {
            return query(Command.parse(bytes));
        } catch (ClusterException e) {
            return JSON.createObjectNode().put("error", e.getMessage());
        }
    }

    /** Answers a parsed read from the applied state (an error in the reply's "error"). */
    private ObjectNode query(Command c) {
        ObjectNode reply = JSON.createObjectNode();
        try {
            synchronized (this) {
                switch (c.op()) {
                    case "version" -> reply.put("version", volumes.getOrDefault(c.volume(), -1L));
                    case "state" -> reply.setAll(state(false));
                    case "services" -> {
                        ArrayNode a = reply.putArray("services");
                        services.values().forEach(svc -> a.add(svc.json(false)));
                    }
                    case "hashes", "read" -> {
                        Replica r = replicas.get(c.name());
                        long size = r == null ? 0 : r.size();
                        long from = c.from();
                        int count = c.count(c.op().equals("read") ? Command.MAX_BLOCKS : Command.MAX_HASHES);
                        reply.put("size", size);
                        ArrayNode out = reply.putArray(c.op().equals("read") ? "blocks" : "hashes");
                        int n = (int) Math.max(0, Math.min(size, from + count) - from);
                        for (byte[] data : n == 0 ? new byte[0][] : c.op().equals("read") ? r.blocks.read(from, n) : r.blocks.hashesSince(from, n, c.since())) {
                            if (data == null) out.addNull();
                            else if (data == ReplicaBlocks.UNCHANGED) out.add(false);
                            else out.add(Base64.getEncoder().encodeToString(data));
                        }
                    }
                    default -> throw new ClusterException("'" + c.op() + "' is not a query");
                }
            }
        } catch (ClusterException e) {
            reply.put("error", e.getMessage());
        }
        return reply;
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    /** A new SHA-256 digest (every JDK has one). */
    static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Message message(byte[] reply) {
        return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(reply));
    }

    private static byte[] json(ObjectNode reply) {
        try {
            return JSON.writeValueAsBytes(reply);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
