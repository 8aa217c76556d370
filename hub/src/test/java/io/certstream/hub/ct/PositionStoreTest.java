package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.StartPosition;
import io.certstream.hub.testing.Async;
import io.certstream.model.LogSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.certstream.hub.testing.LogCapture;
import java.util.Set;

class PositionStoreTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void savedPositionWinsOverConfiguredStartAfterReopen() throws Exception {
        Path dir = Files.createTempDirectory("positions");
        PositionStore store = await(PositionStore.open(vertx, dir, 3600_000));
        CtLog log = new CtLog("https://ct.example/log", "example", null, LogSource.RFC6962, null, null, new StartPosition(5));
        CtLog headLog = new CtLog("https://ct.example/other", "other", null, LogSource.RFC6962, null, null, StartPosition.HEAD);
        assertEquals(5, store.startIndex(log), "first run: the configured start");
        assertEquals(-1, store.startIndex(headLog), "first run: the tree head");
        store.advance(log.url(), 1234);
        await(store.close());

        assertFalse(Files.exists(dir.resolve("positions.json.tmp")), "the temp file was renamed over the real one");
        PositionStore reopened = await(PositionStore.open(vertx, dir, 3600_000));
        assertEquals(OptionalLong.of(1234), reopened.saved(log.url()));
        assertEquals(1234, reopened.startIndex(log));
        assertEquals(-1, reopened.startIndex(headLog));
    }

    @Test
    void periodicSavesLagOneIntervalBehindSoACrashReplaysInsteadOfSkipping() throws Exception {
        Path dir = Files.createTempDirectory("positions");
        PositionStore store = await(PositionStore.open(vertx, dir, 200));
        store.advance("https://ct.example/log", 10);
        Async.waitFor(Duration.ofSeconds(10), "the position to be saved", () -> Files.exists(dir.resolve("positions.json")));
        store.advance("https://ct.example/log", 20);
        // The file only ever holds a position the hub had at least one interval ago.
        long onDisk = PositionStore.read(dir.resolve("positions.json")).get("https://ct.example/log");
        assertTrue(onDisk == 10 || onDisk == 20, "saved " + onDisk);
        Thread.sleep(700);
        assertEquals(20L, PositionStore.read(dir.resolve("positions.json")).get("https://ct.example/log"));
    }

    @Test
    void corruptFileStopsTheHubNamingTheFile() throws Exception {
        Path dir = Files.createTempDirectory("positions");
        Files.writeString(dir.resolve("positions.json"), "{\"logs\": {\"https://ct.example/log\": \"many\"}");
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(PositionStore.open(vertx, dir, 1000)));
        assertTrue(e.getCause().getMessage().contains(dir.resolve("positions.json").toString()), e.getCause().getMessage());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void positionsOfLogsNoLongerWatchedAreReportedOnceAndForgottenAfterTheirAge() throws Exception {
        Path dir = Files.createTempDirectory("positions");
        PositionStore store = await(PositionStore.open(vertx, dir, 3600_000));
        store.advance("https://kept.example", 10);
        store.advance("https://gone.example", 20);
        long day = 86_400_000L;
        long now = System.currentTimeMillis();
        try (LogCapture output = LogCapture.of(PositionStore.class)) {
            store.retainWatched(Set.of("https://kept.example"), 30 * day, now);
            store.retainWatched(Set.of("https://kept.example"), 30 * day, now + day);
            assertEquals(1, output.matching("Keeping the saved positions of 1 logs", "https://gone.example").size(),
                    "reported once: " + output.lines());
            assertEquals(OptionalLong.of(20), store.position("https://gone.example"), "kept while younger than 30 days");
            await(store.flush());
            assertTrue(Files.readString(dir.resolve("positions.json")).contains("https://gone.example"));

            store.retainWatched(Set.of("https://kept.example"), 30 * day, now + 31 * day);
            assertEquals(1, output.matching("Forgot the saved positions of 1 logs", "https://gone.example").size(),
                    output.lines().toString());
        }
        assertEquals(OptionalLong.empty(), store.position("https://gone.example"));
        await(store.close());
        PositionStore reopened = await(PositionStore.open(vertx, dir, 3600_000));
        assertEquals(OptionalLong.empty(), reopened.saved("https://gone.example"), "pruned from the file");
        assertEquals(OptionalLong.of(10), reopened.saved("https://kept.example"));
        assertTrue(Files.readString(dir.resolve("positions.json")).contains("\"watched\""), "when each was last watched");
        await(reopened.close());
    }
}
