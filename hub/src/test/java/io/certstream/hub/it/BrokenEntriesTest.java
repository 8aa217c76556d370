package io.certstream.hub.it;

import io.certstream.hub.ct.LogWatcher;
import io.certstream.hub.sim.EntryFault;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log that serves some entries broken for ever, each in its own way (a field missing, not base64, cut short, a
 * length prefix that lies, an unknown entry type, a garbage chain, a leaf of an unknown version), through both of its
 * views: the hub keeps every batch and every tile, streams each good entry once and in order, counts each broken
 * one as a {@code decode} fault, logs the first with its log and index, and never retries for ever
 * ({@code bad_response} stays at 0; a tile that holds a broken entry is read twice more, counted as {@code bad_tile},
 * in case the damage was on the way, and then checked entry by entry).
 */
class BrokenEntriesTest {
    private static final int ENTRIES = 600; // data tiles 0 and 1 full, tile 2 partial
    private static final Map<Long, EntryFault> BROKEN = Map.of(
            0L, EntryFault.TRUNCATED,           // the first entry
            17L, EntryFault.MISSING_FIELD,      // two in a row
            18L, EntryFault.BAD_BASE64,
            100L, EntryFault.LYING_LENGTH,
            255L, EntryFault.UNKNOWN_ENTRY_TYPE, // the last of a tile (and of a batch)
            256L, EntryFault.GARBAGE_CHAIN,      // the first of the next
            300L, EntryFault.LEAF_VERSION,
            599L, EntryFault.TRUNCATED);         // the last entry, in the partial tile

    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rfc6962", "tiled"})
    void brokenEntriesAreCountedAndSkippedAndTheRestStreams(String kind) throws Exception {
        vertx = Vertx.vertx();
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(ENTRIES).withEntriesPerSecond(0).withPrecertRatio(0.5).withBatchCap(128)));
        log.corruptEntries(BROKEN);
        boolean tiled = kind.equals("tiled");
        String url = tiled ? log.tiledUrl() : log.url();
        List<Long> received = new CopyOnWriteArrayList<>();
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received.add(m.body().certIndex()));
        JsonObject entry = new JsonObject().put("url", url).put("name", "sim").put("start", 0);
        if (tiled) {
            entry.put("kind", "tiled").put("key", log.publicKeyBase64());
        }
        try (LogCapture output = LogCapture.of(LogWatcher.class.getPackageName())) {
            RunningHub hub = await(RunningHub.start(vertx, new JsonObject().put("logs", new JsonArray().add(entry))
                    .put("watcher", new JsonObject().put("batchSize", 256))));
            waitFor(Duration.ofSeconds(60), () -> "the watcher did not get past the last entry: " + hub.metrics().toJson(),
                    () -> hub.metrics().logs().get(url) != null && hub.metrics().logs().get(url).nextIndex() == ENTRIES);
            waitFor(Duration.ofSeconds(10), () -> "entries on the bus: " + received.size(),
                    () -> received.size() >= ENTRIES - BROKEN.size());
            Thread.sleep(300); // room for a late or repeated one

            assertEquals(LongStream.range(0, ENTRIES).filter(i -> !BROKEN.containsKey(i)).boxed().toList(), received,
                    "every good entry once, in order, and none of the broken ones");
            JsonObject stats = await(WebClient.create(vertx).get(hub.port(), "127.0.0.1", "/stats").send())
                    .bodyAsJsonObject().getJsonArray("logs").getJsonObject(0);
            JsonObject errors = stats.getJsonObject("errors");
            assertEquals(BROKEN.size(), errors.getLong("decode", 0L), stats.encode());
            assertEquals(0, errors.getLong("bad_response", 0L), "no batch is rejected for one entry: " + stats.encode());
            long tilesWithBrokenEntries = BROKEN.keySet().stream().map(i -> i / 256).distinct().count();
            assertEquals(tiled ? 2 * tilesWithBrokenEntries : 0, errors.getLong("bad_tile", 0L),
                    "a tile with a broken entry is read again twice, then kept: " + stats.encode());
            assertEquals(ENTRIES - BROKEN.size(), stats.getLong("certificates"), stats.encode());

            List<String> lines = output.matching("[decode]");
            assertEquals(1, lines.size(), "the first decode fault is logged, the others within a minute only counted: "
                    + output.lines());
            String line = lines.get(0);
            // Entries decode in parallel (DecodePool), so the first fault logged is any one of the broken entries.
            Matcher index = Pattern.compile(" entry (\\d+)").matcher(line);
            assertTrue(line.startsWith("WARNING") && line.contains(url) && index.find()
                            && BROKEN.containsKey(Long.parseLong(index.group(1))),
                    "names the log and the index of a broken entry: " + line);
        }
    }
}
