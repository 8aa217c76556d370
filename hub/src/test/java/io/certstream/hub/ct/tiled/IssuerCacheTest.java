package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.Sha256;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.testing.Async;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The issuer cache against a real local HTTP server that counts what it is asked. */
class IssuerCacheTest {
    private final Map<String, Buffer> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private Vertx vertx;
    private HttpServer server;
    private Context context;
    private LogHttp http;
    private IssuerCache cache;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = await(vertx.createHttpServer().requestHandler(request -> {
            String hex = request.path().substring("/issuer/".length());
            requests.computeIfAbsent(hex, h -> new AtomicInteger()).incrementAndGet();
            Buffer body = served.get(hex);
            // A slow answer, so that concurrent asks overlap.
            vertx.setTimer(50, t -> {
                if (body == null) {
                    request.response().setStatusCode(404).end();
                } else {
                    request.response().end(body);
                }
            });
        }).listen(0, "127.0.0.1"));
        context = vertx.getOrCreateContext();
        http = LogHttp.create(vertx, 10);
        cache = new IssuerCache("http://127.0.0.1:" + server.actualPort(), 2);
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void fetchesEachIssuerOnceEvenWhenAskedConcurrently() throws Exception {
        String a = serve("issuer A");
        Future<byte[]> first = get(a);
        Future<byte[]> second = get(a);
        assertArrayEquals(bytes("issuer A"), await(first));
        assertArrayEquals(bytes("issuer A"), await(second));
        assertArrayEquals(bytes("issuer A"), await(get(a)));
        assertEquals(1, requests.get(a).get());
    }

    @Test
    void keepsAtMostItsCapacityAndForgetsTheLeastRecentlyUsed() throws Exception {
        String a = serve("issuer A");
        String b = serve("issuer B");
        String c = serve("issuer C");
        await(get(a));
        await(get(b));
        await(get(a)); // a is now the most recently used
        await(get(c)); // evicts b
        await(get(a));
        await(get(b));
        assertEquals(1, requests.get(a).get());
        assertEquals(2, requests.get(b).get());
        assertEquals(2, await(Async.onContext(context, () -> Future.succeededFuture(cache.size()))));
    }

    @Test
    void aMissingOrWrongIssuerFailsClearlyAndIsAskedAgainNextTime() throws Exception {
        String missing = HexFormat.of().formatHex(Sha256.digest(bytes("not yet published")));
        LogFetchException notThere = failure(get(missing));
        assertEquals(FaultKind.ISSUER_MISSING, notThere.kind());
        assertTrue(notThere.getMessage().contains("/issuer/" + missing), notThere.getMessage());

        served.put(missing, Buffer.buffer("something else"));
        LogFetchException wrong = failure(get(missing));
        assertEquals(FaultKind.BAD_ISSUER, wrong.kind());

        served.put(missing, Buffer.buffer(bytes("not yet published")));
        assertArrayEquals(bytes("not yet published"), await(get(missing)));
        assertEquals(3, requests.get(missing).get());
    }

    private String serve(String der) {
        String hex = HexFormat.of().formatHex(Sha256.digest(bytes(der)));
        served.put(hex, Buffer.buffer(bytes(der)));
        return hex;
    }

    /** The cache belongs to one event loop, like a watcher's. */
    private Future<byte[]> get(String hex) {
        return Async.onContext(context, () -> cache.get(http, hex));
    }



    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }


    private static LogFetchException failure(Future<?> future) {
        return Async.failure(future, LogFetchException.class);
    }
}
