package io.certstream.client.it;

import static io.certstream.hub.testing.HubOnSimulatedLog.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certstream.client.testing.CliProcess;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a user runs: {@code client/target/certstream-client.jar} as {@code mvn package} shades it, and the
 * repository's {@code ./certstream} launcher, each as its own process against the real hub on a simulated
 * CT log. A failsafe test (run by {@code mvn verify}, after package); {@link CliProcessTest} covers the
 * options in depth from the test classpath.
 */
class ShippedCliIT {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("client/target/certstream-client.jar");
    private static final Path LAUNCHER = ROOT.resolve("certstream");
    private static final String LOG_NAME = SimulatedLogOptions.defaults().description();
    private static final Duration EXIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The real hub on a simulated log that grows when the test says so, restartable on its port. */
    @RegisterExtension
    final HubOnSimulatedLog hub = HubOnSimulatedLog.of(HubOnSimulatedLog.growingOnDemand(3).withSeed(8)).restartable();
    private final List<CliProcess> processes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: this test runs after `mvn package` (mvn verify)");
    }

    @AfterEach
    void stop() throws Exception {
        processes.forEach(CliProcess::close);
    }

    @Test
    void theShadedJarPrintsTheSimulatedDomainsAndJsonLines() throws Exception {
        CliProcess plain = run("jar-plain", Map.of(), java("-jar", JAR.toString(), "--url", hub.url("/")));
        CliProcess json = run("jar-json", Map.of(), java("-jar", JAR.toString(), "--json", "--url", hub.url("/")));
        plain.awaitConnected(WAIT);
        json.awaitConnected(WAIT);

        long first = hub.append(6);

        assertPlainLines(plain, first, 6);
        assertJsonLines(json, first, 6);
        assertEquals(0, plain.signalAndWait("INT", EXIT), "Ctrl-C is a clean exit\n" + plain.describe());
        assertEquals(0, json.signalAndWait("TERM", EXIT), "SIGTERM is a clean exit\n" + json.describe());
    }

    @Test
    void theLauncherRunsTheBuiltJarWithoutRebuilding() throws Exception {
        CliProcess plain = run("launcher-plain", Map.of(), List.of("bash", LAUNCHER.toString(), "--url", hub.url("/")));
        CliProcess json = run("launcher-json", Map.of(), List.of("bash", LAUNCHER.toString(), "--json", "--url", hub.url("/")));
        plain.awaitConnected(WAIT);
        json.awaitConnected(WAIT);

        long first = hub.append(5);

        assertPlainLines(plain, first, 5);
        assertJsonLines(json, first, 5);
        for (CliProcess cli : List.of(plain, json)) {
            assertFalse(cli.stderrLines().stream().anyMatch(l -> l.startsWith("certstream: building")),
                    "the launcher uses the jar that mvn package just built\n" + cli.describe());
        }
        // The launcher execs java, so the signal reaches the CLI itself.
        assertEquals(0, plain.signalAndWait("INT", EXIT), plain.describe());
    }

    @Test
    void theCsvExampleRunsOnTheRealLauncher() throws Exception {
        ExternalTools.require(CliProcessTest.commandWorks("jq", "--version"),
                "jq is needed for examples/cli-to-csv (apt-get install jq, or ./run-tests as root)");
        Path script = ROOT.resolve("examples/cli-to-csv/certs-to-csv.sh");
        CliProcess csv = run("csv-launcher", Map.of("CERTSTREAM", LAUNCHER.toString()),
                List.of("bash", script.toString(), "--url", hub.url("/")));
        csv.awaitConnected(WAIT);

        long first = hub.append(4);

        List<String> rows = csv.awaitStdout(l -> l.size() >= 5, WAIT, "a header and 4 rows");
        for (int i = 0; i < 4; i++) {
            IssuedEntry entry = hub.entry(first + i);
            String row = rows.get(1 + i);
            assertTrue(row.contains("\"" + LOG_NAME + "\"," + entry.index() + ",")
                    && row.endsWith("\"" + String.join(" ", entry.domains()) + "\""), "row of entry " + entry.index() + ": " + row);
        }
    }

    private void assertPlainLines(CliProcess cli, long first, int n) throws Exception {
        List<String> lines = cli.awaitStdout(l -> l.size() >= n, WAIT, n + " certificate lines");
        for (int i = 0; i < n; i++) {
            IssuedEntry entry = hub.entry(first + i);
            String line = lines.get(i);
            assertTrue(line.matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ] .*")
                    && line.endsWith("] " + LOG_NAME + " - " + String.join(", ", entry.domains())),
                    "line " + i + " is '[timestamp] log-name - domains' of entry " + entry.index() + ": " + line);
        }
    }

    private void assertJsonLines(CliProcess cli, long first, int n) throws Exception {
        List<String> lines = cli.awaitStdout(l -> l.size() >= n, WAIT, n + " JSON lines");
        for (int i = 0; i < n; i++) {
            IssuedEntry entry = hub.entry(first + i);
            JsonNode message = JSON.readTree(lines.get(i));
            assertEquals("certificate_update", message.path("message_type").asText(), lines.get(i));
            assertEquals(entry.index(), message.path("data").path("cert_index").asLong(), lines.get(i));
            List<String> domains = new ArrayList<>();
            message.path("data").path("leaf_cert").path("all_domains").forEach(d -> domains.add(d.asText()));
            assertEquals(entry.domains(), domains, lines.get(i));
        }
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m"));
        command.addAll(List.of(args));
        return command;
    }

    private CliProcess run(String name, Map<String, String> env, List<String> command) throws Exception {
        CliProcess process = CliProcess.run(getClass().getSimpleName() + "-" + name, env, command);
        processes.add(process);
        return process;
    }
}
