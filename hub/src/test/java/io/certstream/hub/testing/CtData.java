package io.certstream.hub.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The shared real CT data ({@code ../shared/ctdata}); tests that need it are skipped when it is absent. */
public final class CtData {

    private CtData() {
    }

    /**
     * The ctdata folder: {@code -Dctdata.dir} (set by the root pom), else {@code ../shared/ctdata} beside the
     * checkout, also when run from the hub module in an IDE. Skips the test, saying why, when it is absent.
     */
    public static Path dir() {
        String configured = System.getProperty("ctdata.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "ctdata");
        if (!Files.isDirectory(dir) && configured == null) {
            dir = Path.of("..", "..", "shared", "ctdata");
        }
        Assumptions.assumeTrue(Files.isDirectory(dir),
                "../shared/ctdata is absent: " + dir.toAbsolutePath().normalize() + " (set -Dctdata.dir=...) - skipping");
        return dir.toAbsolutePath().normalize();
    }

    /** A file under ctdata; skips the test when missing. */
    public static Path file(String relative) {
        Path file = dir().resolve(relative);
        Assumptions.assumeTrue(Files.exists(file), "../shared/ctdata is absent: missing " + file);
        return file;
    }

    public static JsonObject json(String relative) {
        try {
            return new JsonObject(Files.readString(file(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ctdata file " + relative, e);
        }
    }

    /** Decodes a JSON array of base64 strings. */
    public static List<byte[]> base64List(JsonArray array) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(Base64.getDecoder().decode(array.getString(i)));
        }
        return out;
    }

    public static byte[] base64(String value) {
        return Base64.getDecoder().decode(value);
    }
}
