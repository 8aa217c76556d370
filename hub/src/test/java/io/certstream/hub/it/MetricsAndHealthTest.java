package io.certstream.hub.it;

import io.certstream.hub.sim.FaultPlan;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.certstream.hub.sim.LogListDocument;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code /metrics} in Prometheus format and {@code /health} listing stalled logs, on a real hub and simulated log. */
class MetricsAndHealthTest {
    private Vertx vertx;
    private WebClient http;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        http = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void prometheusMetricsCountCertificatesPositionErrorsClientsAndJvm() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(40).withEntriesPerSecond(0)));
        log.injectFaults(FaultPlan.only(FaultPlan.Fault.SERVER_ERROR, 1.0));
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("name", "sim").put("start", 0)))));
        StreamRecorder client = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        awaitMetric(hub, "certstream_log_errors_total\\{kind=\"http_5xx\",log=\"" + Pattern.quote(log.url()) + "\",name=\"sim\"}", 1);
        log.stopFaults();
        client.await(m -> m.stream().filter(x -> "certificate_update".equals(x.getString("message_type"))).count() >= 40,
                Duration.ofSeconds(60));

        String labels = "\\{log=\"" + Pattern.quote(log.url()) + "\",name=\"sim\"}";
        awaitMetric(hub, "certstream_log_certificates_total" + labels, 40);
        String text = scrape(hub);
        assertEquals(40, value(text, "certstream_log_next_index" + labels), text);
        assertEquals(40, value(text, "certstream_log_tree_size" + labels));
        assertEquals(0, value(text, "certstream_log_lag" + labels));
        assertEquals(1, value(text, "certstream_endpoint_clients\\{endpoint=\"lite\"}"));
        assertEquals(0, value(text, "certstream_endpoint_dropped_total\\{endpoint=\"lite\"}"));
        assertTrue(value(text, "certstream_certificates_published_total") >= 40);
        // (A heap pool may be empty right after a GC: presence is what counts.)
        assertTrue(value(text, "jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"}") >= 0, "JVM memory meters are there");
        assertTrue(value(text, "jvm_threads_live_threads") > 0, "JVM thread meters are there");
        assertTrue(text.contains("# TYPE certstream_log_errors_total counter"), "typed for Prometheus");
    }

    @Test
    void healthListsTheStalledLogAndStaysUpWhileOthersStream() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(5).withEntriesPerSecond(2)));
        String deadUrl = "http://127.0.0.1:" + RunningHub.freePort();
        // 5 s, five polls: on a loaded machine a healthy log's poll can come a second or two late, and must not
        // look stalled for it.
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray()
                        .add(new JsonObject().put("url", log.url()).put("name", "alive").put("start", 0))
                        .add(new JsonObject().put("url", deadUrl).put("name", "dead").put("start", 0)))
                .put("watcher", new JsonObject().put("stalledSeconds", 5))));

        // By name, not by count: the dead log is listed and the healthy one, which answers every poll, is not.
        JsonObject health = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (health == null || !stalledUrls(health).contains(deadUrl) || stalledUrls(health).contains(log.url())) {
            assertTrue(System.nanoTime() < deadline, "never the dead log alone reported stalled: " + health);
            Thread.sleep(200);
            HttpResponse<Buffer> response = await(http.get(hub.port(), "127.0.0.1", "/health").send());
            assertEquals(200, response.statusCode(), "one stalled log of two does not fail the hub: " + response.bodyAsString());
            health = response.bodyAsJsonObject();
        }
        assertEquals("degraded", health.getString("status"), health.encode());
        JsonObject stalled = health.getJsonArray("stalled").stream().map(JsonObject.class::cast)
                .filter(s -> deadUrl.equals(s.getString("url"))).findFirst().orElseThrow();
        assertEquals("dead", stalled.getString("name"), stalled.encode());
        assertTrue(stalled.getString("reason").contains("no tree head"), stalled.encode());
        assertTrue(stalled.getString("reason").contains("connect"), "names the last error: " + stalled.encode());

        await(log.close());
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<Buffer> response;
        do {
            assertTrue(System.nanoTime() < deadline, "the hub never reported failing with every log down");
            Thread.sleep(200);
            response = await(http.get(hub.port(), "127.0.0.1", "/health").send());
        } while (response.statusCode() != 503);
        JsonObject failing = response.bodyAsJsonObject();
        assertEquals("failing", failing.getString("status"));
        assertTrue(stalledUrls(failing).containsAll(List.of(deadUrl, log.url())), failing.encode());
    }

    /**
     * A hub started without network (here: its log list file does not exist yet) watches nothing: /health says
     * failing (503) with the reason until a list is read, then ok.
     */
    @Test
    void aHubThatWatchesNothingIsFailingUntilALogListIsRead() throws Exception {
        Path list = Files.createTempDirectory("list").resolve("log_list.json");
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", list.toString()))));
        HttpResponse<Buffer> response = await(http.get(hub.port(), "127.0.0.1", "/health").send());
        JsonObject health = response.bodyAsJsonObject();
        assertEquals(503, response.statusCode(), health.encode());
        assertEquals("failing", health.getString("status"), health.encode());
        assertEquals(0, health.getInteger("logs_watched"));
        assertTrue(health.getString("reason").startsWith("no log is watched: ")
                && health.getString("reason").contains(list.toString()), health.encode());

        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(5).withEntriesPerSecond(0)));
        Files.writeString(list, LogListDocument.forLogs(List.of(log)).encode());
        await(hub.refreshLogList());
        hub.awaitWatcher(log.url(), Duration.ofSeconds(30));
        response = await(http.get(hub.port(), "127.0.0.1", "/health").send());
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals("ok", response.bodyAsJsonObject().getString("status"), response.bodyAsString());
        assertEquals(null, response.bodyAsJsonObject().getString("reason"));
    }

    private static List<String> stalledUrls(JsonObject health) {
        return health.getJsonArray("stalled").stream().map(s -> ((JsonObject) s).getString("url")).toList();
    }

    private String scrape(RunningHub hub) throws Exception {
        HttpResponse<Buffer> response = await(http.get(hub.port(), "127.0.0.1", "/metrics").send());
        assertEquals(200, response.statusCode());
        assertTrue(response.getHeader("content-type").startsWith("text/plain"), response.getHeader("content-type"));
        return response.bodyAsString();
    }

    private void awaitMetric(RunningHub hub, String series, double atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String text = scrape(hub);
        while (value(text, series) < atLeast) {
            assertTrue(System.nanoTime() < deadline, series + " never reached " + atLeast + ":\n" + text);
            Thread.sleep(100);
            text = scrape(hub);
        }
    }

    /** The value of the first sample matching {@code series} (a regex of name and labels), or -1. */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
