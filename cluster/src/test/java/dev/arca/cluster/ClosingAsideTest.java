package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.junit.jupiter.api.Test;

/**
 * The cluster client's connections to a member that failed are closed aside ({@link
 * ClusterClient.ClosingAside}): a caller whose request met a leader cut off goes on to the next
 * member at once instead of waiting out gRPC's 3 s graceful shutdown on its own thread, and what
 * Ratis decides (reset or not) is what it would have decided. tests/cluster/partition.sh (case 3)
 * runs the real thing.
 */
class ClosingAsideTest {
    /** A member's connection whose closing hangs, as a gRPC channel to a host that drops packets does. */
    static final class HangingClose implements RaftClientRpc {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger resets = new AtomicInteger();
        volatile Thread resetThread;

        @Override
        public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public void addRaftPeers(java.util.Collection<org.apache.ratis.protocol.RaftPeer> peers) {}

        @Override
        public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
            resetThread = Thread.currentThread();
            resets.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void aFailedMembersConnectionIsClosedOffTheCallersThread() throws Exception {
        var rpc = new HangingClose();
        var aside = new ClusterClient.ClosingAside(rpc);
        long t0 = System.nanoTime();
        assertTrue(aside.handleException(RaftPeerId.valueOf("n3"), new TimeoutIOException("no answer from n3"), true));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000, "the caller waited for the close");
        long until = System.nanoTime() + 5_000_000_000L;
        while (rpc.resets.get() == 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(1, rpc.resets.get(), "the connection was reset");
        assertTrue(rpc.resetThread != Thread.currentThread() && rpc.resetThread.isVirtual());
        rpc.release.countDown();
    }

    @Test
    void aFailureThatRatisWouldNotResetForIsLeftAlone() throws Exception {
        var rpc = new HangingClose();
        var aside = new ClusterClient.ClosingAside(rpc);
        // not a reconnect, and not a failure that calls for one (an application's refusal)
        assertFalse(aside.handleException(RaftPeerId.valueOf("n1"), new IllegalStateException("refused"), false));
        // a closed channel calls for one even unasked, as in Ratis's own PeerProxyMap
        assertTrue(aside.handleException(RaftPeerId.valueOf("n1"), new java.nio.channels.ClosedChannelException(), false));
        long until = System.nanoTime() + 5_000_000_000L;
        while (rpc.resets.get() == 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(1, rpc.resets.get());
        rpc.release.countDown();
    }
}
