package dev.arca;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real guests for the tests, built from C with the SDK ({@code sdk/arca-cc}) once per JVM. */
final class Guests {
    private Guests() {}

    private static Path tool;

    /** {@code tool.wasm}: the test guest (see {@code tool.c}), built on first use. */
    static synchronized Path tool() throws IOException, InterruptedException {
        if (tool == null) tool = build("tool", "-O1");
        return tool;
    }

    /** A module calling a host function Arca does not offer. */
    static Path unknownImport() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("arca-api-guest");
        Path src = dir.resolve("imp.c");
        Files.writeString(src, "int missing(void); int main(void) { return missing(); }\n");
        return compile(src, dir.resolve("imp.wasm"), "-O1", "-Wl,--allow-undefined");
    }

    private static Path build(String name, String... flags) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("arca-api-guest");
        Path src = dir.resolve(name + ".c");
        try (InputStream in = Guests.class.getResourceAsStream(name + ".c")) {
            Files.write(src, in.readAllBytes());
        }
        return compile(src, dir.resolve(name + ".wasm"), flags);
    }

    private static Path compile(Path src, Path out, String... flags) throws IOException, InterruptedException {
        Path cc = repository().resolve("sdk/arca-cc");
        var cmd = new java.util.ArrayList<String>();
        cmd.add(cc.toString());
        cmd.addAll(java.util.List.of(flags));
        cmd.addAll(java.util.List.of("-o", out.toString(), src.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("arca cc failed:\n" + log);
        return out;
    }

    /** The repository root: the tests run in the api module's directory. */
    static Path repository() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("sdk/arca-cc")) ? here : here.getParent();
    }
}
