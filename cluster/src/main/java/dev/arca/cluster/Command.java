package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A request to the replicated state, one JSON object:
 * <ul>
 * <li>{@code {"op":"advance","volume":HEX,"version":N}}: a write; the volume's committed version
 *     becomes the larger of the two. Replies {@code {"version":V}}.
 * <li>{@code {"op":"version","volume":HEX}}: a linearizable read; {@code -1} for a volume never seen.
 * <li>{@code {"op":"state"}}: the versions and a summary of the replicated volumes.
 * <li>{@code {"op":"open","name":NAME,"token":BASE64}}: a write; makes the caller the replicated
 *     volume's only writer. Replies {@code {"epoch":E,"size":S}}: E (the entry's log index) fences
 *     every earlier writer, S is the number of blocks the cluster holds (the highest index + 1).
 *     The token (32 bytes, derived from the volume key) must be the one the volume was first
 *     opened with; the state keeps only its SHA-256. With {@code "service":S,"generation":G} (a
 *     service's volume), refused unless S is placed in generation G, and its blocks are then
 *     refused as soon as S is placed again (a move or failover fences the writer at once).
 * <li>{@code {"op":"blocks","name":NAME,"token":BASE64,"epoch":E,"indexes":[INDEX,...]}}, framed
 *     with the blocks' bytes (see {@link #FRAME}): a write of up to {@link #MAX_BLOCKS} sealed
 *     blocks; refused ("fenced") unless E is the volume's epoch, and unless the token is the
 *     volume's. With {@code "volume":HEX,"version":V} (the entry that ends a commit), also an
 *     "advance" of that volume's version, applied only with the blocks. The first form, plain JSON
 *     with {@code "blocks":[[INDEX,BASE64],...]}, is still applied (entries a node of an earlier
 *     build wrote to its log).
 * <li>{@code {"op":"hashes","name":NAME,"from":F,"count":C}}: a linearizable read of the SHA-256 of
 *     blocks F..F+C-1 (null where the cluster has none), with {@code size}. With
 *     {@code "since":X} (a log index), {@code false} in place of the hash of each block that no
 *     entry after X wrote (a node that loaded a snapshot counts its blocks as written at the
 *     snapshot's index): what a local copy that matched the state at X must compare. A node of
 *     an earlier build ignores it and gives every hash, which the reader takes as well.
 * <li>{@code {"op":"read","name":NAME,"from":F,"count":C}}: a linearizable read of those blocks,
 *     {@code {"size":S,"blocks":[BASE64|null,...]}}. With {@code "framed":true}, the reply is
 *     framed as a "blocks" command is ({@link #FRAME}): a header {@code {"size":S,"present":[0|1,...]}}
 *     (one flag per block asked for, up to the volume's end) and the present blocks' bytes in order,
 *     a quarter of the bytes and no base64 to encode or decode (a node of an earlier build ignores
 *     the flag and answers in JSON: {@link #readReply} takes either).
 * <li>{@code {"op":"module","hash":HEX,"offset":O,"total":T,"data":BASE64}}: a write of part of a
 *     service's WebAssembly module, named by its SHA-256; parts arrive in order and the module is
 *     kept once its bytes hash to its name. Replies {@code {"have":N}}, the bytes held.
 * <li>{@code {"op":"deploy","name":NAME,"spec":{...}}}: a write; creates or replaces a service
 *     ({@link ServiceSpec}: manifest, module hash, published ports, key broker), placed on
 *     {@code spec.node} or, when that is absent, by the leader.
 * <li>{@code {"op":"place","name":NAME,"node":ID,"expect":G}}: a write; runs the service on ID
 *     from now on (a new generation). With {@code expect}, only if the service's generation is
 *     still G (the leader's failover does not undo a move it has not seen).
 * <li>{@code {"op":"stop","name":NAME}}: a write; the service stops wherever it runs.
 * <li>{@code {"op":"report","name":NAME,"node":ID,"generation":G,"state":"running"|"exited",
 *     "exit":CODE,"reason":TEXT}}: a write by the node that runs generation G; ignored when the
 *     service has moved on.
 * <li>{@code {"op":"services"}}: a linearizable read of every service's record.
 * </ul>
 * Anything else, or a field out of range, is refused before it reaches the log.
 */
record Command(String op, String volume, long version, JsonNode body, byte[] frame, int dataAt) {
    /**
     * The first byte of a framed "blocks" command (JSON never starts with it): then the length of
     * its JSON header (4 bytes, big-endian, at most {@link #MAX_BYTES}), the header, and the blocks'
     * bytes in the order of its "indexes". The blocks travel as they are: as base64 in JSON each
     * entry was a third larger and parsed, decoded and collected by every node (bench/cluster.sh's
     * bulk commit).
     */
    static final byte FRAME = 0;
    private static final int FRAME_HEAD = 5;
    static final int MAX_BYTES = 4096;
    /** Blocks in one "blocks" command (1 MiB of ciphertext and its header) or "read" reply (1.4 MB as JSON with base64). */
    static final int MAX_BLOCKS = 256;
    /** Hashes in one "hashes" reply. */
    static final int MAX_HASHES = 4096;
    static final int BLOCK_SIZE = 4096;
    static final int MAX_BLOCKS_BYTES = MAX_BLOCKS * (BLOCK_SIZE * 4 / 3 + 32) + 4096;
    /** A service's or replicated volume's name (and a peer policy's file name): 1 to 64 letters, digits, '.', '_', '-', not first. */
    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    /** Bytes of a service's module in one "module" command: 768 KiB, 1 MiB as base64. */
    static final int MODULE_PART = 768 << 10;
    /** A "deploy" command: the manifest (at most 64 KiB), the broker's policy and the rest. */
    static final int MAX_DEPLOY_BYTES = 320 << 10; // a manifest, a broker policy and peer policies, as escaped JSON text
    private static final ObjectMapper JSON = new ObjectMapper();

    Command(String op, String volume, long version, JsonNode body) {
        this(op, volume, version, body, null, 0);
    }

    static Command advance(String volumeHex, long version) {
        return new Command("advance", volumeHex, version, null);
    }

    static Command read(String volumeHex) {
        return new Command("version", volumeHex, 0, null);
    }

    static Command open(String name, byte[] token) {
        return withBody("open", JSON.createObjectNode().put("name", name).put("token", Base64.getEncoder().encodeToString(token)));
    }

    /** An open by generation G of service SERVICE: refused unless the service is placed in that generation. */
    static Command open(String name, byte[] token, String service, long generation) {
        return withBody("open", JSON.createObjectNode().put("name", name).put("token", Base64.getEncoder().encodeToString(token))
                .put("service", service).put("generation", generation));
    }

    static Command blocks(String name, byte[] token, long epoch, List<Block> blocks) {
        return blocks(name, token, epoch, blocks, null, -1);
    }

    /** Blocks that end a commit of the volume: applied with them, {@code version} of volume {@code volumeHex}, as an "advance" would. */
    static Command blocks(String name, byte[] token, long epoch, List<Block> blocks, String volumeHex, long version) {
        ObjectNode n = JSON.createObjectNode().put("op", "blocks").put("name", name).put("token", Base64.getEncoder().encodeToString(token)).put("epoch", epoch);
        if (volumeHex != null) n.put("volume", volumeHex).put("version", version);
        ArrayNode a = n.putArray("indexes");
        for (Block b : blocks) a.add(b.index());
        byte[] f = frame(n, blocks.stream().map(Block::data).toList());
        return new Command("blocks", volumeHex, volumeHex == null ? -1 : version, n, f, f.length - blocks.size() * BLOCK_SIZE);
    }

    static Command hashes(String name, long from, int count) {
        return withBody("hashes", JSON.createObjectNode().put("name", name).put("from", from).put("count", count));
    }

    /** A "hashes" read that leaves out the blocks no entry after log index {@code since} wrote. */
    static Command hashes(String name, long from, int count, long since) {
        return withBody("hashes", JSON.createObjectNode().put("name", name).put("from", from).put("count", count).put("since", since));
    }

    /** "since" of a "hashes" read: a log index, or -1 (every hash) when absent. */
    long since() throws ClusterException {
        if (body == null || !body.has("since")) return -1;
        long s = body.get("since").canConvertToLong() && body.get("since").isIntegralNumber() ? body.get("since").asLong() : -2;
        if (s < 0) throw new ClusterException(op + ": since must be a log index (0 or more)");
        return s;
    }

    static Command readBlocks(String name, long from, int count) {
        return withBody("read", JSON.createObjectNode().put("name", name).put("from", from).put("count", count));
    }

    /** A "read" answered framed ({@link #readReply}). */
    static Command readFramed(String name, long from, int count) {
        return withBody("read", JSON.createObjectNode().put("name", name).put("from", from).put("count", count).put("framed", true));
    }

    /** Whether a "read" asks for a framed reply. */
    boolean framedReply() {
        return body != null && body.path("framed").asBoolean(false);
    }

    /** The framing of a "blocks" command and of a framed "read" reply: {@link #FRAME}, the header's length, the header, the blocks' bytes. */
    static byte[] frame(ObjectNode header, List<byte[]> blocks) {
        byte[] h;
        try {
            h = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        java.nio.ByteBuffer f = java.nio.ByteBuffer.allocate(FRAME_HEAD + h.length + blocks.size() * BLOCK_SIZE);
        f.put(FRAME).putInt(h.length).put(h);
        for (byte[] b : blocks) f.put(b);
        return f.array();
    }

    /** A message's JSON (its header when framed), whether it was framed, and where the bytes after the header start. */
    private record Unframed(JsonNode json, boolean framed, int dataAt) {}

    /** Reads a message framed as {@link #FRAME} says, or plain JSON; {@code framedWhat} and {@code what} name it in errors. */
    private static Unframed unframe(byte[] bytes, String framedWhat, String what) throws ClusterException {
        boolean framed = bytes.length > 0 && bytes[0] == FRAME;
        int at = 0, length = bytes.length;
        if (framed) {
            length = bytes.length < FRAME_HEAD ? -1 : java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt();
            if (length < 2 || length > MAX_BYTES || length > bytes.length - FRAME_HEAD) throw new ClusterException(framedWhat + ": header length out of range");
            at = FRAME_HEAD;
        }
        try {
            return new Unframed(JSON.readTree(bytes, at, length), framed, at + length);
        } catch (IOException e) {
            throw new ClusterException(what + " is not JSON");
        }
    }

    /** A reply to a "read": the volume's size in blocks, and each block asked for (null where the cluster has none or past the end). */
    record ReadReply(long size, byte[][] blocks) {}

    /**
     * Parses the reply to {@link #readFramed}{@code (name, from, count)}, framed or (from a node of an
     * earlier build) JSON, checking that it answers what was asked: no more blocks than asked
     * for, each whole. Errors: the reply's own error, or a malformed reply.
     */
    static ReadReply readReply(byte[] reply, long from, int count) throws ClusterException {
        Unframed u = unframe(reply, "read: framed reply", "read: reply");
        boolean framed = u.framed();
        JsonNode n = u.json();
        if (n == null || !n.isObject()) throw new ClusterException("read: reply is not a JSON object");
        if (n.has("error")) throw new ClusterException("read: " + n.get("error").asText());
        long size = n.path("size").canConvertToLong() ? n.get("size").asLong() : -1;
        if (size < 0) throw new ClusterException("read: reply has no size");
        byte[][] out = new byte[count][];
        JsonNode list = n.get(framed ? "present" : "blocks");
        if (list == null || !list.isArray() || list.size() > count) throw new ClusterException("read: reply lists more blocks than were asked for, or none");
        int data = u.dataAt();
        for (int i = 0; i < list.size(); i++) {
            JsonNode x = list.get(i);
            if (framed) {
                if (!x.isIntegralNumber() || (x.asInt() != 0 && x.asInt() != 1)) throw new ClusterException("read: framed reply: each flag is 0 or 1");
                if (x.asInt() == 0) continue;
                if (reply.length - data < BLOCK_SIZE) throw new ClusterException("read: framed reply: fewer blocks than flags");
                out[i] = java.util.Arrays.copyOfRange(reply, data, data + BLOCK_SIZE);
                data += BLOCK_SIZE;
            } else if (!x.isNull()) {
                byte[] b;
                try {
                    b = x.isTextual() ? Base64.getDecoder().decode(x.asText()) : null;
                } catch (IllegalArgumentException e) {
                    b = null;
                }
                if (b == null || b.length != BLOCK_SIZE) throw new ClusterException("read: block " + (from + i) + " in the reply is not " + BLOCK_SIZE + " bytes of base64");
                out[i] = b;
            }
        }
        if (framed && data != reply.length) throw new ClusterException("read: framed reply: more blocks than flags");
        return new ReadReply(size, out);
    }

    static Command modulePart(String hash, long offset, long total, byte[] data) {
        return withBody("module", JSON.createObjectNode().put("hash", hash).put("offset", offset).put("total", total)
                .put("data", Base64.getEncoder().encodeToString(data)));
    }

    static Command deploy(String name, ServiceSpec spec) {
        ObjectNode n = JSON.createObjectNode().put("name", name);
        n.set("spec", spec.json());
        return withBody("deploy", n);
    }

    static Command place(String name, String node, long expect) {
        ObjectNode n = JSON.createObjectNode().put("name", name).put("node", node);
        if (expect > 0) n.put("expect", expect);
        return withBody("place", n);
    }

    static Command stop(String name) {
        return withBody("stop", JSON.createObjectNode().put("name", name));
    }

    static Command report(String name, String node, long generation, String state, int exit, String reason) {
        ObjectNode n = JSON.createObjectNode().put("name", name).put("node", node).put("generation", generation).put("state", state);
        if (state.equals("exited")) n.put("exit", exit);
        if (reason != null) n.put("reason", reason.length() > 512 ? reason.substring(0, 512) : reason);
        return withBody("report", n);
    }

    static Command services() {
        return new Command("services", null, -1, null);
    }

    private static Command withBody(String op, ObjectNode body) {
        body.put("op", op);
        return new Command(op, null, -1, body);
    }

    /** One sealed block of a replicated volume. */
    record Block(long index, byte[] data) {}

    static Command parse(byte[] bytes) throws ClusterException {
        if (bytes.length > MAX_BLOCKS_BYTES) throw new ClusterException("command too large (" + bytes.length + " bytes)");
        Unframed u = unframe(bytes, "framed command", "command");
        boolean framed = u.framed();
        JsonNode n = u.json();
        if (n == null || !n.isObject() || !n.path("op").isTextual()) throw new ClusterException("command has no \"op\"");
        String op = n.get("op").asText();
        if (framed && !op.equals("blocks")) throw new ClusterException("framed command: only \"blocks\" is framed, not '" + op + "'");
        int max = switch (op) {
            case "blocks", "module" -> MAX_BLOCKS_BYTES;
            case "deploy" -> MAX_DEPLOY_BYTES;
            default -> MAX_BYTES;
        };
        if (bytes.length > max) throw new ClusterException("command too large (" + bytes.length + " bytes)");
        String volume = n.path("volume").isTextual() ? n.get("volume").asText() : null;
        if (volume != null && !volume.matches("[0-9a-f]{2,128}")) throw new ClusterException("volume id must be 2 to 128 lowercase hex digits");
        long version = n.path("version").canConvertToLong() ? n.get("version").asLong() : -1;
        if (framed) {
            if ((bytes.length - u.dataAt()) % BLOCK_SIZE != 0) throw new ClusterException("blocks: the data after the header is not whole blocks of " + BLOCK_SIZE + " bytes");
            return new Command(op, volume, version, n, bytes, u.dataAt());
        }
        return switch (op) {
            case "advance", "version", "state", "services" -> new Command(op, volume, version, null);
            default -> new Command(op, volume, version, n);
        };
    }

    /** The replicated volume's name: 1 to 64 letters, digits, '.', '_' or '-', not starting with a symbol. */
    static String checkName(String name) throws ClusterException {
        if (name == null || !name.matches(NAME)) {
            throw new ClusterException("a name (of a service or replicated volume) must be 1 to 64 letters, digits, '.', '_' or '-' (not first): " + (name == null ? "none" : "'" + name + "'"));
        }
        return name;
    }

    String name() throws ClusterException {
        return checkName(body == null || !body.path("name").isTextual() ? null : body.get("name").asText());
    }

    /** The writer's token: 32 bytes. */
    byte[] token() throws ClusterException {
        try {
            byte[] t = body != null && body.path("token").isTextual() ? Base64.getDecoder().decode(body.get("token").asText()) : null;
            if (t != null && t.length == 32) return t;
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new ClusterException(op + ": token must be 32 bytes in base64");
    }

    long epoch() throws ClusterException {
        long e = body != null && body.path("epoch").canConvertToLong() ? body.get("epoch").asLong() : -1;
        if (e < 1) throw new ClusterException(op + ": epoch must be 1 or more");
        return e;
    }

    /** "from" and "count" of a read, checked against {@code max}. */
    long from() throws ClusterException {
        long f = body != null && body.path("from").canConvertToLong() ? body.get("from").asLong() : -1;
        if (f < 0) throw new ClusterException(op + ": from must be 0 or more");
        return f;
    }

    int count(int max) throws ClusterException {
        long c = body != null && body.path("count").canConvertToLong() ? body.get("count").asLong() : -1;
        if (c < 1 || c > max) throw new ClusterException(op + ": count must be 1 to " + max);
        return (int) c;
    }

    /** The blocks of a "blocks" command, decoded and checked (indexes distinct, each block whole). */
    List<Block> blocks() throws ClusterException {
        if (frame != null) return framedBlocks();
        JsonNode a = body == null ? null : body.get("blocks");
        if (a == null || !a.isArray() || a.isEmpty() || a.size() > MAX_BLOCKS) throw new ClusterException("blocks: 1 to " + MAX_BLOCKS + " blocks");
        List<Block> out = new ArrayList<>(a.size());
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (JsonNode b : a) {
            if (!b.isArray() || b.size() != 2 || !b.get(0).canConvertToLong() || !b.get(1).isTextual()) throw new ClusterException("blocks: each is [index, base64]");
            long index = b.get(0).asLong();
            if (index < 0 || !seen.add(index)) throw new ClusterException("blocks: index " + index + " negative or repeated");
            byte[] data;
            try {
                data = Base64.getDecoder().decode(b.get(1).asText());
            } catch (IllegalArgumentException e) {
                throw new ClusterException("blocks: block " + index + " is not base64");
            }
            if (data.length != BLOCK_SIZE) throw new ClusterException("blocks: block " + index + " is " + data.length + " bytes, not " + BLOCK_SIZE);
            out.add(new Block(index, data));
        }
        return out;
    }

    private List<Block> framedBlocks() throws ClusterException {
        JsonNode a = body.get("indexes");
        int count = (frame.length - dataAt) / BLOCK_SIZE;
        if (a == null || !a.isArray() || a.isEmpty() || a.size() > MAX_BLOCKS) throw new ClusterException("blocks: 1 to " + MAX_BLOCKS + " indexes");
        if (a.size() != count) throw new ClusterException("blocks: " + a.size() + " indexes for " + count + " blocks");
        List<Block> out = new ArrayList<>(count);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            JsonNode x = a.get(i);
            long index = x.canConvertToLong() && x.isIntegralNumber() ? x.asLong() : -1;
            if (index < 0 || !seen.add(index)) throw new ClusterException("blocks: index " + x + " not a number 0 or more, or repeated");
            int from = dataAt + i * BLOCK_SIZE;
            out.add(new Block(index, java.util.Arrays.copyOfRange(frame, from, from + BLOCK_SIZE)));
        }
        return out;
    }

    /** The volume whose version a "blocks" command advances, or null: a volume and a version 0 or more, both or neither. */
    String committedVolume() throws ClusterException {
        if ((volume == null) != (version < 0)) throw new ClusterException(op + ": a volume and its version 0 or more, both or neither");
        return volume;
    }

    /** Refuses what is not a well-formed write. */
    void checkWrite() throws ClusterException {
        switch (op) {
            case "advance" -> {
                if (volume == null) throw new ClusterException("advance: no volume");
                if (version < 0) throw new ClusterException("advance: version must be 0 or more");
            }
            case "open" -> {
                name();
                token();
            }
            case "blocks" -> {
                name();
                token();
                epoch();
                blocks();
                committedVolume();
            }
            case "module" -> {
                hash();
                long total = body.path("total").asLong(-1), offset = body.path("offset").asLong(-1);
                if (total < 1 || offset < 0 || offset >= total) throw new ClusterException("module: offset and total out of range");
                data();
            }
            case "deploy" -> {
                name();
                ServiceSpec.of(body.get("spec"));
            }
            case "place" -> {
                name();
                node();
            }
            case "stop" -> name();
            case "report" -> {
                name();
                node();
                generation();
                String state = body.path("state").asText("");
                if (!state.equals("running") && !state.equals("exited")) throw new ClusterException("report: state is running or exited");
            }
            default -> throw new ClusterException("'" + op + "' is not a write");
        }
    }

    /** A module's name: the SHA-256 of its bytes, in lowercase hex. */
    String hash() throws ClusterException {
        String h = body == null ? "" : body.path("hash").asText("");
        if (!h.matches("[0-9a-f]{64}")) throw new ClusterException(op + ": hash must be 64 lowercase hex digits");
        return h;
    }

    byte[] data() throws ClusterException {
        try {
            byte[] d = Base64.getDecoder().decode(body == null ? "" : body.path("data").asText(""));
            if (d.length == 0 || d.length > MODULE_PART) throw new ClusterException(op + ": 1 to " + MODULE_PART + " bytes of data");
            return d;
        } catch (IllegalArgumentException e) {
            throw new ClusterException(op + ": data is not base64");
        }
    }

    String node() throws ClusterException {
        String n = body == null ? null : body.path("node").asText(null);
        return NodeId.check(n);
    }

    long generation() throws ClusterException {
        long g = body != null && body.path("generation").canConvertToLong() ? body.get("generation").asLong() : -1;
        if (g < 1) throw new ClusterException(op + ": generation must be 1 or more");
        return g;
    }

    byte[] bytes() {
        if (frame != null) return frame; // never changed after it is built or parsed
        ObjectNode n;
        if (body != null) {
            n = (ObjectNode) body; // serialized as it is: built by withBody or parsed, never changed
        } else {
            n = JSON.createObjectNode().put("op", op);
            if (volume != null) n.put("volume", volume);
            if (op.equals("advance")) n.put("version", version);
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
