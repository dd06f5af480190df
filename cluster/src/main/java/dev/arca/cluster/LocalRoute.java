package dev.arca.cluster;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.util.IOUtils;
import org.apache.ratis.util.TimeDuration;

/**
 * The cluster client's transport, with one shortcut: a read or a write addressed to a node that
 * runs in this JVM (a service's own commits, or a resident run, on its node) goes straight to that
 * node's Raft server, as the node's gRPC service would hand it over, without the TLS connection, the
 * protobuf copies and gRPC's thread hand-offs (0.5-0.7 ms each way on this machine, docs/cluster.md).
 * Everything else goes to the transport it wraps (gRPC) unchanged: other nodes, administration (membership,
 * leadership), asynchronous requests.
 *
 * <p>The request is the one Ratis's client built, with its client id and call id, so the server's
 * retry cache treats a retry exactly as it would over gRPC (a write asked again after a timeout or a
 * change of leader is applied once), and a refusal (not the leader) sends Ratis's client on to the
 * leader as before. The caller is this JVM, which is the node's own trust boundary: no attestation
 * is skipped that would have meant anything.
 */
final class LocalRoute extends ForwardingRpc {
    /** How a node running in this JVM is found: by group, id and the address the client has for it. */
    interface Servers {
        RaftClientAsynchronousProtocol find(RaftGroupId group, RaftPeerId id, String address);
    }

    private final Servers servers;
    private final TimeDuration timeout;
    private final Map<RaftPeerId, String> addresses = new ConcurrentHashMap<>();
    private final AtomicLong local = new AtomicLong();

    LocalRoute(RaftClientRpc remote, Servers servers, TimeDuration timeout) {
        super(remote);
        this.servers = servers;
        this.timeout = timeout;
    }

    /** Requests this route handed to a node in this JVM (for tests and measurements). */
    long localRequests() {
        return local.get();
    }

    private RaftClientAsynchronousProtocol server(RaftClientRequest request) {
        // a plain request only: administration travels as subclasses, which gRPC sends to another service
        if (request.getClass() != RaftClientRequest.class) return null;
        if (!request.is(TypeCase.WRITE) && !request.is(TypeCase.READ) && !request.is(TypeCase.STALEREAD)) return null;
        String address = addresses.get(request.getServerId());
        return address == null ? null : servers.find(request.getRaftGroupId(), request.getServerId(), address);
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        RaftClientAsynchronousProtocol server = server(request);
        if (server == null) return rpc.sendRequest(request);
        local.incrementAndGet();
        long millis = request.getTimeoutMs() > 0 ? request.getTimeoutMs() : timeout.toLong(TimeUnit.MILLISECONDS);
        var reply = server.submitClientRequestAsync(request);
        try {
            return reply.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + request.getServerId() + " (in this process)");
        } catch (TimeoutException e) {
            // as gRPC's: a timeout the client may ask again, with the same call id
            throw new TimeoutIOException("no reply from " + request.getServerId() + " (in this process) within " + millis + " ms", e);
        } catch (ExecutionException e) {
            throw IOUtils.toIOException(e);
        }
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
        for (RaftPeer p : peers) addresses.put(p.getId(), p.getAddress());
        rpc.addRaftPeers(peers);
    }
}
