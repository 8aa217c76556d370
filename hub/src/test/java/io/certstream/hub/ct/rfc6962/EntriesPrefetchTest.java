package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.LogHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Against a real local HTTP server that records each get-entries request it answers. */
class EntriesPrefetchTest {
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private Vertx vertx;
    private HttpServer server;
    private EntriesPrefetch prefetch;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            String range = request.getParam("start") + "-" + request.getParam("end");
            requests.add(range);
            request.response().end("{\"entries\":[],\"range\":\"" + range + "\"}");
        }).listen(0, "127.0.0.1").await();
        prefetch = new EntriesPrefetch(new Rfc6962Client(LogHttp.create(vertx, 5), "http://127.0.0.1:" + server.actualPort()));
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aRangeAskedAheadIsAnsweredOnceAndAnyOtherRangeIsFetchedAnew() {
        prefetch.fetchAhead(10, 19);
        assertEquals("10-19", answered(prefetch.get(10, 19)));
        assertEquals(List.of("10-19"), requests, "the range asked ahead is not fetched twice");

        assertEquals("20-29", answered(prefetch.get(20, 29)));
        assertEquals(List.of("10-19", "20-29"), requests, "nothing ahead: fetched on demand");

        prefetch.fetchAhead(30, 39);
        // The log answered short, so the watcher asks from 25: the guess ahead is dropped, never served for 25-34.
        assertEquals("25-34", answered(prefetch.get(25, 34)));
        assertEquals("35-44", answered(prefetch.get(35, 44)));
        assertEquals("35-44", requests.get(requests.size() - 1));
        // The two requests of the last step may reach the server in either order (two connections).
        assertEquals(Set.of("10-19", "20-29", "30-39", "25-34", "35-44"), Set.copyOf(requests));
        assertEquals(5, requests.size());
    }

    @Test
    void severalBatchesAheadAreHandedOutInOrderAndToppedUp() {
        prefetch.fillAhead(10, 55, 10, 3);
        assertEquals(3, prefetch.ahead());
        assertEquals("10-19", answered(prefetch.get(10, 19)));
        prefetch.fillAhead(20, 55, 10, 3);
        assertEquals(3, prefetch.ahead(), "topped up by one batch, not three");
        assertEquals("20-29", answered(prefetch.get(20, 29)));
        assertEquals("30-39", answered(prefetch.get(30, 39)));
        prefetch.fillAhead(40, 55, 10, 3);
        assertEquals("40-49", answered(prefetch.get(40, 49)));
        assertEquals("50-54", answered(prefetch.get(50, 54)), "the last batch ends at the tree size");
        assertEquals(List.of("10-19", "20-29", "30-39", "40-49", "50-54"), requests.stream().sorted().toList());
        assertEquals(0, prefetch.ahead());
    }

    /** Which range the server answered. */
    private static String answered(Future<Buffer> body) {
        return body.await().toJsonObject().getString("range");
    }
}
