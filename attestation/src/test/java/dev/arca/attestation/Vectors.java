package dev.arca.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test vectors, found by walking up from the working directory to {@code ../shared/attestation-vectors}. */
public final class Vectors {
    private static final Path ROOT = find();

    private Vectors() {}

    private static Path find() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path v = p.resolve("shared/attestation-vectors");
            if (Files.isDirectory(v)) {
                return v;
            }
            v = p.resolveSibling("shared").resolve("attestation-vectors");
            if (Files.isDirectory(v)) {
                return v;
            }
        }
        throw new IllegalStateException("../shared/attestation-vectors not found above " + Path.of("").toAbsolutePath());
    }

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relative) {
        return new String(bytes(relative), java.nio.charset.StandardCharsets.UTF_8);
    }
}
