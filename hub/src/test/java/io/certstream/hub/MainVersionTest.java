package io.certstream.hub;

import io.certstream.hub.testing.HubProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code --version} of the hub process: its version and the git commit it was built from, also said at start-up. */
class MainVersionTest {
    private static final Pattern VERSION = Pattern.compile("certstream-hub (\\S+) \\(commit ([0-9a-f]{12}|unknown)\\)");

    @TempDir
    Path dir;

    @Test
    void versionPrintsVersionAndCommitAndStartUpSaysItToo() throws Exception {
        HubProcess.Exit exit = HubProcess.runMain(dir, "version", Map.of(), null, "--version");
        assertEquals(0, exit.status(), exit.output());
        Matcher m = VERSION.matcher(exit.output().trim());
        assertTrue(m.matches(), "one line, version and commit: " + exit.output());
        assertTrue(!m.group(1).equals("unknown"), exit.output());
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head != null) {
            assertEquals(head, m.group(2), "built from this checkout's commit");
        }

        // A run that stops at once (a bad port) still said which build it is, first.
        HubProcess.Exit run = HubProcess.runUntilExit(dir, new JsonObject()
                .put("server", new JsonObject().put("port", -1)).put("logList", new JsonObject().put("enabled", false)), "start");
        assertTrue(run.output().contains("Starting " + exit.output().trim()), run.output());
    }

    private static String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException noGit) {
            return null;
        }
    }
}
