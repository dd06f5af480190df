package dev.arca.cluster.linearizability;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.MalformedInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The history file of Arca's key-value workload: UTF-8 text, one JSON object per line, one line
 * per operation, in any order. Fields:
 * <pre>
 *   client  integer >= 0      the client (a client that gave up on a call continues under a new number)
 *   op      "get" | "put" | "append" | "cas"
 *   key     string
 *   value   string            put, append: the value; cas: the new value; not for get
 *   expect  string or null    cas only: the value it expects, null for an absent key
 *   call    integer           when the call was made (one clock for the whole file: nanoseconds, say)
 *   return  integer or null   when the answer came, >= call; null or left out: pending, never answered
 *   result                    get: the value read, or null for an absent key; put, append: "ok";
 *                             cas: "ok" (set) or "mismatch" (not set); pending: null or left out
 * </pre>
 * For example: <pre>
 * {"client":1,"op":"put","key":"a","value":"1","call":100,"return":180,"result":"ok"}
 * {"client":2,"op":"get","key":"a","call":120,"return":200,"result":"1"}
 * {"client":3,"op":"cas","key":"a","expect":"1","value":"2","call":150,"return":null}
 * </pre>
 * A call whose outcome the client cannot know (a timeout, a connection lost) is pending: it may
 * have taken effect or not. An operation known to have had no effect may be left out. The
 * operations' ids are their line numbers.
 */
public final class KvHistory {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> FIELDS = Set.of("client", "op", "key", "value", "expect", "call", "return", "result");

    private KvHistory() {}

    /** Reads a history; blank lines are skipped. */
    public static List<Operation<KvOperation, KvResult>> read(Reader reader) throws IOException, HistoryFormatException {
        HistoryLines lines = new HistoryLines(reader instanceof BufferedReader ? reader : new BufferedReader(reader));
        List<Operation<KvOperation, KvResult>> ops = new ArrayList<>();
        try {
            for (String line; (line = lines.next()) != null; ) {
                if (!line.isBlank()) {
                    ops.add(parse(line, lines.number()));
                }
            }
        } catch (MalformedInputException e) {
            throw new HistoryFormatException("line " + (lines.number()) + ": not UTF-8 text");
        }
        return ops;
    }

    /** Parses one line of a history file; {@code id} becomes the operation's id. */
    public static Operation<KvOperation, KvResult> parse(String line, long id) throws HistoryFormatException {
        String at = "line " + id + ": ";
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new HistoryFormatException(at + "not a JSON object: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new HistoryFormatException(at + "not a JSON object");
        }
        for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new HistoryFormatException(at + "unknown field \"" + name + "\" (known: client, op, key, value, expect, call, return, result)");
            }
        }
        long client = integer(o, "client", at);
        if (client < 0) {
            throw new HistoryFormatException(at + "\"client\" must be >= 0");
        }
        String key = string(o, "key", at);
        long call = integer(o, "call", at);
        boolean pending = o.get("return") == null || o.get("return").isNull();
        long returned = pending ? Operation.PENDING : integer(o, "return", at);
        if (!pending && returned < call) {
            throw new HistoryFormatException(at + "\"return\" (" + returned + ") is before \"call\" (" + call + ")");
        }
        String op = string(o, "op", at);
        if (!op.equals("cas") && o.has("expect")) {
            throw new HistoryFormatException(at + "\"expect\" is for cas only");
        }
        KvOperation input = switch (op) {
            case "get" -> {
                if (o.has("value")) {
                    throw new HistoryFormatException(at + "a get has no \"value\" (what it read is its \"result\")");
                }
                yield new KvOperation.Get(key);
            }
            case "put" -> new KvOperation.Put(key, string(o, "value", at));
            case "append" -> new KvOperation.Append(key, string(o, "value", at));
            case "cas" -> {
                if (!o.has("expect")) {
                    throw new HistoryFormatException(at + "a cas needs \"expect\" (null for an absent key)");
                }
                yield new KvOperation.Cas(key, nullableString(o, "expect", at), string(o, "value", at));
            }
            default -> throw new HistoryFormatException(at + "\"op\" must be get, put, append or cas, not \"" + op + "\"");
        };
        JsonNode result = o.get("result");
        if (pending) {
            if (result != null && !result.isNull()) {
                throw new HistoryFormatException(at + "a pending operation (no \"return\") has no \"result\"");
            }
            return Operation.pending(id, client, input, call);
        }
        if (result == null) {
            throw new HistoryFormatException(at + "missing \"result\" (an operation that returned has one)");
        }
        KvResult output = switch (input) {
            case KvOperation.Get g -> new KvResult.Read(nullableString(o, "result", at));
            case KvOperation.Cas c -> switch (string(o, "result", at)) {
                case "ok" -> KvResult.OK;
                case "mismatch" -> KvResult.MISMATCH;
                default -> throw new HistoryFormatException(at + "the \"result\" of a cas must be \"ok\" or \"mismatch\"");
            };
            default -> {
                if (!string(o, "result", at).equals("ok")) {
                    throw new HistoryFormatException(at + "the \"result\" of a " + op + " must be \"ok\" (leave out a call that had no effect)");
                }
                yield KvResult.OK;
            }
        };
        return Operation.completed(id, client, input, output, call, returned);
    }

    /** The line of the history file for an operation (without the line end); the id is not written. */
    public static String line(Operation<KvOperation, KvResult> operation) {
        ObjectNode o = JSON.createObjectNode();
        KvOperation in = operation.input();
        o.put("client", operation.client());
        o.put("op", switch (in) {
            case KvOperation.Get g -> "get";
            case KvOperation.Put p -> "put";
            case KvOperation.Append a -> "append";
            case KvOperation.Cas c -> "cas";
        });
        o.put("key", in.key());
        switch (in) {
            case KvOperation.Get g -> { }
            case KvOperation.Put p -> o.put("value", p.value());
            case KvOperation.Append a -> o.put("value", a.value());
            case KvOperation.Cas c -> o.put("expect", c.expect()).put("value", c.value());
        }
        o.put("call", operation.call());
        if (operation.pending()) {
            o.putNull("return");
        } else {
            o.put("return", operation.returned());
            switch (operation.output()) {
                case KvResult.Read(String v) -> o.put("result", v);
                case KvResult.Ok ok -> o.put("result", "ok");
                case KvResult.Mismatch m -> o.put("result", "mismatch");
            }
        }
        return o.toString();
    }

    /** Writes a history file, one line per operation in the order given. */
    public static void write(Writer out, List<Operation<KvOperation, KvResult>> history) throws IOException {
        for (Operation<KvOperation, KvResult> op : history) {
            out.write(line(op));
            out.write('\n');
        }
    }

    private static long integer(ObjectNode o, String name, String at) throws HistoryFormatException {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new HistoryFormatException(at + "missing \"" + name + "\"");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new HistoryFormatException(at + "\"" + name + "\" must be an integer (64-bit), not " + v);
        }
        long value = v.longValue();
        if (value == Operation.PENDING) {
            throw new HistoryFormatException(at + "\"" + name + "\" must be below " + Operation.PENDING);
        }
        return value;
    }

    private static String string(ObjectNode o, String name, String at) throws HistoryFormatException {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new HistoryFormatException(at + "missing \"" + name + "\"");
        }
        if (!v.isTextual()) {
            throw new HistoryFormatException(at + "\"" + name + "\" must be a string, not " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return v.textValue();
    }

    private static String nullableString(ObjectNode o, String name, String at) throws HistoryFormatException {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? null : string(o, name, at);
    }
}
