package dev.arca;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.arca.kernel.net.NetworkPolicy;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a manifest token by token against its schema (see {@link Manifest}), so that every fault
 * is named with its place in the text, and no value is converted from another JSON type (Jackson's
 * data binding would turn {@code 42} into {@code "42"} and {@code "64"} into 64 without a word).
 */
final class ManifestReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // a repeated key is an error, not "last one wins"
            .build();

    private final String name; // "manifest FILE", for messages
    private final Path base;
    private JsonParser p;

    ManifestReader(String name, Path base) {
        this.name = name;
        this.base = base;
    }

    Manifest read(byte[] text, Path file) throws ManifestException {
        String entry = null;
        JsonLocation entryAt = null;
        List<String> args = List.of();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> envFromHost = List.of();
        List<Mount> mounts = new ArrayList<>();
        Limits limits = Limits.DEFAULT;
        NetworkSpec network = NetworkSpec.NONE;
        try (JsonParser parser = JSON.createParser(text)) {
            p = parser;
            JsonToken t = p.nextToken();
            if (t == null) throw fail("empty, expected a JSON object", p.currentLocation());
            if (t != JsonToken.START_OBJECT) throw fail("expected a JSON object, got " + describe(t), here());
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation at = here();
                p.nextToken();
                switch (key) {
                    case "entry" -> {
                        entryAt = here();
                        entry = string("entry");
                    }
                    case "args" -> args = strings("args");
                    case "env" -> env = environment();
                    case "envFromHost" -> envFromHost = names("envFromHost");
                    case "mounts" -> mounts = mounts();
                    case "limits" -> limits = limits();
                    case "network" -> network = network();
                    default -> throw fail("unknown key '" + key + "'", at);
                }
            }
            if (p.nextToken() != null) throw fail("unexpected text after the manifest's object", here());
        } catch (JsonProcessingException e) {
            throw fail(firstLine(e.getOriginalMessage()), e.getLocation());
        } catch (IOException e) {
            throw new ManifestException(name + ": " + e.getMessage(), 0, 0);
        }
        Path entryPath = entry == null ? null : path("entry", entry, entryAt);
        return new Manifest(file, text, entryPath, args, env, envFromHost, mounts, limits, network);
    }

    // ---- values ----------------------------------------------------------------------------

    private String string(String what) throws IOException, ManifestException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_STRING) throw fail(what + ": expected a string, got " + describe(t), here());
        String s = p.getText();
        if (s.indexOf('\0') >= 0) throw fail(what + ": contains a NUL character (a guest would see the string cut short)", here());
        return s;
    }

    private List<String> strings(String what) throws IOException, ManifestException {
        expect(JsonToken.START_ARRAY, what, "an array of strings");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) out.add(string(what + "[" + out.size() + "]"));
        return out;
    }

    private List<String> names(String what) throws IOException, ManifestException {
        expect(JsonToken.START_ARRAY, what, "an array of names");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonLocation at = here();
            String n = string(what + "[" + out.size() + "]");
            checkName(n, at);
            out.add(n);
        }
        return out;
    }

    private Map<String, String> environment() throws IOException, ManifestException {
        expect(JsonToken.START_OBJECT, "env", "an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String n = p.currentName();
            checkName(n, here());
            p.nextToken();
            out.put(n, string("env." + n));
        }
        return out;
    }

    private void checkName(String n, JsonLocation at) throws ManifestException {
        try {
            ProcessSpec.checkName(n);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage(), at);
        }
    }

    private List<Mount> mounts() throws IOException, ManifestException {
        expect(JsonToken.START_ARRAY, "mounts", "an array of objects");
        List<Mount> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) out.add(mount("mounts[" + out.size() + "]"));
        return out;
    }

    private Mount mount(String what) throws IOException, ManifestException {
        JsonLocation start = here();
        expect(JsonToken.START_OBJECT, what, "an object");
        String type = null, source = null, path = null, commit = null, image = null;
        Boolean readOnly = null, replicated = null;
        Integer cacheInodes = null;
        Long blockCache = null;
        JsonLocation typeAt = start, sourceAt = start, readOnlyAt = start, replicatedAt = start, commitAt = start, cacheAt = start,
                blockCacheAt = start, imageAt = start;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonLocation at = here();
            p.nextToken();
            switch (key) {
                case "type" -> {
                    typeAt = here();
                    type = string(what + ".type");
                }
                case "source" -> {
                    sourceAt = here();
                    source = string(what + ".source");
                }
                case "path" -> path = string(what + ".path");
                case "image" -> {
                    imageAt = here();
                    image = string(what + ".image");
                }
                case "readOnly" -> {
                    readOnlyAt = here();
                    JsonToken t = p.currentToken();
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw fail(what + ".readOnly: expected true or false, got " + describe(t), readOnlyAt);
                    }
                    readOnly = t == JsonToken.VALUE_TRUE;
                }
                case "replicated" -> {
                    replicatedAt = here();
                    JsonToken t = p.currentToken();
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw fail(what + ".replicated: expected true or false, got " + describe(t), replicatedAt);
                    }
                    replicated = t == JsonToken.VALUE_TRUE;
                }
                case "commit" -> {
                    commitAt = here();
                    commit = string(what + ".commit");
                }
                case "cacheInodes" -> {
                    cacheAt = here();
                    cacheInodes = integer(what + ".cacheInodes");
                    if (!Mount.Volume.cacheInodesAllowed(cacheInodes)) {
                        throw fail(what + ".cacheInodes: " + cacheInodes + " inodes (" + Mount.Volume.cacheInodesBounds() + ")", cacheAt);
                    }
                }
                case "blockCache" -> {
                    blockCacheAt = here();
                    String size = string(what + ".blockCache");
                    try {
                        blockCache = Mount.Volume.blockCache(size);
                    } catch (IllegalArgumentException e) {
                        throw fail(what + ".blockCache: " + e.getMessage(), blockCacheAt);
                    }
                }
                default -> throw fail("unknown key '" + key + "' in " + what, at);
            }
        }
        if (type == null) throw fail(what + ": no \"type\" (hostfs, ramfs, encfs, image or union)", start);
        if (path == null) throw fail(what + ": no \"path\" (where the guest sees it)", start);
        boolean ro = Boolean.TRUE.equals(readOnly);
        if (!List.of("hostfs", "ramfs", "encfs", "image", "union").contains(type)) {
            throw fail(what + ": unknown mount type '" + type + "' (hostfs, ramfs, encfs, image or union)", typeAt);
        }
        if (replicated != null && !type.equals("encfs") && !type.equals("union")) throw fail(what + ": only an encfs volume or a union's volume can be replicated", replicatedAt);
        Mount.Commit commitMode = Mount.Commit.NAMES;
        if (commit != null) {
            if (!type.equals("encfs")) throw fail(what + ": only an encfs volume has a \"commit\" setting", commitAt);
            commitMode = Mount.Commit.parse(commit);
            if (commitMode == null) throw fail(what + ".commit: expected \"names\" or \"fsync\", got \"" + commit + "\"", commitAt);
            if (ro) throw fail(what + ": a read-only volume commits nothing (no \"commit\" setting)", commitAt);
        }
        if (cacheInodes != null && !type.equals("encfs")) throw fail(what + ": only an encfs volume has a \"cacheInodes\" setting", cacheAt);
        if (blockCache != null && !type.equals("encfs")) throw fail(what + ": only an encfs volume has a \"blockCache\" setting", blockCacheAt);
        if (!type.equals("ramfs") && source == null) throw fail(what + ": a " + type + " mount at " + path + " needs a \"source\"", start);
        if (image != null && !type.equals("union")) throw fail(what + ": only a union mount has an \"image\" (the image under its volume)", imageAt);
        if (type.equals("union")) {
            if (image == null) throw fail(what + ": a union mount at " + path + " needs an \"image\" (the read-only image under the volume in \"source\")", start);
            if (ro) throw fail(what + ": a union mount is writable (mount its image alone for a read-only tree)", readOnlyAt);
        }
        try {
            return switch (type) {
                case "hostfs" -> new Mount.HostDirectory(path(what + ".source", source, sourceAt), path, ro);
                case "encfs" -> new Mount.Volume(path(what + ".source", source, sourceAt), path, null, ro, Boolean.TRUE.equals(replicated), commitMode,
                        cacheInodes == null ? 0 : cacheInodes, blockCache == null ? 0 : blockCache);
                case "image" -> {
                    if (Boolean.FALSE.equals(readOnly)) throw fail(what + ": an image is always read-only", readOnlyAt);
                    yield new Mount.Image(path(what + ".source", source, sourceAt), path, null);
                }
                case "ramfs" -> {
                    if (source != null) throw fail(what + ": a ramfs mount has no source", sourceAt);
                    yield new Mount.Ramfs(path, ro);
                }
                case "union" -> new Mount.Union(path(what + ".image", image, imageAt), path(what + ".source", source, sourceAt), path, null, null,
                        Boolean.TRUE.equals(replicated));
                default -> throw fail(what + ": unknown mount type '" + type + "' (hostfs, ramfs, encfs, image or union)", typeAt);
            };
        } catch (IllegalArgumentException e) {
            throw fail(what + ": " + e.getMessage(), start);
        }
    }

    private Limits limits() throws IOException, ManifestException {
        expect(JsonToken.START_OBJECT, "limits", "an object");
        Limits.Builder b = Limits.builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonLocation keyAt = here();
            p.nextToken();
            JsonLocation at = here();
            String what = "limits." + key;
            try {
                switch (key) {
                    case "memory" -> b.memory(Sizes.bytes(string(what)));
                    case "openFiles" -> b.openFiles(integer(what));
                    case "cpuTime" -> b.cpuTime(Duration.ofMillis(Sizes.millis(string(what))));
                    case "ramfs" -> b.ramfs(Sizes.bytes(string(what)));
                    case "processes" -> b.processes(integer(what));
                    case "threads" -> b.threads(integer(what));
                    case "sockets" -> b.sockets(integer(what));
                    default -> throw fail("unknown key '" + key + "' in limits", keyAt);
                }
            } catch (IllegalArgumentException e) {
                throw fail(what + ": " + e.getMessage(), at);
            }
        }
        return b.build();
    }

    // ---- network: docs/sockets.md --------------------------------------------------------

    private NetworkSpec network() throws IOException, ManifestException {
        expect(JsonToken.START_OBJECT, "network", "an object");
        List<NetworkSpec.Listen> listen = new ArrayList<>();
        List<NetworkSpec.Connect> connect = new ArrayList<>();
        Map<String, List<java.net.InetAddress>> hosts = new LinkedHashMap<>();
        boolean dns = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonLocation keyAt = here();
            p.nextToken();
            switch (key) {
                case "listen" -> {
                    expect(JsonToken.START_ARRAY, "network.listen", "an array of objects");
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        JsonLocation at = here();
                        String what = "network.listen[" + listen.size() + "]";
                        NetworkSpec.Listen l = listenEntry(what);
                        for (int i = 0; i < listen.size(); i++) {
                            NetworkSpec.Listen earlier = listen.get(i);
                            if (NetworkPolicy.Listen.overlap(l.low(), l.high(), earlier.low(), earlier.high())) {
                                throw fail(what + ": port " + NetworkPolicy.range(l.low(), l.high()) + " overlaps network.listen[" + i + "] ("
                                        + NetworkPolicy.range(earlier.low(), earlier.high())
                                        + "): a port has one entry (its address and TLS), so one of the two would never apply", at);
                            }
                        }
                        listen.add(l);
                    }
                }
                case "connect" -> {
                    expect(JsonToken.START_ARRAY, "network.connect", "an array of objects");
                    while (p.nextToken() != JsonToken.END_ARRAY) connect.add(connectEntry("network.connect[" + connect.size() + "]"));
                }
                case "hosts" -> {
                    expect(JsonToken.START_OBJECT, "network.hosts", "an object of addresses");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        String what = "network.hosts." + name;
                        p.nextToken();
                        List<java.net.InetAddress> as = new ArrayList<>();
                        if (p.currentToken() == JsonToken.START_ARRAY) {
                            while (p.nextToken() != JsonToken.END_ARRAY) as.add(address(what, string(what)));
                        } else {
                            as.add(address(what, string(what)));
                        }
                        if (as.isEmpty()) throw fail(what + ": no address", here());
                        hosts.put(name.toLowerCase(java.util.Locale.ROOT), as);
                    }
                }
                case "dns" -> {
                    JsonToken t = p.currentToken();
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) throw fail("network.dns: expected a boolean, got " + describe(t), here());
                    dns = t == JsonToken.VALUE_TRUE;
                }
                default -> throw fail("unknown key '" + key + "' in network", keyAt);
            }
        }
        return new NetworkSpec(listen, connect, hosts, dns);
    }

    private NetworkSpec.Listen listenEntry(String what) throws IOException, ManifestException {
        JsonLocation start = here();
        expect(JsonToken.START_OBJECT, what, "an object");
        int[] ports = null;
        java.net.InetAddress address = null;
        String tls = null, policy = null;
        JsonLocation policyAt = start;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonLocation keyAt = here();
            p.nextToken();
            switch (key) {
                case "port" -> ports = ports(what + ".port", true);
                case "address" -> address = address(what + ".address", string(what + ".address"));
                case "tls" -> tls = string(what + ".tls");
                case "policy" -> {
                    policyAt = here();
                    policy = string(what + ".policy");
                }
                default -> throw fail("unknown key '" + key + "' in " + what, keyAt);
            }
        }
        if (ports == null) throw fail(what + ": a port is needed", start);
        Path pol = tlsPolicy(what, tls, policy, policyAt, start);
        try {
            return new NetworkSpec.Listen(address == null ? java.net.InetAddress.getLoopbackAddress() : address, ports[0], ports[1], pol);
        } catch (IllegalArgumentException e) {
            throw fail(what + ": " + e.getMessage(), start);
        }
    }

    private NetworkSpec.Connect connectEntry(String what) throws IOException, ManifestException {
        JsonLocation start = here();
        expect(JsonToken.START_OBJECT, what, "an object");
        int[] ports = null;
        String host = null, tls = null, policy = null;
        JsonLocation policyAt = start;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonLocation keyAt = here();
            p.nextToken();
            switch (key) {
                case "port" -> ports = ports(what + ".port", false);
                case "host" -> host = string(what + ".host");
                case "tls" -> tls = string(what + ".tls");
                case "policy" -> {
                    policyAt = here();
                    policy = string(what + ".policy");
                }
                default -> throw fail("unknown key '" + key + "' in " + what, keyAt);
            }
        }
        if (host == null) throw fail(what + ": a host is needed", start);
        if (ports == null) throw fail(what + ": a port is needed", start);
        Path pol = tlsPolicy(what, tls, policy, policyAt, start);
        try {
            return new NetworkSpec.Connect(host.toLowerCase(java.util.Locale.ROOT), ports[0], ports[1], pol);
        } catch (IllegalArgumentException e) {
            throw fail(what + ": " + e.getMessage(), start);
        }
    }

    /** "tls": "ra-tls" needs a "policy"; "none" (or no tls) takes none. */
    private Path tlsPolicy(String what, String tls, String policy, JsonLocation policyAt, JsonLocation start) throws ManifestException {
        if (tls == null || tls.equals("none")) {
            if (policy != null) throw fail(what + ": a policy without \"tls\": \"ra-tls\"", policyAt);
            return null;
        }
        if (!tls.equals("ra-tls")) throw fail(what + ".tls: '" + tls + "' (ra-tls or none)", start);
        if (policy == null) throw fail(what + ": \"tls\": \"ra-tls\" needs a \"policy\" file (what peers must meet)", start);
        return path(what + ".policy", policy, policyAt);
    }

    /** A port as a number, or "PORT" / "LOW-HIGH" as a string; 0 only for listening. */
    private int[] ports(String what, boolean zeroAllowed) throws IOException, ManifestException {
        JsonLocation at = here();
        String s;
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) s = p.getText();
        else s = string(what);
        int dash = s.indexOf('-');
        try {
            int low = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).strip());
            int high = dash < 0 ? low : Integer.parseInt(s.substring(dash + 1).strip());
            if (low == 0 && high == 0 && zeroAllowed) return new int[] {0, 0};
            if (low < 1 || high > 65535 || low > high) throw new NumberFormatException();
            return new int[] {low, high};
        } catch (NumberFormatException e) {
            throw fail(what + ": '" + s + "' is not a port, a range LOW-HIGH" + (zeroAllowed ? " or 0" : ""), at);
        }
    }

    private java.net.InetAddress address(String what, String s) throws ManifestException {
        try {
            return java.net.InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw fail(what + ": '" + s + "' is not a numeric IPv4 or IPv6 address", here());
        }
    }

    private int integer(String what) throws IOException, ManifestException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT) throw fail(what + ": expected a whole number, got " + describe(t), here());
        if (p.getNumberType() != JsonParser.NumberType.INT) throw fail(what + ": " + p.getText() + " is out of range", here());
        return p.getIntValue();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void expect(JsonToken want, String what, String shape) throws ManifestException {
        JsonToken t = p.currentToken();
        if (t != want) throw fail(what + ": expected " + shape + ", got " + describe(t), here());
    }

    private Path path(String what, String s, JsonLocation at) throws ManifestException {
        if (s.isEmpty()) throw fail(what + ": an empty path", at);
        try {
            return base.resolve(s);
        } catch (InvalidPathException e) {
            throw fail(what + ": not a path: " + e.getReason(), at);
        }
    }

    private JsonLocation here() {
        return p.currentTokenLocation();
    }

    private ManifestException fail(String what, JsonLocation at) {
        if (at == null || at.getLineNr() < 1) return new ManifestException(name + ": " + what, 0, 0);
        return new ManifestException(name + ": " + what + " at line " + at.getLineNr() + ", column " + at.getColumnNr(),
                at.getLineNr(), at.getColumnNr());
    }

    private static String describe(JsonToken t) {
        if (t == null) return "the end of the text";
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "not JSON";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
