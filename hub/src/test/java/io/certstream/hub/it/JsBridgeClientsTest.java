package io.certstream.hub.it;

import io.certstream.hub.bridge.SockJsBridge;
import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.ExternalTools;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.testing.LogCapture;
import io.certstream.model.UpdateType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JavaScript examples against a real hub on the simulated log, with the real npm packages: the Node example
 * (examples/js-node, official {@code @vertx/eventbus-bridge-client.js}) and the {@code /live} page in headless
 * Chromium. Both clients join whenever they are ready, so the test keeps the log growing until they have enough
 * and then checks every certificate they show against what the log issued.
 */
class JsBridgeClientsTest {
    private static final int INITIAL = 3;
    private static final Pattern LINE = Pattern.compile("^\\[(\\d\\d:\\d\\d:\\d\\d)] (.+) #(\\d+) (cert|precert): (.*)$");

    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(SimulatedLogOptions.defaults()
                    .withInitialSize(INITIAL).withEntriesPerSecond(0).withPrecertRatio(0.5).withSeed(11))
            .config(log -> new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head"))))
            .awaitHead(false);

    @Test
    void nodeExamplePrintsTheSimulatedCertificates() throws Exception {
        int count = 12;
        Path project = ExternalTools.npmProject(ExternalTools.projectRoot().resolve("examples/js-node"), "js-node");
        Path stdout = project.resolve("index.stdout.log");
        Process node = new ProcessBuilder("node", "index.js", "http://127.0.0.1:" + fixture.port() + "/eventbus",
                "--count", String.valueOf(count))
                .directory(project.toFile())
                .redirectOutput(stdout.toFile()).redirectError(project.resolve("index.stderr.log").toFile()).start();
        try {
            growUntilExit(node, 90);
            assertEquals(0, node.exitValue(), "node index.js exits 0 after --count certificates; stderr: "
                    + Files.readString(project.resolve("index.stderr.log")));
        } finally {
            node.destroyForcibly();
        }

        List<String> lines = Files.readAllLines(stdout);
        assertEquals(count, lines.size(), "one line per certificate: " + lines);
        long previous = -1;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "line format [time] log #index cert|precert: domains, got: " + line);
            long index = Long.parseLong(m.group(3));
            IssuedEntry issued = fixture.log().entry(index);
            assertEquals(fixture.log().url(), m.group(2), line);
            assertEquals(issued.type() == UpdateType.X509LogEntry ? "cert" : "precert", m.group(4), line);
            assertEquals(String.join(", ", issued.domains()), m.group(5), line);
            assertTrue(index > previous, "in log order: " + lines);
            previous = index;
        }
    }

    /** An address the bridge does not serve: the example says the bridge refused it and exits 1, instead of hanging. */
    @Test
    void nodeExampleExitsWithStatus1WhenTheBridgeRefusesItsAddress() throws Exception {
        Path project = ExternalTools.npmProject(ExternalTools.projectRoot().resolve("examples/js-node"), "js-node");
        Path output = project.resolve("refused.log");
        Process node = new ProcessBuilder("node", "index.js", "http://127.0.0.1:" + fixture.port() + "/eventbus",
                "--address", "not.a.certstream.address")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the example still runs: " + Files.readString(output));
            assertEquals(1, node.exitValue(), Files.readString(output));
            assertTrue(Files.readString(output).contains("bridge refused not.a.certstream.address: access_denied"),
                    Files.readString(output));
        } finally {
            node.destroyForcibly();
        }
    }

    /**
     * A frozen client (the Node example stopped with SIGSTOP: its connection stays open, it just never pings or reads)
     * is closed by the bridge's ping timeout (10 s) on time; neither that nor a client that leaves (SIGTERM) logs an
     * error (the ping timer once met a ClassCastException every 10 s, and every leaving client an HttpClosedException).
     */
    @Test
    void frozenNodeClientIsClosedOnTimeAndNoClientLogsAnError() throws Exception {
        Path project = ExternalTools.npmProject(ExternalTools.projectRoot().resolve("examples/js-node"), "js-node");
        Logger bridgeLogger = Logger.getLogger("io.certstream.hub.bridge");
        bridgeLogger.setLevel(Level.FINE);
        try (LogCapture all = LogCapture.of("")) {
            Process node = new ProcessBuilder("node", "index.js", "http://127.0.0.1:" + fixture.port() + "/eventbus")
                    .directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(project.resolve("frozen.log").toFile()).start();
            try {
                Async.waitFor(Duration.ofSeconds(60), () -> "the Node client did not connect",
                        () -> fixture.hub().metrics().clients(SockJsBridge.STATS_LABEL) == 1);
                Thread.sleep(1500); // registered and pinging
                signal("STOP", node.pid());
                long frozen = System.nanoTime();
                Async.waitFor(Duration.ofSeconds(30), () -> "the frozen client is still open",
                        () -> fixture.hub().metrics().clients(SockJsBridge.STATS_LABEL) == 0);
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - frozen);
                assertTrue(seconds >= 7 && seconds <= 16, "closed by the 10 s ping timeout, after " + seconds + " s");

                // Thawed, the client reconnects by itself; then it leaves for good.
                signal("CONT", node.pid());
                Async.waitFor(Duration.ofSeconds(60), () -> "the thawed client did not reconnect",
                        () -> fixture.hub().metrics().clients(SockJsBridge.STATS_LABEL) == 1);
                node.destroy();
                node.waitFor(10, TimeUnit.SECONDS);
                Async.waitFor(Duration.ofSeconds(15), () -> "the client that left is still counted",
                        () -> fixture.hub().metrics().clients(SockJsBridge.STATS_LABEL) == 0);
                Thread.sleep(500);
            } finally {
                signal("CONT", node.pid());
                node.destroyForcibly();
                bridgeLogger.setLevel(null);
            }
            // Any SEVERE line, and any warning about the bridge's clients, would be one too many.
            List<String> errors = all.lines().stream().filter(l -> l.startsWith("SEVERE") || l.contains("ClassCastException")
                    || l.startsWith("WARNING") && (l.contains("bridge") || l.contains("SockJS") || l.contains("Closed"))).toList();
            assertEquals(List.of(), errors, "no error for a frozen or a leaving client; all lines: " + all.lines());
            assertTrue(all.lines().stream().anyMatch(l -> l.startsWith("FINE") && l.contains("no ping for")),
                    "the bridge closed it for want of pings: " + all.lines());
            assertTrue(all.lines().stream().anyMatch(l -> l.startsWith("FINE") && l.contains("HttpClosedException")),
                    "a client leaving is a debug line: " + all.lines());
        }
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start().waitFor();
    }

    @Test
    void livePageShowsTheSimulatedCertificatesInChromium() throws Exception {
        int rows = 10;
        Path chromium = ExternalTools.chromium();
        Path project = ExternalTools.npmProject("live-page");
        Path screenshot = Path.of("target", "live-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Path stdout = project.resolve("check-live.stdout.log");
        Process node = new ProcessBuilder("node", "check-live.js", chromium.toString(),
                "http://127.0.0.1:" + fixture.port() + "/live", screenshot.toString(), String.valueOf(rows))
                .directory(project.toFile())
                .redirectOutput(stdout.toFile()).redirectError(project.resolve("check-live.stderr.log").toFile()).start();
        try {
            growUntilExit(node, 150);
            assertEquals(0, node.exitValue(), "check-live.js succeeded; stderr: "
                    + Files.readString(project.resolve("check-live.stderr.log")));
        } finally {
            node.destroyForcibly();
        }

        JsonObject page = new JsonObject(Files.readString(stdout).trim());
        assertEquals("connected", page.getString("status"));
        assertTrue(page.getDouble("rate") > 0, "the certs/s counter moved: " + page.getDouble("rate"));
        JsonArray shown = page.getJsonArray("rows");
        assertTrue(shown.size() >= rows, "rows shown: " + shown.size());
        List<String> shownDomains = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            JsonObject row = shown.getJsonObject(i);
            IssuedEntry issued = fixture.log().entry(row.getLong("index"));
            assertEquals(String.join(", ", issued.domains()), row.getString("domains"), "row " + row);
            int n = issued.domains().size();
            // Long lists collapse to the first four and "+N more".
            assertEquals(String.join(", ", issued.domains().subList(0, Math.min(4, n))), row.getString("shown"), "row " + row);
            assertEquals(n > 4 ? "+" + (n - 4) + " more" : "", row.getString("more"), "row " + row);
            assertEquals(fixture.log().url(), row.getString("log"), "row " + row);
            X509Certificate issuerCert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(issued.chainDer().get(0)));
            assertTrue(issuerCert.getSubjectX500Principal().getName()
                            .matches("(.*,)?CN=" + Pattern.quote(row.getString("issuer")) + "(,.*)?"),
                    "the issuer's CN is shown: " + row + " for " + issuerCert.getSubjectX500Principal());
            shownDomains.add(row.getString("domains"));
        }
        assertTrue(page.getLong("total") >= rows);

        JsonObject filter = page.getJsonObject("filter");
        List<String> visible = filter.getJsonArray("visible").stream().map(String::valueOf).toList();
        assertTrue(visible.contains(shownDomains.get(shownDomains.size() - 1)), "the filtered row stays: " + filter);
        assertTrue(visible.size() < shownDomains.size(), "the filter hides rows that do not match: " + filter);
        visible.forEach(d -> assertTrue(d.contains(filter.getString("query")), d + " matches " + filter.getString("query")));
        assertTrue(Files.size(screenshot) > 0, "screenshot written to " + screenshot);

        JsonArray underCom = page.getJsonArray("domainChannel");
        assertTrue(underCom.size() >= 2, "rows after asking the hub for domain=com: " + underCom);
        JsonArray highlighted = page.getJsonArray("highlighted");
        assertTrue(highlighted.size() >= underCom.size(), "a matched domain is highlighted in each row: " + highlighted);
        highlighted.forEach(d -> assertTrue(String.valueOf(d).endsWith(".com"), "highlighted " + d));
        assertTrue(page.getString("legend").contains("/s"), "the per-log chart's legend: " + page.getString("legend"));
        for (Object index : underCom) {
            List<String> domains = fixture.log().entry(((Number) index).longValue()).domains();
            assertTrue(domains.stream().map(d -> d.startsWith("*.") ? d.substring(2) : d)
                    .anyMatch(d -> d.equals("com") || d.endsWith(".com")), "only certificates under com: " + domains);
        }
    }

    /** Appends a few entries a second until the client exits (it joins when it is ready) or the time is up. */
    private void growUntilExit(Process client, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!client.waitFor(700, TimeUnit.MILLISECONDS)) {
            assertTrue(System.nanoTime() < deadline, "the client did not finish in " + seconds + " s");
            if (fixture.log().size() < INITIAL + 400) {
                await(fixture.log().append(3));
            }
        }
    }
}
