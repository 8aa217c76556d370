package io.certstream.hub.ct;

import io.certstream.hub.metrics.FaultKind;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.certstream.hub.testing.Async.await;
import static io.certstream.hub.testing.Async.failure;
import static io.certstream.hub.testing.Async.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Answers larger than the cap fail as {@code too_large} without being held in memory; the rest pass whole. */
class LogHttpTest {
    private static final int CAP = 1 << 20;
    private static final Buffer MEBIBYTE = Buffer.buffer(new byte[1 << 20]);

    private Vertx vertx;
    private HttpServer server;
    private LogHttp http;
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicBoolean clientGaveUp = new AtomicBoolean();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = await(vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse response = req.response();
            switch (req.path()) {
                case "/fits" -> response.end(Buffer.buffer(new byte[CAP]));
                case "/too-large" -> response.end(Buffer.buffer(new byte[8 * CAP])); // with a Content-Length
                case "/endless" -> {
                    // Chunked, never ending: only the client can stop it.
                    response.setChunked(true);
                    response.closeHandler(v -> clientGaveUp.set(true));
                    vertx.setPeriodic(5, timer -> {
                        if (response.closed() || sentBytes.get() > (1L << 30)) {
                            vertx.cancelTimer(timer);
                        } else if (!response.writeQueueFull()) {
                            sentBytes.addAndGet(MEBIBYTE.length());
                            response.write(MEBIBYTE);
                        }
                    });
                }
                case "/trickle" -> {
                    // A byte every 100 ms: never silent for the idle timeout, never near the cap, never done.
                    response.setChunked(true);
                    response.closeHandler(v -> clientGaveUp.set(true));
                    vertx.setPeriodic(100, timer -> {
                        if (response.closed()) {
                            vertx.cancelTimer(timer);
                        } else {
                            response.write("{");
                        }
                    });
                }
                default -> response.setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1"));
        http = LogHttp.create(vertx, 20, CAP);
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Test
    void anAnswerUpToTheCapIsReadWhole() throws Exception {
        assertEquals(CAP, await(http.get(url("/fits"))).length());
    }

    @Test
    void anAnswerOverTheCapFailsAsTooLarge() {
        LogFetchException e = failure(http.get(url("/too-large")), LogFetchException.class);
        assertEquals(FaultKind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains(url("/too-large")) && e.getMessage().contains(CAP + " bytes"), e.getMessage());
    }

    @Test
    void anEndlessAnswerIsCutAtTheCapNotAtTheTimeout() throws Exception {
        long started = System.nanoTime();
        LogFetchException e = failure(http.get(url("/endless")), LogFetchException.class);
        assertEquals(FaultKind.TOO_LARGE, e.kind(), e.getMessage());
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "failed at the cap, long before the 20 s timeout");
        waitFor(Duration.ofSeconds(10), "the client to close the connection", clientGaveUp::get);
        assertTrue(sentBytes.get() < 64L * CAP, "the client stopped reading soon after the cap: " + sentBytes.get());
    }

    @Test
    void aTricklingAnswerIsCutAtTheDeadlineAsATimeout() throws Exception {
        LogHttp withDeadline = LogHttp.create(vertx, 20, 1, CAP);
        long started = System.nanoTime();
        LogFetchException e = failure(withDeadline.get(url("/trickle")), LogFetchException.class);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(FaultKind.TIMEOUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(url("/trickle")) && e.getMessage().contains("watcher.requestDeadlineSeconds"),
                e.getMessage());
        assertTrue(millis >= 900 && millis < 5000, "cut at the 1 s deadline, not the 20 s idle timeout: " + millis + " ms");
        waitFor(java.time.Duration.ofSeconds(10), "the client to close the connection", clientGaveUp::get);
    }
}
