package io.certstream.hub.ct;

import io.certstream.hub.config.ConfigLoader;
import io.certstream.hub.config.HubConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.certstream.hub.testing.Async.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The directory's own bookkeeping, with watchers that take their time to start: what a log list change does to a
 * watcher that is still deploying.
 */
class LogDirectoryTest {
    private static final String URL = "http://127.0.0.1:9/slow-log";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Vertx vertx;
    private Path listFile;
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger stopped = new AtomicInteger();

    /** A watcher stand-in whose start takes half a second, as a slow deploy would. */
    private final class SlowWatcher extends VerticleBase {
        @Override
        public Future<?> start() {
            Promise<Void> done = Promise.promise();
            vertx.setTimer(500, t -> {
                started.incrementAndGet();
                done.complete();
            });
            return done.future();
        }

        @Override
        public Future<?> stop() {
            stopped.incrementAndGet();
            return Future.succeededFuture();
        }
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        listFile = dir.resolve("log_list.json");
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void aLogThatLeavesWhileItsWatcherDeploysIsUndeployedOnceDeployed() throws Exception {
        writeList(false);
        HubMetrics metrics = new HubMetrics();
        HubConfig config = ConfigLoader.load(null, Map.of(), new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", listFile.toString())), "test");
        LogDirectory directory = new LogDirectory(config, metrics, log -> {
            made.incrementAndGet();
            metrics.log(log.name(), log.url(), log.kind()); // as the hub's factory does
            return Optional.<Deployable>of(new SlowWatcher());
        });
        await(vertx.deployVerticle(directory));
        await(directory.refresh());

        writeList(true);
        Future<Void> appearing = directory.refresh();
        waitFor(WAIT, "the watcher to be deploying", () -> made.get() == 1);
        writeList(false);
        await(directory.refresh());
        await(appearing);

        assertEquals(1, started.get(), "the watcher finished deploying");
        assertEquals(1, stopped.get(), "and was undeployed right after");
        assertFalse(metrics.logs().containsKey(URL), "its metrics are gone");
        Thread.sleep(1000);
        assertEquals(1, made.get(), "no second watcher was made");
    }

    private void writeList(boolean withLog) throws Exception {
        JsonArray logs = new JsonArray();
        if (withLog) {
            logs.add(new JsonObject().put("description", "Slow log").put("url", URL + "/")
                    .put("state", new JsonObject().put("usable", new JsonObject().put("timestamp", "2020-01-01T00:00:00Z"))));
        }
        Path temp = dir.resolve("log_list.json.tmp");
        Files.writeString(temp, new JsonObject().put("operators", new JsonArray()
                .add(new JsonObject().put("name", "Test operator").put("logs", logs))).encode());
        Files.move(temp, listFile, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
