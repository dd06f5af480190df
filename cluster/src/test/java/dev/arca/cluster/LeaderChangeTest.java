package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.junit.jupiter.api.Test;

/**
 * Which refusals the cluster client asks again ({@link ClusterClient#LEADER_CHANGE_MILLIS}): only
 * those that come before a request reaches the log. A timeout or a failure of the state machine
 * may have been applied, and must reach the caller; the services test runs the real handover.
 */
class LeaderChangeTest {
    @Test
    void aLeaderSteppingDownIsAskedAgainWhereverItIsWrapped() {
        var e = new LeaderSteppingDownException("n1@group is stepping down");
        assertTrue(ClusterClient.leaderChanging(e, false));
        assertTrue(ClusterClient.leaderChanging(new IOException("send", e), false));
        assertTrue(ClusterClient.leaderChanging(new java.util.concurrent.CompletionException(new IOException(e)), true));
    }

    @Test
    void aLostReadIndexIsAskedAgainOnlyForReads() {
        var e = new ReadIndexException("leadership lost during the read");
        assertTrue(ClusterClient.leaderChanging(e, true));
        assertFalse(ClusterClient.leaderChanging(e, false));
    }

    @Test
    void whatMayHaveBeenAppliedIsNotAskedAgain() {
        assertFalse(ClusterClient.leaderChanging(new TimeoutIOException("no reply in 3 s"), false));
        assertFalse(ClusterClient.leaderChanging(new StateMachineException(RaftGroupMemberId.valueOf(
                org.apache.ratis.protocol.RaftPeerId.valueOf("n1"), org.apache.ratis.protocol.RaftGroupId.randomId()), new IOException("fenced")), false));
        assertFalse(ClusterClient.leaderChanging(new IOException("connection refused"), true));
        assertFalse(ClusterClient.leaderChanging(null, true));
    }

    @Test
    void aCauseThatIsItselfEndsTheWalk() {
        IOException loop = new IOException("self") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertFalse(ClusterClient.leaderChanging(loop, false));
    }
}
