package io.certstream.bench;

import io.certstream.bench.load.LoadHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the load harness in smoke mode, for real: a simulated log with a backlog, the hub in its own JVM, websocket
 * clients on all three streams, and the filter phases with 10 clients with a {@code domain=} filter each. Asserts that it measured something sane and wrote its report; no timing thresholds
 * (CI machines differ), but every certificate must arrive, in order, and the figures must be consistent.
 */
class LoadHarnessSmokeTest {

    @Test
    void smokeRunMeasuresCatchUpLiveLatencyAndHubResources() throws Exception {
        Path out = Path.of(System.getProperty("bench.out", "target/load-smoke"));
        JsonObject r = LoadHarness.run("--smoke", "--out", out.toString());

        assertTrue(r.getBoolean("complete"), () -> "harness failed: " + r.getString("error") + "; see " + out);

        JsonObject catchup = r.getJsonObject("catchup");
        // A CI machine may be slow enough for the hub to drop messages to the harness's client; it must count them.
        assertEquals(catchup.getLong("entries"), catchup.getLong("received") + catchup.getLong("dropped_by_hub"),
                () -> "every backlog entry reaches the full-stream client or is counted as dropped: " + catchup.encode());
        if (catchup.getLong("dropped_by_hub") == 0) {
            assertEquals(0L, catchup.getLong("out_of_order"), "full-stream messages arrive in log order, none missing");
        }
        assertTrue(catchup.getLong("certs_per_second") > 0, catchup::encode);

        for (String phase : new String[]{"live_lite", "live_domains_only"}) {
            JsonObject live = r.getJsonObject(phase);
            assertTrue(live.getLong("entries") > 0, () -> phase + ": the log appended live entries: " + live.encode());
            assertEquals(live.getLong("messages_expected"), live.getLong("messages_received") + live.getLong("dropped_by_hub"),
                    () -> phase + ": each client gets each live entry unless the hub counted a drop: " + live.encode());
            assertTrue(live.getLong("latency_samples") > 0, () -> phase + ": latencies were measured: " + live.encode());
            long p50 = live.getLong("latency_p50_ms");
            long p99 = live.getLong("latency_p99_ms");
            assertTrue(p50 >= 0 && p99 >= p50 && live.getLong("latency_max_ms") >= p99, () -> phase + ": " + live.encode());
        }

        // The filter phases (--filtered-clients, 10 in smoke mode): every matching entry reaches its filtered client.
        JsonObject filtered = r.getJsonObject("filtered");
        assertEquals(10, filtered.getInteger("clients"), filtered::encode);
        assertTrue(filtered.getInteger("matching_filters") > 0, filtered::encode);
        for (String phase : new String[]{"baseline", "with_filters", "baseline_again"}) {
            JsonObject p = filtered.getJsonObject(phase);
            assertTrue(p.getLong("entries") > 0 && p.getDouble("hub_cpu_us_per_cert") > 0, () -> phase + ": " + p.encode());
            JsonObject unfiltered = p.getJsonObject("unfiltered");
            assertEquals(p.getLong("entries"), unfiltered.getLong("messages_received") + p.getLong("dropped_by_hub"),
                    () -> phase + ": the unfiltered client gets every entry: " + p.encode());
        }
        JsonObject matched = filtered.getJsonObject("with_filters").getJsonObject("filtered");
        assertEquals(0L, filtered.getJsonObject("baseline").getJsonObject("filtered").getLong("messages_expected"));
        assertTrue(matched.getLong("messages_expected") > 0, matched::encode);
        if (filtered.getJsonObject("with_filters").getLong("dropped_by_hub") == 0) {
            assertEquals(matched.getLong("messages_expected"), matched.getLong("messages_received"),
                    () -> "each filtered client gets exactly the entries its domain= matches: " + matched.encode());
        }

        JsonObject hub = r.getJsonObject("hub");
        assertTrue(hub.getDouble("max_heap_used_mb") > 0, hub::encode);
        assertTrue(hub.getDouble("max_rss_mb") > 0 || !Files.exists(Path.of("/proc/self/status")), hub::encode);
        JsonArray timeline = r.getJsonArray("timeline");
        assertFalse(timeline.isEmpty(), "one sample a second");
        assertTrue(timeline.stream().map(JsonObject.class::cast).anyMatch(row -> row.getDouble("hub_cpu_percent") > 0),
                "the hub's CPU time was observed");

        assertTrue(Files.readString(out.resolve("results.json")).contains("\"catchup\""));
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| catch-up: certs/s to one full-stream client |"), md);
        assertTrue(md.contains("| filters: hub CPU per certificate, 1 unfiltered client / + 10 clients"), md);
        String svg = Files.readString(out.resolve("chart.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline"), "an SVG chart with data lines");
    }
}
