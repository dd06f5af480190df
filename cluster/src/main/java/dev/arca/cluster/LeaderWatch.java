package dev.arca.cluster;

import dev.arca.host.Host;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * A follower that finds its leader crashed starts an election at once, instead of after Ratis's
 * election timeout.
 *
 * <p>Ratis's follower sleeps a random election timeout (300-600 ms here) and starts an election
 * only if no message came during the whole sleep: the sleep in which the leader's last heartbeat
 * came ends without an election, and only a whole sleep after it does, about 650 ms after the
 * crash on average, before the votes even start (and the first round is a pre-vote). That silence
 * is all it can know. A crashed process tells more: the kernel refuses connections to a port nobody listens
 * on. So every {@link #TICK_MILLIS} this watch looks at how long its leader has been silent (Ratis's
 * own figure, the time since the leader's last append or heartbeat), and once that passes
 * {@link #SILENT_MILLIS} (heartbeats go every 150 ms) it connects to the leader's Raft port: if the
 * connection is refused, it asks its own Raft server to start an election, with the request a
 * leader sends in a handover ({@code arca cluster lead}), given locally. That election skips the
 * pre-vote (the other followers, which heard the leader less than a minimum timeout ago, would
 * refuse one) and asks for votes at the next term at once.
 *
 * <p>Only one follower should start it: two candidates at once split the votes, and both then wait
 * out a timeout. Followers go in the order of their ids, {@link #STAGGER_MILLIS} apart; the one
 * that goes first usually wins before the next one's turn, and the next one goes only if the leader
 * is still the silent, refusing one.
 *
 * <p>Why this is safe: Raft is safe whenever any node starts an election; a needless one costs
 * only time (a leader deposed). A paused, slow or cut-off leader does not refuse connections, so it
 * gets Ratis's timeout as before; a host that fakes refusals (a firewall rejecting the port) can
 * cause elections, which it could as well by dropping the packets. A request refused by Ratis (this
 * follower no longer recognises that leader, or its log's last entry is of an older term than the
 * current one) starts nothing; Ratis's own timeout still runs.
 */
final class LeaderWatch implements Closeable {
    static final long TICK_MILLIS = 25;
    /**
     * Silence after which the leader's Raft port is probed: more than one heartbeat (the leader sends
     * one 150 ms after the follower's last answer); as long as the leader's supervisor waits before
     * it probes a silent follower ({@link ServiceSupervisor#PROBE_AFTER_MILLIS}).
     */
    static final long SILENT_MILLIS = 200;
    /** How much longer each follower after the first in id order waits. */
    static final long STAGGER_MILLIS = 150;
    private static final int PROBE_MILLIS = 100;

    private final RaftServer server;
    private final RaftGroupId group;
    private final Host host;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean closed;
    private long forcedTerm = -1; // watch thread only: the term in which this node last started an election
    private long quietUntil; // watch thread only: nanoTime before which the leader is not probed again

    LeaderWatch(RaftServer server, RaftGroupId group, Host host, Consumer<String> log) {
        this.server = server;
        this.group = group;
        this.host = host;
        this.log = log;
        this.thread = Thread.ofPlatform().daemon().name("arca-leader-watch").unstarted(this::run);
    }

    LeaderWatch start() {
        thread.start();
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MILLIS);
                tick();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // the server is closing or not started yet; the next tick looks again
            }
        }
    }

    private void tick() throws IOException {
        var division = server.getDivision(group);
        var info = division.getInfo();
        if (!info.isFollower()) return;
        RaftPeerId leader = info.getLeaderId();
        var role = info.getRoleInfoProto();
        if (leader == null || !role.hasFollowerInfo() || role.getFollowerInfo().getOutstandingOp() > 0) return;
        long silent = role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
        long term = info.getCurrentTerm();
        RaftPeerId self = server.getId();
        var conf = division.getRaftConf();
        int turn = turn(conf.getCurrentPeers(), leader, self);
        if (turn < 0 || term == forcedTerm || silent < SILENT_MILLIS + turn * STAGGER_MILLIS || System.nanoTime() - quietUntil < 0) return;
        RaftPeer peer = conf.getPeer(leader);
        if (peer == null || !Endpoint.refuses(host, peer.getAddress(), PROBE_MILLIS)) {
            quietUntil = System.nanoTime() + SILENT_MILLIS * 1_000_000; // alive (paused, slow) or unknown: Ratis's timeout decides
            return;
        }
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        if (last == null || !info.isFollower() || !leader.equals(info.getLeaderId()) || info.getCurrentTerm() != term) return;
        var request = StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(ClientProtoUtils.toRaftRpcRequestProtoBuilder(RaftGroupMemberId.valueOf(leader, group), self))
                .setLeaderLastEntry(last.toProto()).build();
        forcedTerm = term;
        if (server.startLeaderElection(request).getServerReply().getSuccess()) {
            log.accept("node " + self + ": leader " + leader + " silent " + silent + " ms and its Raft port refuses connections: starting an election (term " + (term + 1) + ")");
        }
    }

    /**
     * This node's place among the voting members other than {@code leader}, in id order (0 goes
     * first); -1 when it does not vote.
     */
    static int turn(java.util.Collection<RaftPeer> voters, RaftPeerId leader, RaftPeerId self) {
        List<String> ids = new ArrayList<>();
        for (RaftPeer p : voters) if (!p.getId().equals(leader)) ids.add(p.getId().toString());
        ids.sort(null);
        return ids.indexOf(self.toString());
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
