package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A request to the replicated state, one JSON object:
 * <ul>
 * <li>{@code {"op":"advance","volume":HEX,"version":N}}: a write; the volume's committed version
 *     becomes the larger of the two. Replies {@code {"version":V}}.
 * <li>{@code {"op":"version","volume":HEX}}: a linearizable read; {@code -1} for a volume never seen.
 * <li>{@code {"op":"state"}}: the whole state, for {@code arca cluster status}.
 * </ul>
 * Anything else, or a field out of range, is refused before it reaches the log.
 */
record Command(String op, String volume, long version) {
    static final int MAX_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    static Command advance(String volumeHex, long version) {
        return new Command("advance", volumeHex, version);
    }

    static Command read(String volumeHex) {
        return new Command("version", volumeHex, 0);
    }

    static Command parse(byte[] bytes) throws ClusterException {
        if (bytes.length > MAX_BYTES) throw new ClusterException("command too large (" + bytes.length + " bytes)");
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ClusterException("command is not JSON");
        }
        if (n == null || !n.isObject() || !n.path("op").isTextual()) throw new ClusterException("command has no \"op\"");
        String op = n.get("op").asText();
        String volume = n.path("volume").isTextual() ? n.get("volume").asText() : null;
        if (volume != null && !volume.matches("[0-9a-f]{2,128}")) throw new ClusterException("volume id must be 2 to 128 lowercase hex digits");
        long version = n.path("version").canConvertToLong() ? n.get("version").asLong() : -1;
        return new Command(op, volume, version);
    }

    /** Refuses what is not a well-formed write. */
    void checkWrite() throws ClusterException {
        if (!op.equals("advance")) throw new ClusterException("'" + op + "' is not a write");
        if (volume == null) throw new ClusterException("advance: no volume");
        if (version < 0) throw new ClusterException("advance: version must be 0 or more");
    }

    byte[] bytes() {
        ObjectNode n = JSON.createObjectNode().put("op", op);
        if (volume != null) n.put("volume", volume);
        if (op.equals("advance")) n.put("version", version);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
