package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a service is, as the replicated state keeps it (docs/cluster.md, "Services"): its manifest
 * (the JSON text, measured as it is), the SHA-256 of its WebAssembly module (the module's bytes are
 * in the replicated state too), the TCP ports it publishes on every node, the key broker its
 * volume key comes from, with the broker's policy (the policy's JSON text), the node it was asked
 * to run on (null: the leader chooses), and the peer policies its manifest's RA-TLS ports and
 * destinations name (file name in the manifest's directory -> the policy's JSON text), so that
 * every node has them from the replicated state rather than from its own disk.
 */
public record ServiceSpec(String manifest, String module, List<Integer> ports, String keyBroker, String brokerPolicy, String node,
        Map<String, String> peerPolicies) {
    static final int MAX_MANIFEST = 64 << 10;
    static final int MAX_POLICY = 16 << 10;
    static final int MAX_PORTS = 16;
    /** Peer policies a service may carry (each at most {@link #MAX_POLICY} characters). */
    public static final int MAX_PEER_POLICIES = 4;
    /** The bytes a deployment reads of a peer policy file (one more than a policy may have, to tell it is too long). */
    public static final int MAX_PEER_POLICY_BYTES = MAX_POLICY * 4;

    public ServiceSpec {
        ports = List.copyOf(ports);
        peerPolicies = Collections.unmodifiableMap(new TreeMap<>(peerPolicies));
    }

    public ServiceSpec(String manifest, String module, List<Integer> ports, String keyBroker, String brokerPolicy, String node) {
        this(manifest, module, ports, keyBroker, brokerPolicy, node, Map.of());
    }

    /** Checks a peer policy's file name and size as a deployment and every node do. */
    public static void checkPeerPolicy(String name, String text) throws ClusterException {
        if (!name.matches(Command.NAME)) throw new ClusterException("deploy: a peer policy is named by a file name (letters, digits, '.', '_', '-'), not '" + name + "'");
        if (text.isEmpty() || text.length() > MAX_POLICY) throw new ClusterException("deploy: peer policy " + name + " must be 1 to " + MAX_POLICY + " characters");
    }

    /** A service's name: 1 to 64 letters, digits, '.', '_' or '-', not starting with a symbol. */
    public static String checkName(String name) throws ClusterException {
        return Command.checkName(name);
    }

    /** Parses and checks a spec from a command; every field is checked the same way on every node. */
    static ServiceSpec of(JsonNode n) throws ClusterException {
        if (n == null || !n.isObject()) throw new ClusterException("deploy: no spec");
        String manifest = n.path("manifest").asText("");
        if (manifest.isEmpty() || manifest.length() > MAX_MANIFEST) throw new ClusterException("deploy: manifest must be 1 to " + MAX_MANIFEST + " characters");
        String module = n.path("module").asText("");
        if (!module.matches("[0-9a-f]{64}")) throw new ClusterException("deploy: module must be a SHA-256 in lowercase hex");
        List<Integer> ports = new ArrayList<>();
        JsonNode p = n.path("ports");
        if (!p.isMissingNode() && !p.isNull()) {
            if (!p.isArray() || p.size() > MAX_PORTS) throw new ClusterException("deploy: ports must be a list of at most " + MAX_PORTS);
            for (JsonNode one : p) {
                if (!one.canConvertToInt() || one.asInt() < 1 || one.asInt() > 65535) throw new ClusterException("deploy: a port is 1 to 65535");
                if (ports.contains(one.asInt())) throw new ClusterException("deploy: port " + one.asInt() + " given twice");
                ports.add(one.asInt());
            }
        }
        String broker = n.path("keyBroker").isTextual() ? n.get("keyBroker").asText() : null;
        if (broker != null) Endpoint.parse(broker, "deploy: keyBroker");
        String policy = n.path("brokerPolicy").isTextual() ? n.get("brokerPolicy").asText() : null;
        if (policy != null && policy.length() > MAX_POLICY) throw new ClusterException("deploy: brokerPolicy is over " + MAX_POLICY + " characters");
        String node = n.path("node").isTextual() ? NodeId.check(n.get("node").asText()) : null;
        Map<String, String> peers = new TreeMap<>();
        JsonNode pp = n.path("peerPolicies");
        if (!pp.isMissingNode() && !pp.isNull()) {
            if (!pp.isObject() || pp.size() > MAX_PEER_POLICIES) throw new ClusterException("deploy: peerPolicies must be an object of at most " + MAX_PEER_POLICIES);
            for (var e : pp.properties()) {
                if (!e.getValue().isTextual()) throw new ClusterException("deploy: peer policy " + e.getKey() + " must be the policy's JSON text");
                checkPeerPolicy(e.getKey(), e.getValue().asText());
                peers.put(e.getKey(), e.getValue().asText());
            }
        }
        return new ServiceSpec(manifest, module, ports, broker, policy, node, peers);
    }

    ObjectNode json() {
        ObjectNode o = Node.JSON.createObjectNode().put("manifest", manifest).put("module", module);
        var a = o.putArray("ports");
        ports.forEach(a::add);
        if (keyBroker != null) o.put("keyBroker", keyBroker);
        if (brokerPolicy != null) o.put("brokerPolicy", brokerPolicy);
        if (node != null) o.put("node", node);
        if (!peerPolicies.isEmpty()) {
            ObjectNode pp = o.putObject("peerPolicies");
            peerPolicies.forEach(pp::put);
        }
        return o;
    }
}
