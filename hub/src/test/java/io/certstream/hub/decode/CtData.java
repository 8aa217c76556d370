package io.certstream.hub.decode;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared real CT data ({@code ../shared/ctdata}). A fresh clone does not have it, so
 * tests that need it are skipped, with a message saying so, instead of failing.
 */
final class CtData {
    private CtData() {
    }

    static Path dir() {
        String configured = System.getProperty("ctdata.dir");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        String root = System.getProperty("project.root", System.getProperty("maven.multiModuleProjectDirectory"));
        Path fallback = root != null ? Path.of(root).resolve("../shared/ctdata") : Path.of("../shared/ctdata");
        if (root == null && !Files.isDirectory(fallback)) {
            fallback = Path.of("../../shared/ctdata"); // an IDE running from the hub module directory
        }
        Assumptions.assumeTrue(Files.isDirectory(fallback),
                "real CT data not found: ../shared/ctdata is absent (set -Dctdata.dir=...); skipping");
        return fallback.normalize();
    }

    static Path file(String relative) {
        Path p = dir().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "../shared/ctdata is absent or incomplete: no " + relative + "; skipping");
        return p;
    }
}
