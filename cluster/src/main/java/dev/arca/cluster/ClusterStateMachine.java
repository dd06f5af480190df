package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
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
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The cluster's replicated state, applied in log order on every node: today each encrypted
 * volume's committed version (the freshness counter of docs/encfs.md), so that a node handed an
 * older copy of a volume refuses it. Membership itself is Raft's configuration.
 *
 * <p>Commands and queries are one JSON object each ({@link Command}); a snapshot is the state as
 * JSON, with Ratis's MD5 beside it, taken every {@code snapshotEvery} entries so the log stays
 * bounded and a lagging or new node catches up from it.
 */
final class ClusterStateMachine extends BaseStateMachine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SNAPSHOT = 256 << 20;
    private final Host host;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Map<String, Long> volumes = new TreeMap<>(); // guarded by this: volume id (hex) -> committed version

    ClusterStateMachine(Host host) {
        this.host = host;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        reinitialize();
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private synchronized void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) return;
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
        updateLastAppliedTermIndex(snapshot.getTermIndex());
    }

    @Override
    public synchronized long takeSnapshot() throws IOException {
        TermIndex applied = getLastAppliedTermIndex();
        File out = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        try (HostFd dir = host.openOrCreateDirectory(out.toPath().getParent())) {
            host.replaceFile(dir, out.getName(), JSON.writeValueAsBytes(state()), 0600);
        } catch (ErrnoException e) {
            throw new IOException("snapshot " + out + ": " + e.getMessage());
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(out); // Ratis writes its own .md5 file
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(out.toPath(), md5), applied));
        return applied.getIndex();
    }

    private ObjectNode state() {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode v = s.putObject("volumes");
        volumes.forEach(v::put);
        return s;
    }

    @Override
    public TransactionContext startTransaction(org.apache.ratis.protocol.RaftClientRequest request) throws IOException {
        TransactionContext t = super.startTransaction(request);
        try {
            Command.parse(request.getMessage().getContent().toByteArray()).checkWrite();
        } catch (ClusterException e) {
            t.setException(new IllegalArgumentException(e.getMessage()));
        }
        return t;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
        ObjectNode reply = JSON.createObjectNode();
        synchronized (this) {
            try {
                Command c = Command.parse(bytes);
                c.checkWrite();
                // startTransaction checked it on the leader; a follower applies what the log says
                long v = volumes.merge(c.volume(), c.version(), Math::max);
                reply.put("version", v);
            } catch (ClusterException e) {
                reply.put("error", e.getMessage()); // deterministic on every node: the state is unchanged
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(message(reply));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ObjectNode reply = JSON.createObjectNode();
        try {
            Command c = Command.parse(request.getContent().toByteArray());
            synchronized (this) {
                switch (c.op()) {
                    case "version" -> reply.put("version", volumes.getOrDefault(c.volume(), -1L));
                    case "state" -> reply.setAll(state());
                    default -> throw new ClusterException("'" + c.op() + "' is not a query");
                }
            }
        } catch (ClusterException e) {
            reply.put("error", e.getMessage());
        }
        return CompletableFuture.completedFuture(message(reply));
    }

    private static Message message(ObjectNode reply) {
        try {
            return Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(JSON.writeValueAsBytes(reply)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
