package io.certstream.hub.it;

import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.certstream.hub.it.HubStreamsTest.await;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.certstream.hub.metrics.FaultKind;

/**
 * A log that answers every request a byte at a time (never silent long enough for the idle timeout, never over the
 * size cap): the hub cuts each request at {@code watcher.requestDeadlineSeconds}, counts it as {@code timeout},
 * closes the connection and tries again later.
 */
class RequestDeadlineTest {
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void aTricklingLogIsCutAtTheDeadlineAndCountedAsTimeout() throws Exception {
        vertx = Vertx.vertx();
        AtomicInteger closedByHub = new AtomicInteger();
        HttpServer trickling = await(vertx.createHttpServer().requestHandler(req -> {
            req.response().setChunked(true);
            req.response().closeHandler(v -> closedByHub.incrementAndGet());
            vertx.setPeriodic(200, t -> {
                if (req.response().closed()) {
                    vertx.cancelTimer(t);
                } else {
                    req.response().write(" ");
                }
            });
        }).listen(0, "127.0.0.1"));
        String url = "http://127.0.0.1:" + trickling.actualPort();
        RunningHub hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new JsonArray().add(new JsonObject().put("url", url).put("name", "trickle")))
                .put("watcher", new JsonObject().put("requestDeadlineSeconds", 1).put("requestTimeoutSeconds", 30))));
        long started = System.nanoTime();
        waitFor(Duration.ofSeconds(15), () -> "no timeout counted: " + hub.metrics().toJson(),
                () -> hub.metrics().logs().get(url) != null && hub.metrics().logs().get(url).errors(FaultKind.TIMEOUT) >= 1);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 10_000, "cut at the 1 s deadline, long before the 30 s idle timeout: " + millis + " ms");
        waitFor(Duration.ofSeconds(10), () -> "the hub did not close the trickling request", () -> closedByHub.get() >= 1);
    }
}
