package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A service's record in the replicated state: its spec, the node that runs it, and what that node
 * last reported. {@code state}: {@code placing} (no node yet: the leader places it), {@code
 * starting} (placed on {@code node}, not yet reported running), {@code running}, {@code exited}
 * (the program ended: {@code exit} and {@code reason}; it is not restarted on its own), {@code
 * stopped}. {@code generation} is the log index of the last placement: a node runs the service
 * only for the generation it was given, and reports about an older one are ignored.
 */
public record ServiceStatus(String name, ServiceSpec spec, String node, String state, long generation, Integer exit, String reason) {

    ServiceStatus with(String node, String state, long generation) {
        return new ServiceStatus(name, spec, node, state, generation, null, null);
    }

    /** Whether a node should be running it. */
    public boolean active() {
        return node != null && (state.equals("starting") || state.equals("running"));
    }

    /** As {@code arca service status} prints it (the manifest and the broker's policy left out unless {@code whole}). */
    ObjectNode json(boolean whole) {
        ObjectNode o = Node.JSON.createObjectNode().put("name", name);
        if (node == null) o.putNull("node"); else o.put("node", node);
        o.put("state", state).put("generation", generation);
        if (exit != null) o.put("exit", exit);
        if (reason != null) o.put("reason", reason);
        if (whole) {
            o.set("spec", spec.json());
        } else {
            o.put("module", "sha256:" + spec.module());
            var ports = o.putArray("ports");
            spec.ports().forEach(ports::add);
        }
        return o;
    }

    static ServiceStatus of(String name, JsonNode o) throws ClusterException {
        return new ServiceStatus(name, ServiceSpec.of(o.get("spec")), o.path("node").isTextual() ? o.get("node").asText() : null,
                o.path("state").asText(), o.path("generation").asLong(), o.has("exit") ? o.get("exit").asInt() : null,
                o.path("reason").isTextual() ? o.get("reason").asText() : null);
    }
}
