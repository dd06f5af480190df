package dev.arca.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An instance's manifest ({@code arca.json}): the entry program and its arguments, the
 * environment, the mounts and the resource limits. Unknown keys are errors, so a typo cannot
 * silently drop a limit. Relative host paths are relative to the manifest's directory.
 *
 * <pre>{@code
 * {
 *   "entry": "app.wasm", "args": ["--fast"],
 *   "env": {"MODE": "prod"}, "envFromHost": ["LANG"],
 *   "mounts": [{"type": "hostfs", "source": "data", "path": "/data", "readOnly": true},
 *              {"type": "ramfs", "path": "/tmp"}],
 *   "limits": {"memory": "256MiB", "openFiles": 64, "cpuTime": "10s", "ramfs": "64MiB", "processes": 16, "sockets": 64},
 *   "network": {"listen": [{"port": 8080}], "connect": [{"host": "127.0.0.1", "port": 5432}]}
 * }
 * }</pre>
 */
record Manifest(
        @JsonProperty("entry") String entry,
        @JsonProperty("args") List<String> args,
        @JsonProperty("env") Map<String, String> env,
        @JsonProperty("envFromHost") List<String> envFromHost,
        @JsonProperty("mounts") List<MountSpec> mounts,
        @JsonProperty("limits") LimitSpec limits,
        @JsonProperty("network") NetworkSpec network) {

    record MountSpec(
            @JsonProperty(value = "type", required = true) String type,
            @JsonProperty("source") String source,
            @JsonProperty(value = "path", required = true) String path,
            @JsonProperty("readOnly") Boolean readOnly) {

        boolean isReadOnly() {
            return Boolean.TRUE.equals(readOnly);
        }
    }

    record LimitSpec(
            @JsonProperty("memory") String memory,
            @JsonProperty("openFiles") Integer openFiles,
            @JsonProperty("cpuTime") String cpuTime,
            @JsonProperty("ramfs") String ramfs,
            @JsonProperty("processes") Integer processes,
            @JsonProperty("sockets") Integer sockets) {}

    /** docs/sockets.md, "Network policy". */
    record NetworkSpec(
            @JsonProperty("listen") List<ListenSpec> listen,
            @JsonProperty("connect") List<ConnectSpec> connect,
            @JsonProperty("hosts") Map<String, List<String>> hosts,
            @JsonProperty("dns") Boolean dns) {
        NetworkSpec {
            listen = listen == null ? List.of() : List.copyOf(listen);
            connect = connect == null ? List.of() : List.copyOf(connect);
            hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        }

        boolean isDns() {
            return Boolean.TRUE.equals(dns);
        }
    }

    /** A port (a number, or "LOW-HIGH"), the host address (default 127.0.0.1), and TLS. */
    record ListenSpec(
            @JsonProperty(value = "port", required = true) Object port,
            @JsonProperty("address") String address,
            @JsonProperty("tls") String tls,
            @JsonProperty("policy") String policy) {}

    record ConnectSpec(
            @JsonProperty(value = "host", required = true) String host,
            @JsonProperty(value = "port", required = true) Object port,
            @JsonProperty("tls") String tls,
            @JsonProperty("policy") String policy) {}

    Manifest {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        envFromHost = envFromHost == null ? List.of() : List.copyOf(envFromHost);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    static Manifest read(Path file) throws UserError {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("manifest " + file + ": no such file");
        } catch (IOException e) {
            throw new UserError("manifest " + file + ": cannot read: " + e.getMessage());
        }
        ObjectMapper json = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try {
            return json.readValue(bytes, Manifest.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UserError("manifest " + file + ": unknown key '" + e.getPropertyName() + "' at " + where(e));
        } catch (JsonProcessingException e) {
            throw new UserError("manifest " + file + ": " + e.getOriginalMessage() + " at " + where(e));
        } catch (IOException e) {
            throw new UserError("manifest " + file + ": " + e.getMessage());
        }
    }

    private static String where(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "?" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
