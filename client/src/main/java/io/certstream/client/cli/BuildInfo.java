package io.certstream.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The certstream command's version and the git commit it was built from, written into the jar at build time (see pom.xml). */
final class BuildInfo {
    private BuildInfo() {
    }

    /** E.g. {@code certstream 0.1.0-SNAPSHOT (commit 4b3c0ca1d2e3)}. */
    static String describe() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource says as much as a missing one
        }
        return "certstream " + p.getProperty("version", "unknown") + " (commit " + p.getProperty("commit", "unknown") + ")";
    }
}
