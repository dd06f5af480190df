package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.host.Host;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A node's part in running services (docs/cluster.md, "Services"), every {@link #TICK_MILLIS} and
 * whenever a service's record changes:
 * <ul>
 * <li>runs each service whose record places it on this node, for that record's generation, and
 *     stops any it runs that the record has moved on from (moved, redeployed, stopped);
 * <li>reports what became of them (running; exited, with the code) through the log;
 * <li>publishes the ports of services that run elsewhere on this node's address
 *     ({@link PublishedPort});
 * <li>on the leader: places services that have no node, and moves a service whose node has not
 *     answered the leader for {@link #DEAD_MILLIS} to the live node that runs the fewest (a
 *     follower on a tie); a leader that runs more services than a follower hands leadership to it
 *     ({@link #handOver}), so that one crash does not cost an election and a failover in series.
 * </ul>
 * What it acts on is this node's applied state, which may lag; what keeps two nodes from both
 * writing a service's volume is not this loop but the volume's fence: the newest mount's epoch
 * (docs/cluster.md, "Replicated volumes"). A node cut off from the majority cannot commit, and the
 * service it still runs is fenced as soon as its successor mounts the volume.
 *
 * <p><b>Leases</b> keep two copies from both answering (a cut-off copy would answer reads from
 * what it holds while its successor takes writes). A copy may send to the world only within
 * {@link #LEASE_MILLIS} of sending a linearizable read that found it placed here (renewed every
 * {@link #RENEW_MILLIS}; the kernel refuses its sends otherwise). Such a read is answered at a
 * point after it was sent and before any later move, so a copy's lease ends before
 * {@code LEASE_MILLIS} after the move is committed. A new copy answers only from {@code LEASE_MILLIS}
 * after it read its placement, which is after the commit: the two never answer at the same time,
 * whatever the silences, refusals or partitions, as long as the nodes' monotonic clocks run at the
 * same rate over {@code LEASE_MILLIS}.
 */
public final class ServiceSupervisor implements Closeable {
    static final long TICK_MILLIS = 50;
    /** How long a node may not answer the leader before its services are moved. */
    static final long DEAD_MILLIS = 1_000;
    /**
     * A node that has not answered for this long is not a target for a move. The leader probes a
     * node's Raft port after {@link #PROBE_AFTER_MILLIS} without an answer, or at once when a
     * forward to the node's service port was refused here: a refused connection means no process
     * listens there (it crashed), and its services move at once. A host that fakes refusals can
     * only cause a move, which the volume fence and the leases keep safe.
     */
    static final long SUSPECT_MILLIS = 300;
    /**
     * After this long without an answer (more than one heartbeat, every 150 ms) the leader probes the
     * node's Raft port, taking {@link #PROBE_MILLIS} at most.
     */
    static final long PROBE_AFTER_MILLIS = 200;
    private static final int PROBE_MILLIS = 200;
    /** How often a standby is kept warm ({@link ServiceRunner.Standby#warm}), and how long that may wait. */
    private static final long WARM_MILLIS = 2_000, WARM_WAIT_MILLIS = 1_000;
    /** How long a copy may answer after the cluster last confirmed it (see "Leases" above). */
    static final long LEASE_MILLIS = 300;
    /** How often the leases of the copies running here are renewed. */
    static final long RENEW_MILLIS = 50;
    private static final long LEASE_NANOS = LEASE_MILLIS * 1_000_000;
    private final Node node;
    private final Host host;
    private final ServiceRunner runner;
    private final Consumer<String> log;
    private final ClientSource clients;
    private final Map<String, Run> runs = new HashMap<>(); // loop thread only
    private final Map<Integer, PublishedPort> ports = new HashMap<>(); // loop thread only
    private final Map<String, Spare> spares = new HashMap<>(); // loop thread only: standbys for services that run elsewhere
    private final Deque<Report> reports = new ArrayDeque<>(); // guarded by itself
    private final Map<String, String> said = new HashMap<>(); // guarded by this: the last line logged per subject
    private final Thread loop;
    private final Thread renewer;
    private final Thread warmer;
    /** Addresses whose service port refused a forwarded connection since the last tick: probed at once (on the leader). */
    private final Set<String> refusing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<Run> leased = java.util.concurrent.ConcurrentHashMap.newKeySet(); // the copies running here, whose leases the renewer renews
    private volatile boolean closed;
    private ClusterClient client; // loop thread only
    private long leaderSince; // loop thread only: nanoTime when this node was seen to lead, 0 when not
    /** How long a leader leads before it hands leadership away from its services ({@link #handOver}), and how often it tries. */
    static final long HANDOVER_MILLIS = 2_000;
    private static final long HANDOVER_WAIT_MILLIS = 1_000;
    private static final long PLACE_MILLIS = 3_000;
    private long handedAt = System.nanoTime() - HANDOVER_MILLIS * 1_000_000; // loop thread only: when a handover was last asked

    /** How the supervisor reaches the cluster for its own writes (placements, reports). */
    public interface ClientSource {
        ClusterClient connect() throws ClusterException;
    }

    /**
     * A standby for a service that runs on another node, prepared in the background so that a
     * failover here does not wait for the key broker or a cluster connection.
     */
    private final class Spare {
        final ServiceSpec spec;
        final Thread thread;
        private ServiceRunner.Standby standby; // guarded by this
        private boolean dropped; // guarded by this

        Spare(ServiceStatus s) {
            this.spec = s.spec();
            this.thread = Thread.ofPlatform().daemon().name("standby for service " + s.name()).start(() -> {
                try {
                    byte[] module = node.stateMachine().moduleBytes(spec.module());
                    ServiceRunner.Standby made = module == null ? null : runner.prepare(s, module);
                    synchronized (this) {
                        if (dropped) {
                            if (made != null) made.close();
                            return;
                        }
                        standby = made;
                    }
                    // keep it warm while it waits: a start then opens no connection (see Standby.warm)
                    while (made != null) {
                        synchronized (this) {
                            if (dropped) return;
                        }
                        made.warm(WARM_WAIT_MILLIS);
                        Thread.sleep(WARM_MILLIS);
                    }
                } catch (InterruptedException e) {
                    // dropped
                } catch (Exception | LinkageError e) {
                    synchronized (this) {
                        if (dropped) return; // interrupted by the drop: nothing to say
                    }
                    say("standby " + s.name(), "service " + s.name() + ": no standby on node " + node.id() + " (a failover here will prepare it then): " + e.getMessage());
                }
            });
        }

        /** The standby, for a start here; null when it is not ready (the start prepares it then). */
        synchronized ServiceRunner.Standby take() {
            dropped = true;
            ServiceRunner.Standby s = standby;
            standby = null;
            return s;
        }

        synchronized void drop() {
            dropped = true;
            thread.interrupt();
            if (standby != null) standby.close();
            standby = null;
        }
    }

    private record Report(String name, long generation, String state, int exit, String reason) {}

    /** A service's program on this node, for one generation. */
    private final class Run {
        final ServiceStatus service;
        final Run previous; // the run of an earlier generation here, which must have let go of ports and volumes first
        final ServiceRunner.Standby standby; // prepared ahead, or null
        final Thread thread;
        volatile ServiceRunner.Running running;
        volatile boolean stopping;
        /** nanoTime when the last read that found this copy placed here was sent (see "Leases"). */
        final java.util.concurrent.atomic.AtomicLong confirmedAt = new java.util.concurrent.atomic.AtomicLong();
        /** nanoTime from which this copy may answer: {@link #LEASE_MILLIS} after it first read its placement. */
        volatile long notBefore;

        Run(ServiceStatus service, Run previous, ServiceRunner.Standby standby) {
            this.service = service;
            this.previous = previous;
            this.standby = standby;
            this.thread = Thread.ofPlatform().daemon().name("service " + service.name() + " (generation " + service.generation() + ")").unstarted(this::run);
        }

        private void run() {
            try {
                runCopy();
            } finally {
                leased.remove(this);
            }
        }

        /** This copy's lease: its placement confirmed within {@link #LEASE_MILLIS}, and not before {@link #notBefore}. */
        final ServiceRunner.Lease lease = new ServiceRunner.Lease() {
            @Override
            public boolean held() {
                long now = System.nanoTime();
                return now - notBefore >= 0 && now - confirmedAt.get() < LEASE_NANOS;
            }

            @Override
            public long lapsedSince() {
                long confirmed = confirmedAt.get(), expired = confirmed + LEASE_NANOS, now = System.nanoTime();
                // before notBefore a new copy waits from its start; after a lapse, from the lapse
                return now - notBefore < 0 ? confirmed : expired - now <= 0 ? expired : now;
            }
        };

        private void runCopy() {
            ServiceStatus s = service;
            try {
                if (previous != null) previous.thread.join();
                // a node that restarts replays its log: what it has applied so far may place here a service that has moved since
                long sent = System.nanoTime();
                if (!stillHere(s)) {
                    log.accept("service " + s.name() + ": generation " + s.generation() + " is no longer placed here: not started");
                    if (standby != null) standby.close();
                    return;
                }
                // the read saw the placement committed: a copy elsewhere holds no lease from LEASE_MILLIS on
                notBefore = System.nanoTime() + LEASE_NANOS;
                confirmedAt.set(sent);
                leased.add(this);
                byte[] module = node.stateMachine().moduleBytes(s.spec().module());
                if (module == null) throw new ClusterException("this node does not hold the module sha256:" + s.spec().module() + " yet");
                ServiceRunner.Running r = runner.start(s, module, standby, lease);
                synchronized (this) {
                    if (stopping) {
                        r.stop();
                        return;
                    }
                    running = r;
                }
                log.accept("service " + s.name() + ": running on node " + node.id() + " (generation " + s.generation() + ")");
                report(new Report(s.name(), s.generation(), "running", 0, null));
                ServiceRunner.Exit e = r.await();
                if (!stopping) {
                    log.accept("service " + s.name() + ": exited with " + e.code() + (e.reason() == null ? "" : " (" + e.reason() + ")"));
                    report(new Report(s.name(), s.generation(), "exited", e.code(), e.reason()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | LinkageError e) { // LinkageError: a runtime replaced under a running node, say
                if (stopping) return;
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                log.accept("service " + s.name() + ": cannot start on node " + node.id() + ": " + why);
                report(new Report(s.name(), s.generation(), "exited", 1, "cannot start: " + why));
            }
        }

        void stop() {
            ServiceRunner.Running r;
            synchronized (this) {
                stopping = true;
                r = running;
            }
            if (r != null) r.stop();
        }
    }

    public ServiceSupervisor(Node node, Host host, ServiceRunner runner, ClientSource clients, Consumer<String> log) {
        this.node = node;
        this.host = host;
        this.runner = runner;
        this.clients = clients;
        this.log = log;
        this.loop = Thread.ofPlatform().daemon().name("services of node " + node.id()).unstarted(this::loop);
        this.renewer = Thread.ofPlatform().daemon().name("service leases of node " + node.id()).unstarted(this::renew);
        this.warmer = Thread.ofPlatform().daemon().name("cluster connections of node " + node.id()).unstarted(this::warm);
    }

    public ServiceSupervisor start() {
        // a placement, stop or report applied here wakes the loop at once: the node a service moves to
        // starts it, and the others forward its ports to it, without waiting for the next tick
        node.stateMachine().onServiceChange(() -> java.util.concurrent.locks.LockSupport.unpark(loop));
        loop.start();
        renewer.start();
        warmer.start();
        return this;
    }

    /**
     * Renews the leases of the copies running here: every {@link #RENEW_MILLIS} a linearizable read
     * of the services through this node's own Raft server ({@link Node#readOnce}), not waited for,
     * so one slow read (a leader that has just died, a member cut off) delays no later one; each
     * answer renews from the moment its own read was sent. A copy the read does not find placed here
     * is not renewed: its lease lapses, and the loop stops it once this node has applied the move.
     * Until 2026-12-06 the reads went one at a time through a cluster client, and a copy on the
     * majority's side saw its lease lapse while other nodes were cut off (docs/cluster.md, "Found
     * and mended").
     */
    private void renew() {
        var inFlight = new java.util.concurrent.atomic.AtomicInteger();
        var failingSince = new java.util.concurrent.atomic.AtomicLong(); // nanoTime of the first failure since the last success; 0: none
        var answeredSent = new java.util.concurrent.atomic.AtomicLong(); // when the newest answered read was sent
        while (!closed) {
            try {
                Thread.sleep(RENEW_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
            if (leased.isEmpty() || inFlight.get() >= MAX_RENEWALS_IN_FLIGHT) continue;
            long sent = System.nanoTime();
            inFlight.incrementAndGet();
            node.readOnce(Command.services()).whenComplete((answer, failure) -> {
                inFlight.decrementAndGet();
                if (failure != null) {
                    // a read sent before one that was answered says nothing new (those a dead leader
                    // held fail 3 s late); otherwise one line per run of failures (they come every
                    // 50 ms, each worded a little differently)
                    if (answeredSent.get() - sent > 0) return;
                    Throwable why = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (failingSince.compareAndSet(0, System.nanoTime() | 1)) {
                        log.accept("services: cannot renew the leases of the services running here: " + why.getMessage());
                    }
                    return;
                }
                Map<String, JsonNode> now = new HashMap<>();
                for (var one : answer.path("services")) now.put(one.path("name").asText(), one);
                for (Run run : leased) {
                    var one = now.get(run.service.name());
                    if (one != null && placedHere(one, run.service.generation())) run.confirmedAt.accumulateAndGet(sent, LATER);
                }
                answeredSent.accumulateAndGet(sent, LATER);
                long since = failingSince.getAndSet(0);
                if (since != 0) log.accept("services: the leases of the services running here are renewed again (reads failed for " + (System.nanoTime() - since) / 1_000_000 + " ms)");
            });
        }
    }

    /** The later of two {@link System#nanoTime} readings (which may wrap: compared by difference). */
    private static final java.util.function.LongBinaryOperator LATER = (a, b) -> b - a > 0 ? b : a;

    /**
     * At most this many renewals wait for an answer at once: a read sent to a leader that has died
     * fails after Ratis's request timeout (3 s, 60 renewals), and those must not hold back the reads
     * that go to its successor; the bound is for a server that never answers.
     */
    private static final int MAX_RENEWALS_IN_FLIGHT = 100;

    /**
     * Keeps this node's own cluster connections (the loop's, made here when missing, and the
     * renewer's) open to every member every {@link #WARM_MILLIS}, as the standbys keep theirs: after
     * a leader dies, the placement, the new copy's first read and the leases' renewals then pay no
     * TLS handshake with the new leader (measured before: 190 ms to connect the new leader's loop,
     * 457 ms for a new copy's first read).
     */
    private void warm() {
        while (!closed) {
            try {
                Thread.sleep(WARM_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                client().warm(WARM_WAIT_MILLIS);
            } catch (ClusterException | RuntimeException e) {
                // not reachable now: the loop and the renewer say so when they need the cluster
            }
        }
    }

    private static ClusterClient closeQuietly(ClusterClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // a fresh one next time
            }
        }
        return null;
    }

    private void report(Report r) {
        synchronized (reports) {
            reports.add(r);
        }
    }

    private void loop() {
        while (!closed) {
            try {
                tick();
            } catch (RuntimeException e) { // never let one bad tick end the node's services
                say("tick", "services: " + e);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TICK_MILLIS * 1_000_000); // or less: see start()
            if (Thread.interrupted()) return;
        }
    }

    private void tick() {
        List<ServiceStatus> services = node.stateMachine().services();
        String me = node.id();
        Map<String, ServiceStatus> byName = new HashMap<>();
        for (ServiceStatus s : services) byName.put(s.name(), s);
        // 1. stop what has moved on; start what is placed here
        Map<String, Run> ended = new HashMap<>();
        for (var it = runs.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ServiceStatus s = byName.get(e.getKey());
            Run run = e.getValue();
            if (s == null || !s.active() || !me.equals(s.node()) || s.generation() != run.service.generation()) {
                boolean alive = run.thread.isAlive();
                run.stop();
                it.remove();
                ended.put(e.getKey(), run);
                if (alive) log.accept("service " + e.getKey() + ": stopped on node " + me + (s == null || !s.active() ? "" : " (now generation " + s.generation() + " on node " + s.node() + ")"));
            }
        }
        Map<Integer, InetSocketAddress> wanted = new HashMap<>();
        Map<Integer, String> owner = new HashMap<>();
        Map<String, String> addresses = node.addresses();
        for (ServiceStatus s : services) {
            if (!s.active()) continue;
            if (me.equals(s.node())) {
                if (!runs.containsKey(s.name())) {
                    for (int p : s.spec().ports()) close(p); // the program binds them itself
                    Spare spare = spares.remove(s.name());
                    ServiceRunner.Standby standby = spare != null && spare.spec.equals(s.spec()) ? spare.take() : null;
                    if (spare != null && standby == null) spare.drop();
                    Run run = new Run(s, ended.get(s.name()), standby);
                    runs.put(s.name(), run);
                    log.accept("service " + s.name() + ": starting on node " + me + " (generation " + s.generation() + ")");
                    run.thread.start();
                }
            } else {
                Spare spare = spares.get(s.name());
                if (spare == null || !spare.spec.equals(s.spec())) {
                    if (spare != null) spare.drop();
                    spares.put(s.name(), new Spare(s));
                }
                String addr = addresses.get(s.node());
                for (int p : s.spec().ports()) {
                    wanted.put(p, addr == null ? null : new InetSocketAddress(InetAddress.ofLiteral(host(addr)), p));
                    owner.put(p, s.name());
                }
            }
        }
        for (var it = spares.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ServiceStatus s = byName.get(e.getKey());
            if (s == null || !s.active() || me.equals(s.node())) {
                e.getValue().drop();
                it.remove();
            }
        }
        // 2. published ports
        for (var it = ports.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey()) || !owner.get(e.getKey()).equals(e.getValue().service())) {
                e.getValue().close();
                it.remove();
            }
        }
        for (var e : wanted.entrySet()) {
            PublishedPort p = ports.get(e.getKey());
            if (p == null) {
                try {
                    p = PublishedPort.open(host, owner.get(e.getKey()), InetAddress.ofLiteral(node.address().host()), e.getKey(), a -> refusing.add(a.getHostAddress()));
                    ports.put(e.getKey(), p);
                    synchronized (this) {
                        said.remove("port " + e.getKey());
                    }
                } catch (IOException x) {
                    say("port " + e.getKey(), "service " + owner.get(e.getKey()) + ": cannot publish port " + e.getKey() + " on " + node.address().host() + ": " + x.getMessage());
                    continue;
                }
            }
            p.target(e.getValue());
        }
        // 3. what the cluster must hear: reports, and the leader's placements
        if (!sendReports()) return;
        place(services);
    }

    /** Sends the queued reports; false when the cluster cannot be reached now. */
    private boolean sendReports() {
        while (true) {
            Report r;
            synchronized (reports) {
                r = reports.peek();
            }
            if (r == null) return true;
            try {
                client().report(r.name(), node.id(), r.generation(), r.state(), r.exit(), r.reason());
            } catch (ClusterException e) {
                say("report", "services: cannot report to the cluster yet: " + e.getMessage());
                dropClient();
                return false;
            }
            synchronized (reports) {
                reports.poll();
            }
        }
    }

    /** On the leader: places services with no node, and moves those whose node stopped answering. */
    private void place(List<ServiceStatus> services) {
        String me = node.id();
        Set<String> refusedHere = Set.copyOf(refusing);
        refusing.clear();
        Map<String, Long> silence = node.followerSilence();
        if (silence == null) {
            leaderSince = 0;
            return;
        }
        long now = System.nanoTime();
        if (leaderSince == 0) leaderSince = now;
        long leaderFor = (now - leaderSince) / 1_000_000;
        Set<String> live = new java.util.TreeSet<>(), fresh = new java.util.TreeSet<>(), heard = new java.util.TreeSet<>();
        silence.forEach((id, ms) -> {
            if (ms < DEAD_MILLIS) live.add(id);
            if (ms < SUSPECT_MILLIS) fresh.add(id);
            if (ms < PROBE_AFTER_MILLIS) heard.add(id);
        });
        if (live.size() * 2 <= silence.size()) { // silence holds every member, this one too
            // this leader has not heard a majority lately: it is the one cut off (a partition, a pause), and its view of
            // who is silent is stale; once it hears them again it waits as a new leader does (a move then was seen to
            // take a service from a healthy node just after a partition healed)
            leaderSince = 0;
            return;
        }
        // until every live follower has had its chance to answer this leader, only a crash (refused) moves a service:
        // it needs no silence figure, and a leader elected because the service's node crashed acts at once
        boolean settled = leaderFor >= SUSPECT_MILLIS;
        Map<String, Integer> load = new HashMap<>();
        for (String id : live) load.put(id, 0);
        for (ServiceStatus s : services) if (s.active() && load.containsKey(s.node())) load.merge(s.node(), 1, Integer::sum);
        Map<String, String> addresses = node.addresses();
        Map<String, Boolean> crashed = new HashMap<>();
        // nodes whose service port refused a forward here: probed now, whatever their silence
        Set<String> hinted = new java.util.TreeSet<>();
        for (var a : addresses.entrySet()) if (a.getValue() != null && refusedHere.contains(host(a.getValue()))) hinted.add(a.getKey());
        for (ServiceStatus s : services) {
            // silence alone counts once this node has led for DEAD_MILLIS; a crash (refused) at once
            boolean gone = s.active() && ((leaderFor >= DEAD_MILLIS && !live.contains(s.node()))
                    || ((!heard.contains(s.node()) || hinted.contains(s.node())) && crashed.computeIfAbsent(s.node(), id -> refused(addresses.get(id)))));
            boolean homeless = (settled && s.state().equals("placing")) || gone;
            if (!homeless) continue;
            if (s.node() != null) {
                live.remove(s.node());
                fresh.remove(s.node());
            }
            // only to a node that answered within SUSPECT_MILLIS: one silent for less than DEAD_MILLIS may be cut off
            // too (seen: a move to the other node of a cut-off pair, then a second move 100 ms later)
            // the fewest services first, and on a tie not this node (the leader): a crash of a node that leads and runs
            // a service costs an election before the failover (measured: 1.9-2.3 s against 0.8-1.2 s for a follower's)
            String target = null;
            for (String id : fresh) {
                if (target == null || weight(id, load, me) < weight(target, load, me)) target = id;
            }
            if (target == null) return;
            try {
                node.submit(Command.place(s.name(), target, s.generation()), PLACE_MILLIS);
                load.merge(target, 1, Integer::sum);
                log.accept("service " + s.name() + ": " + (s.node() == null ? "placed"
                        : Boolean.TRUE.equals(crashed.get(s.node())) ? "node " + s.node() + " is down (silent " + silence.get(s.node()) + " ms"
                                + (hinted.contains(s.node()) ? ", its service port refused a forward" : "") + ", its Raft port refuses connections): moved"
                        : "node " + s.node() + " has not answered for " + silence.get(s.node()) + " ms: moved") + " to node " + target);
            } catch (ClusterException e) {
                say("place " + s.name(), "service " + s.name() + ": cannot place it yet: " + e.getMessage());
                return;
            }
        }
        handOver(services, fresh, load, leaderFor);
    }

    /**
     * A leader that runs services hands leadership to a follower that runs fewer (one heard within
     * {@link #SUSPECT_MILLIS}), once it has led for {@link #HANDOVER_MILLIS} and every service
     * runs (none being placed or started), at most every {@code HANDOVER_MILLIS}: a crash of a node
     * that both leads and runs a service waits for an election before its failover (measured with
     * {@code bench/service-failover.sh}: p50 1802 ms against 774 ms for a follower's crash). The
     * new leader runs fewer services than this one, so leadership does not bounce back. While the
     * handover runs the leader refuses requests; the cluster client asks again
     * ({@link ClusterClient#LEADER_CHANGE_MILLIS}).
     */
    private void handOver(List<ServiceStatus> services, Set<String> fresh, Map<String, Integer> load, long leaderFor) {
        String me = node.id();
        int mine = load.getOrDefault(me, 0);
        if (mine == 0 || leaderFor < HANDOVER_MILLIS || System.nanoTime() - handedAt < HANDOVER_MILLIS * 1_000_000) return;
        for (ServiceStatus s : services) if (s.state().equals("placing") || s.state().equals("starting")) return;
        String to = null;
        for (String id : fresh) {
            if (!id.equals(me) && load.containsKey(id) && load.get(id) < mine && (to == null || load.get(id) < load.get(to))) to = id;
        }
        if (to == null) return;
        handedAt = System.nanoTime();
        String target = to;
        Thread.ofVirtual().name("leadership to " + target).start(() -> {
            try {
                client().lead(target, HANDOVER_WAIT_MILLIS);
                log.accept("services: node " + me + " runs " + mine + " service(s), node " + target + " fewer: leadership handed to node " + target);
            } catch (ClusterException e) {
                say("handover", "services: leadership not handed to node " + target + ": " + e.getMessage());
            }
        });
    }

    private static int weight(String id, Map<String, Integer> load, String leader) {
        return load.get(id) * 2 + (id.equals(leader) ? 1 : 0);
    }

    /**
     * Whether the cluster (read linearizably, not this node's applied state, which may be replaying an old log) places
     * {@code s} here now: through this node's own server ({@link Node#read}), which knows the leader, waiting as long as
     * a client call would while leadership changes hands.
     */
    private boolean stillHere(ServiceStatus s) throws ClusterException {
        for (var one : node.read(Command.services(), ClusterClient.LEADER_CHANGE_MILLIS).path("services")) {
            if (one.path("name").asText().equals(s.name())) return placedHere(one, s.generation());
        }
        return false;
    }

    /** Whether a service's record (as {@link ClusterClient#services} gives it) places {@code generation} on this node. */
    private boolean placedHere(JsonNode one, long generation) {
        return node.id().equals(one.path("node").asText()) && one.path("generation").asLong() == generation
                && (one.path("state").asText().equals("starting") || one.path("state").asText().equals("running"));
    }

    private synchronized ClusterClient client() throws ClusterException {
        if (client == null) client = clients.connect();
        return client;
    }

    private synchronized void dropClient() {
        client = closeQuietly(client);
    }

    /** Logs a line once per change of what it says about {@code subject} (from the loop and the standbys' threads). */
    private synchronized void say(String subject, String line) {
        if (!line.equals(said.put(subject, line))) log.accept(line);
    }

    private void close(int port) {
        PublishedPort p = ports.remove(port);
        if (p != null) p.close();
    }

    /** Whether nothing listens at {@code hostPort}; a timeout (a partition or a pause looks like this) waits for DEAD_MILLIS. */
    private boolean refused(String hostPort) {
        return Endpoint.refuses(host, hostPort, PROBE_MILLIS);
    }

    private static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    /** Stops every service this node runs and every port it publishes. */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        renewer.interrupt();
        warmer.interrupt();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.values().forEach(Run::stop);
        runs.clear();
        spares.values().forEach(Spare::drop);
        spares.clear();
        ports.values().forEach(PublishedPort::close);
        ports.clear();
        dropClient();
    }
}
