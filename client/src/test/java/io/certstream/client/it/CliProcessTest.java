package io.certstream.client.it;

import static io.certstream.hub.testing.HubOnSimulatedLog.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certstream.client.testing.CliProcess;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.testing.ExternalTools;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RunningHub;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code certstream} CLI as a user runs it: a separate process connected to the real hub, which
 * follows a simulated CT log; the test compares what the CLI prints with what the log issued.
 */
class CliProcessTest {

    private static final Duration EXIT = Duration.ofSeconds(15);
    private static final String LOG_NAME = SimulatedLogOptions.defaults().description();
    private static final Pattern LINE = Pattern.compile(
            "\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ] " + Pattern.quote(LOG_NAME) + " - (.+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The real hub on a simulated log that grows when the test says so, restartable on its port. */
    @RegisterExtension
    final HubOnSimulatedLog hub = HubOnSimulatedLog.of(HubOnSimulatedLog.growingOnDemand(3).withSeed(8)).restartable();
    private final List<CliProcess> clis = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        clis.forEach(CliProcess::close);
    }

    @Test
    void printsOneLinePerCertificateWithTheSimulatedDomains() throws Exception {
        CliProcess plain = cli("plain", Map.of(), "--url", hub.url("/"));
        CliProcess coloured = cli("plain-tty", Map.of("CERTSTREAM_STDOUT_TTY", "1"), "--url", hub.url("/"));
        plain.awaitConnected(WAIT);
        coloured.awaitConnected(WAIT);

        long first = hub.append(12);

        List<String> lines = plain.awaitStdout(l -> l.size() >= 12, WAIT, "12 certificate lines");
        for (int i = 0; i < 12; i++) {
            IssuedEntry entry = hub.entry(first + i);
            Matcher m = LINE.matcher(lines.get(i));
            assertTrue(m.matches(), "line " + i + " is '[timestamp] log-name - domains': " + lines.get(i));
            assertEquals(String.join(", ", entry.domains()), m.group(1), "domains of entry " + entry.index());
            assertFalse(lines.get(i).contains("\u001b["), "no colour codes when stdout is a file");
        }
        // Heartbeats arrive every second; they must not turn into lines.
        Thread.sleep(1500);
        assertEquals(12, plain.stdoutLines().size(), plain.describe());

        List<String> colourLines = coloured.awaitStdout(l -> l.size() >= 12, WAIT, "12 coloured lines");
        String stripped = colourLines.get(0).replaceAll("\u001b\\[[0-9;]*m", "");
        assertTrue(colourLines.get(0).contains("\u001b[") && LINE.matcher(stripped).matches(),
                "coloured on a terminal, same text otherwise: " + colourLines.get(0));

        assertEquals(0, plain.signalAndWait("INT", EXIT), "Ctrl-C is a clean exit\n" + plain.describe());
        assertNoStackTrace(plain);
    }

    @Test
    void jsonPrintsEachRawMessageOnOneLine() throws Exception {
        CliProcess lite = cli("json-lite", Map.of(), "--json", "--url", hub.url("/"));
        CliProcess full = cli("json-full", Map.of(), "--json", "--full", "--url", hub.url("/"));
        lite.awaitConnected(WAIT);
        full.awaitConnected(WAIT);

        long first = hub.append(8);

        List<String> liteLines = lite.awaitStdout(l -> l.size() >= 8, WAIT, "8 JSON lines");
        List<String> fullLines = full.awaitStdout(l -> l.size() >= 8, WAIT, "8 JSON lines on the full stream");
        for (int i = 0; i < 8; i++) {
            IssuedEntry entry = hub.entry(first + i);
            JsonNode message = JSON.readTree(liteLines.get(i));
            assertEquals("certificate_update", message.path("message_type").asText(), liteLines.get(i));
            JsonNode data = message.path("data");
            assertEquals(entry.index(), data.path("cert_index").asLong());
            assertEquals(entry.type().name(), data.path("update_type").asText());
            assertEquals(hub.log().url(), data.path("source").path("url").asText());
            assertEquals(LOG_NAME, data.path("source").path("name").asText());
            assertTrue(data.path("seen").isNumber());
            assertEquals(entry.domains(), strings(data.path("leaf_cert").path("all_domains")));
            assertTrue(data.path("leaf_cert").path("as_der").isMissingNode(), "the lite stream has no as_der");

            JsonNode fullData = JSON.readTree(fullLines.get(i)).path("data");
            assertEquals(entry.index(), fullData.path("cert_index").asLong());
            assertEquals(Base64.getEncoder().encodeToString(entry.leafDer()), fullData.path("leaf_cert").path("as_der").asText());
            assertEquals(entry.chainDer().size(), fullData.path("chain").size(), "--full has the chain");
        }
        Thread.sleep(1500);
        assertEquals(8, lite.stdoutLines().size(), "heartbeats are not printed in --json mode\n" + lite.describe());

        assertEquals(0, full.signalAndWait("TERM", EXIT), "SIGTERM is a clean exit\n" + full.describe());
        assertNoStackTrace(full);
    }

