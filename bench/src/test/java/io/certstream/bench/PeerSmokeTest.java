package io.certstream.bench;

import io.certstream.bench.load.LoadHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./bench/run-load --server certstream-server-go --smoke}, for real: the peer binary of
 * {@code ../shared/peers/certstream-server-go}, configured from its template, against the harness's log, with the
 * harness's clients. Skips, saying why, when the peer is absent (a fresh clone has no {@code ../shared}); under
 * {@code CI=true} a {@code ../shared/peers} without a runnable peer fails instead, so CI cannot skip it silently.
 * Asserts that every phase measured something sane, never timings.
 */
class PeerSmokeTest {

    @Test
    void sideBySideSmokeRunMeasuresThePeerOnTheSameLogAndClients() throws Exception {
        Path dir = LoadHarness.peerDir();
        Path binary = dir == null ? null : dir.resolve("certstream-server-go");
        boolean present = binary != null && Files.isExecutable(binary);
        if (!present) {
            Path peers = LoadHarness.sharedPeersDir();
            if ("true".equals(System.getenv("CI")) && peers != null) {
                fail(peers + " exists but holds no executable certstream-server-go/certstream-server-go (CI=true)");
            }
            assumeTrue(false, "certstream-server-go not found (../shared/peers/certstream-server-go/certstream-server-go,"
                    + " or -Dpeer.dir / $CERTSTREAM_PEER_DIR): side-by-side smoke run skipped");
        }
        Path out = Path.of(System.getProperty("bench.compare.out", "target/compare-smoke"));
        JsonObject r = LoadHarness.run("--server", "certstream-server-go", "--smoke", "--out", out.toString());

        assertTrue(r.getBoolean("complete"), () -> "side-by-side smoke run failed: " + r.getString("error")
                + "; see " + out.resolve("certstream-server-go"));
        JsonObject catchup = r.getJsonObject("catchup");
        assertEquals(catchup.getLong("entries"), catchup.getLong("received") + catchup.getLong("dropped_by_hub"),
                () -> "every backlog entry reaches the full-stream client once, or is counted as skipped: " + catchup.encode());
        assertTrue(catchup.getLong("certs_per_second") > 0, catchup::encode);

        JsonObject everyday = r.getJsonObject("everyday");
        assertEquals(everyday.getLong("messages_expected"), everyday.getLong("messages_received") + everyday.getLong("dropped_by_hub"),
                () -> "each everyday client gets each entry unless the peer counted a skip: " + everyday.encode());
        assertTrue(everyday.getLong("latency_samples") > 0 && everyday.getDouble("hub_cpu_percent") > 0, everyday::encode);
        assertTrue(everyday.getDouble("max_rss_mb") > 0 || !Files.exists(Path.of("/proc/self/status")), everyday::encode);
        JsonArray steps = r.getJsonObject("fanout").getJsonArray("steps");
        assertTrue(!steps.isEmpty() && steps.getJsonObject(0).getLong("messages_received") > 0, steps::encode);
        assertTrue(r.getJsonObject("idle_start").getDouble("rss_mb") > 0 || !Files.exists(Path.of("/proc/self/status")));

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| measure | certstream-server-go |"), md);
        assertTrue(Files.readString(out.resolve("certstream-server-go").resolve("peer-config.yaml"))
                .contains("ct_index_file"), "the peer was configured from its template");
    }
}
