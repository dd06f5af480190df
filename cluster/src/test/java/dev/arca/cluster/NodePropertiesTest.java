package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Raft settings a node runs with, read back as Ratis reads them. */
class NodePropertiesTest {
    @TempDir
    Path dir;

    /**
     * A follower that failed many appends in a row (paused, cut off, restarted) is tried again
     * within about a heartbeat, however long it failed: Ratis's default waited 5 s from the 31st
     * failure on (tests/cluster/services.sh moves a service to a node just resumed from SIGSTOP).
     */
    @Test
    void theLeaderTriesAFailingFollowerAgainWithinAHeartbeat() {
        Endpoint a = new Endpoint("127.0.0.11", 7001);
        RaftProperties p = Node.properties(new Node.Config("n1", a, Map.of("n1", a), dir, "arca"), dir.resolve("raft"));
        String text = RaftServerConfigKeys.Log.Appender.retryPolicy(p);
        assertEquals(Node.APPENDER_RETRY, text);
        RetryPolicy policy = RetryPolicy.parse(text, RaftServerConfigKeys.Log.Appender.RETRY_POLICY_KEY);
        for (int errors : new int[] {1, 10, 11, 31, 1_000, 1_000_000, Integer.MAX_VALUE - 1}) {
            RetryPolicy.Action act = policy.handleAttemptFailure(() -> errors);
            long ms = act.getSleepTime().toLong(java.util.concurrent.TimeUnit.MILLISECONDS);
            assertTrue(act.shouldRetry(), "after " + errors + " failures");
            assertTrue(ms <= 150, "after " + errors + " failures the leader waits " + ms + " ms");
            if (errors > 10) assertTrue(ms >= 50, "after " + errors + " failures the leader waits only " + ms + " ms (no busy retry)");
        }
    }
}