    @Test
    void domainsOnlyStreamWithAClientSideFilter() throws Exception {
        String regex = "XN--";  // IDN names; case-insensitive, partial match
        CliProcess all = cli("domains-all", Map.of(), "--domains-only", "--url", hub.url("/"));
        CliProcess filtered = cli("domains-filtered", Map.of(), "--domains-only", "--filter", regex, "--url", hub.url("/"));
        all.awaitConnected(WAIT);
        filtered.awaitConnected(WAIT);

        long first = hub.append(20);

        List<String> allLines = all.awaitStdout(l -> l.size() >= 20, WAIT, "20 domain lines");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<String> domains = hub.entry(first + i).domains();
            assertTrue(allLines.get(i).endsWith("] " + String.join(", ", domains)), allLines.get(i));
            if (domains.stream().anyMatch(d -> d.contains("xn--"))) {
                expected.add(String.join(", ", domains));
            }
        }
        assertTrue(!expected.isEmpty() && expected.size() < 20,
                "the simulated log (fixed seed) issued some IDN names and some others: " + expected.size() + " of 20");
        List<String> got = filtered.awaitStdout(l -> l.size() >= expected.size(), WAIT, expected.size() + " filtered lines");
        // The unfiltered CLI has seen all 20, so anything the filter wrongly let through has arrived by now too.
        Thread.sleep(500);
        got = filtered.stdoutLines();
        assertEquals(expected, got.stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList(), filtered.describe());
    }

    @Test
    void reconnectsWhenTheHubRestarts() throws Exception {
        CliProcess cli = cli("reconnect", Map.of(), "--verbose", "--url", hub.url("/"));
        cli.awaitConnected(WAIT);
        cli.awaitStderr(l -> l.stream().anyMatch(s -> s.startsWith("certstream: heartbeat {\"message_type\":\"heartbeat\"")),
                WAIT, "--verbose shows heartbeats");
        assertTrue(cli.stderrLines().contains("certstream: connecting to " + hub.url("/")), "--verbose shows attempts");
        long first = hub.append(3);
        cli.awaitStdout(l -> l.size() >= 3, WAIT, "3 lines before the restart");

        hub.stopHub();
        cli.awaitStderr(l -> l.stream().anyMatch(s -> s.contains("lost connection to " + hub.url("/"))), WAIT,
                "a 'lost connection' message");
        hub.startHub();
        cli.awaitStderr(l -> l.stream().filter(s -> s.contains("connected to " + hub.url("/"))).count() >= 2, WAIT,
                "a second 'connected to' message");

        long second = hub.append(4);
        List<String> lines = cli.awaitStdout(l -> l.size() >= 7, WAIT, "4 more lines after the restart");
        for (int i = 0; i < 4; i++) {
            Matcher m = LINE.matcher(lines.get(3 + i));
            assertTrue(m.matches(), lines.get(3 + i));
            assertEquals(String.join(", ", hub.entry(second + i).domains()), m.group(1));
        }
        assertEquals(first + 3, second);
        assertEquals(0, cli.signalAndWait("INT", EXIT), cli.describe());
    }

    @Test
    void exitsWhenTheReaderClosesStdoutLikeHead() throws Exception {
        Path stderr = Path.of("target", "cli-runs", getClass().getSimpleName() + "-head.stderr");
        List<String> command = new ArrayList<>(CliProcess.javaCommand());
        command.addAll(List.of("--url", hub.url("/")));
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.readString(stderr).contains("connected to")) {
                assertTrue(System.nanoTime() < deadline && process.isAlive(), "the CLI did not connect");
                Thread.sleep(50);
            }
            long first = hub.append(2);
            assertEquals(String.join(", ", hub.entry(first).domains()), lineDomains(out.readLine()));
            out.close();  // what `certstream | head -1` does after its line

            hub.append(3);  // the next write fails: the CLI sees that nobody reads any more
            assertTrue(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS),
                    "the CLI exits once stdout is closed");
            assertEquals(0, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    private static String lineDomains(String line) {
        assertNotNull(line, "a line");
        Matcher m = LINE.matcher(line);
        assertTrue(m.matches(), line);
        return m.group(1);
    }

    @Test
    void versionPrintsVersionAndCommit() throws Exception {
        CliProcess version = cli("version", Map.of(), "--version");
        List<String> lines = version.awaitStdout(l -> !l.isEmpty(), EXIT, "a version line");
        assertTrue(lines.get(0).matches("certstream \\S+ \\(commit ([0-9a-f]{12}|unknown)\\)"), lines.toString());
        assertTrue(!lines.get(0).contains("unknown"), "built in a git checkout with a version: " + lines);
        CliProcess verbose = cli("verbose-version", Map.of(), "--verbose", "--url", hub.url("/"));
        verbose.awaitStderr(l -> l.contains("certstream: " + lines.get(0)), EXIT, "the version at start-up with --verbose");
    }

    @Test
    void saysWhatIsWrongAndRetriesWhenNoServerListens() throws Exception {
        int port = RunningHub.freePort();
        String url = "ws://127.0.0.1:" + port + "/";
        CliProcess cli = cli("no-server", Map.of(), "--url", url);
        List<String> err = cli.awaitStderr(l -> l.stream().filter(s -> s.contains("cannot connect")).count() >= 2,
                WAIT, "two failed attempts");
        String firstFailure = err.stream().filter(s -> s.contains("cannot connect")).findFirst().orElseThrow();
        assertTrue(firstFailure.startsWith("certstream: cannot connect to " + url + ": connection refused"), firstFailure);
        assertTrue(firstFailure.contains("retrying in"), firstFailure);
        assertTrue(cli.process().isAlive(), "keeps retrying");
        assertEquals(List.of(), cli.stdoutLines(), "stdout stays clean for pipes");
        assertEquals(0, cli.signalAndWait("TERM", EXIT), cli.describe());
    }

    @Test
    void csvExampleWritesOneRowPerCertificate() throws Exception {
        ExternalTools.require(commandWorks("jq", "--version"), "jq is needed for the CSV example (apt-get install jq, or ./run-tests as root)");
        Path script = Path.of(System.getProperty("project.root", ".."), "examples", "cli-to-csv", "certs-to-csv.sh");
        CliProcess csv = CliProcess.run(getClass().getSimpleName() + "-csv", Map.of(),
                List.of("bash", script.toString(), "--url", hub.url("/")));
        clis.add(csv);
        csv.awaitConnected(WAIT);

        long first = hub.append(5);

        List<String> rows = csv.awaitStdout(l -> l.size() >= 6, WAIT, "a header and 5 rows");
        assertEquals("\"seen\",\"log\",\"cert_index\",\"update_type\",\"issuer\",\"not_after\",\"domains\"", rows.get(0));
        for (int i = 0; i < 5; i++) {
            IssuedEntry entry = hub.entry(first + i);
            List<String> cells = splitCsv(rows.get(1 + i));
            assertEquals(7, cells.size(), rows.get(1 + i));
            assertTrue(cells.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), cells.get(0));
            assertEquals(LOG_NAME, cells.get(1));
            assertEquals(Long.toString(entry.index()), cells.get(2));
            assertEquals(entry.type().name(), cells.get(3));
            assertFalse(cells.get(4).isEmpty(), "issuer CN");
            assertEquals(String.join(" ", entry.domains()), cells.get(6));
        }
    }

    /** Splits one line of jq's {@code @csv}: strings quoted with doubled quotes inside, numbers bare. */
    private static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    static boolean commandWorks(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private CliProcess cli(String name, Map<String, String> env, String... args) throws Exception {
        CliProcess cli = CliProcess.start(getClass().getSimpleName() + "-" + name, env, args);
        clis.add(cli);
        return cli;
    }

    private static void assertNoStackTrace(CliProcess cli) throws Exception {
        for (String line : cli.stderrLines()) {
            assertFalse(line.contains("Exception") || line.startsWith("\tat "), "clean exit, no stack trace:\n" + cli.describe());
        }
    }

    private static List<String> strings(JsonNode array) {
        assertNotNull(array);
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
