package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/**
 * The order in which followers start an election when their leader crashed ({@link LeaderWatch}):
 * one at a time, so that two candidates do not split the votes. The crash itself is run by
 * tests/cluster/run.sh (kill -9 of the leader, and a paused leader that must not count as crashed).
 */
class LeaderWatchTest {
    private static List<RaftPeer> peers(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:1").build()).toList();
    }

    private static int turn(List<RaftPeer> voters, String leader, String self) {
        return LeaderWatch.turn(voters, RaftPeerId.valueOf(leader), RaftPeerId.valueOf(self));
    }

    @Test
    void followersGoInTheOrderOfTheirIdsWithoutTheLeader() {
        var five = peers("n3", "n1", "n5", "n2", "n4");
        assertEquals(0, turn(five, "n1", "n2"));
        assertEquals(1, turn(five, "n1", "n3"));
        assertEquals(3, turn(five, "n1", "n5"));
        assertEquals(0, turn(five, "n3", "n1"));
        assertEquals(1, turn(five, "n3", "n2"));
        assertEquals(2, turn(five, "n3", "n4"));
    }

    @Test
    void everyFollowerHasItsOwnTurn() {
        var three = peers("b", "a", "c");
        for (String leader : List.of("a", "b", "c")) {
            var turns = new java.util.TreeSet<Integer>();
            for (String self : List.of("a", "b", "c")) if (!self.equals(leader)) turns.add(turn(three, leader, self));
            assertEquals(java.util.Set.of(0, 1), turns, "leader " + leader);
        }
    }

    @Test
    void aNodeThatDoesNotVoteStartsNothing() {
        assertEquals(-1, turn(peers("n1", "n2", "n3"), "n1", "n4"));
        assertEquals(-1, turn(peers("n1", "n2", "n3"), "n1", "n1"));
    }
}
