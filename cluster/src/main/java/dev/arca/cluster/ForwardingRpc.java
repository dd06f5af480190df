package dev.arca.cluster;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/** A Ratis client transport that hands every call to {@code rpc}; the cluster client's own transports change one or two calls of it. */
abstract class ForwardingRpc implements RaftClientRpc {
    protected final RaftClientRpc rpc;

    ForwardingRpc(RaftClientRpc rpc) {
        this.rpc = rpc;
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
        return rpc.sendRequestAsync(request);
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
        return rpc.sendRequestAsyncUnordered(request);
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        return rpc.sendRequest(request);
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
        rpc.addRaftPeers(peers);
    }

    @Override
    public boolean shouldReconnect(Throwable t) {
        return rpc.shouldReconnect(t);
    }

    @Override
    public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
        return rpc.handleException(serverId, t, reconnect);
    }

    @Override
    public void close() throws IOException {
        rpc.close();
    }
}
