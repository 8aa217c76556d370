package io.certstream.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Websocket clients of the hub, cheap enough that thousands fit in one JVM beside the log: each reads only what it
 * measures from the raw frame bytes ({@code cert_index} near the start of a certificate_update; domains-only
 * messages carry no index, so those clients count messages from the index they joined at) and records delivery
 * latency = receipt time - the log's timestamp of the entry.
 */
final class StreamClients {
    enum Kind {
        LITE("/"), FULL("/full-stream"), DOMAINS_ONLY("/domains-only"),
        /** Lite clients with a {@code domain=} filter each: they get some entries, so their indexes skip. */
        FILTERED("/");

        final String path;

        Kind(String path) {
            this.path = path;
        }
    }

    /** What the clients of one kind saw. */
    static final class Stats {
        final LongAdder messages = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder heartbeats = new LongAdder();
        final LongAdder outOfOrder = new LongAdder();
        final LatencyHistogram latency = new LatencyHistogram();
        final LatencyHistogram window = new LatencyHistogram();
        /** From the get-entries answer that carried the entry to receipt: the hub's own share of the latency. */
        final LatencyHistogram fromFetch = new LatencyHistogram();
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
    }

    private static final byte[] CERT_INDEX = "\"cert_index\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = "\"heartbeat\"".getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx;
    private final int port;
    private final BacklogLog log;
    private final WebSocketClient client;
    private final Map<Kind, Stats> stats = new EnumMap<>(Kind.class);
    private final List<WebSocket> sockets = new ArrayList<>();
    /** Receipt time (epoch millis) and index of the last certificate the first full-stream client received. */
    final AtomicLong fullLastIndex = new AtomicLong(-1);
    final AtomicLong fullFirstMillis = new AtomicLong(-1);
    final AtomicLong fullLastMillis = new AtomicLong(-1);
    /** When the first full-stream client got index {@link #fullHalfIndex} or later: the start of the steady half. */
    final AtomicLong fullHalfMillis = new AtomicLong(-1);
    volatile long fullHalfIndex = Long.MAX_VALUE;
    /** Lite and full messages count only for entries in [countFrom, countBelow): the phase being measured. */
    volatile long countFrom = 0;
    volatile long countBelow = Long.MAX_VALUE;
    final LongAdder fullSinceHalf = new LongAdder();

    StreamClients(Vertx vertx, int port, BacklogLog log) {
        this.vertx = vertx;
        this.port = port;
        this.log = log;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(100_000)
                .setMaxFrameSize(1 << 20)
                .setMaxMessageSize(16 << 20)
                .setConnectTimeout(30_000));
        for (Kind kind : Kind.values()) {
            stats.put(kind, new Stats());
        }
    }

    Stats stats(Kind kind) {
        return stats.get(kind);
    }

    /**
     * Connects {@code count} clients of a kind, at most {@code parallel} handshakes at a time. Domains-only
     * clients assume the next certificate they get is {@code nextIndex} (connect them while the log is idle).
     */
    Future<Void> connect(Kind kind, int count, int parallel, long nextIndex, boolean trackFirstFull) {
        return connect(kind, count, parallel, nextIndex, trackFirstFull, null);
    }

    /** {@link #connect} with client {@code n}'s query string {@code queries.get(n)} (without the {@code ?}). */
    Future<Void> connect(Kind kind, int count, int parallel, long nextIndex, boolean trackFirstFull, List<String> queries) {
        Promise<Void> done = Promise.promise();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        if (count == 0) {
            return Future.succeededFuture();
        }
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int n = started.getAndIncrement();
            if (n >= count) {
                return;
            }
            boolean tracked = trackFirstFull && n == 0;
            String uri = queries == null ? kind.path : kind.path + "?" + queries.get(n);
            client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            attach(ar.result(), kind, nextIndex, tracked);
                        } else if (!done.future().isComplete()) {
                            done.tryFail(new IllegalStateException("websocket client " + n + " of " + kind + " cannot connect to "
                                    + "ws://127.0.0.1:" + port + uri + ": " + ar.cause().getMessage(), ar.cause()));
                        }
                        if (finished.incrementAndGet() == count) {
                            done.tryComplete();
                        } else {
                            launch[0].run();
                        }
                    });
        };
        vertx.runOnContext(v -> {
            for (int i = 0; i < Math.min(parallel, count); i++) {
                launch[0].run();
            }
        });
        return done.future();
    }

    private void attach(WebSocket ws, Kind kind, long nextIndex, boolean tracked) {
        Stats s = stats.get(kind);
        s.connected.incrementAndGet();
        synchronized (sockets) {
            sockets.add(ws);
        }
        long[] expected = {nextIndex};
        ws.closeHandler(v -> s.closed.incrementAndGet());
        ws.exceptionHandler(e -> { });
        // Frames, not ws.handler(): that one is called per frame, and certstream-server-go (gorilla/websocket)
        // splits a large message into several. A message counts once, at its final frame; its index is read from
        // the first frame.
        Buffer[] first = new Buffer[1];
        ws.frameHandler(f -> {
            if (!f.isText() && !f.isBinary() && !f.isContinuation()) {
                return; // ping, pong, close: Vert.x answers them
            }
            Buffer data = f.binaryData();
            s.bytes.add(data.length());
            if (!f.isContinuation()) {
                first[0] = data;
            }
            if (f.isFinal() && first[0] != null) {
                Buffer frame = first[0];
                first[0] = null;
                received(frame, s, kind, expected, tracked);
            }
        });
    }

    private void received(Buffer frame, Stats s, Kind kind, long[] expected, boolean tracked) {
        long now = System.currentTimeMillis();
        if (contains(frame, HEARTBEAT, 40)) {
            s.heartbeats.increment();
            return;
        }
        long index;
        if (kind == Kind.DOMAINS_ONLY) {
            index = expected[0]++;
            s.messages.increment();
        } else {
            index = certIndex(frame);
            if (index < countFrom || index >= countBelow) {
                return; // an entry of the log's growth outside the phase being measured
            }
            s.messages.increment();
            if (kind != Kind.FILTERED && expected[0] >= 0 && index != expected[0]) {
                s.outOfOrder.increment();
            }
            expected[0] = index + 1;
        }
        if (tracked) {
            fullFirstMillis.compareAndSet(-1, now);
            fullLastMillis.set(now);
            fullLastIndex.set(index);
            if (index >= fullHalfIndex) {
                fullHalfMillis.compareAndSet(-1, now);
                fullSinceHalf.increment();
            }
        }
        long stamp = log.timestamp(index);
        if (stamp > 0) {
            s.latency.record(now - stamp);
            s.window.record(now - stamp);
        }
        long served = log.served(index);
        if (served > 0) {
            s.fromFetch.record(now - served);
        }
    }

    /** Closes every client connection. */
    Future<Void> closeAll() {
        List<Future<Void>> closing = new ArrayList<>();
        synchronized (sockets) {
            for (WebSocket ws : sockets) {
                closing.add(ws.close());
            }
        }
        return Future.join(closing).transform(ar -> client.close());
    }

    private static boolean contains(Buffer frame, byte[] needle, int within) {
        int limit = Math.min(frame.length(), within) - needle.length;
        outer:
        for (int i = 0; i <= limit; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (frame.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The cert_index of a certificate_update, found in its first bytes; -1 when absent. */
    static long certIndex(Buffer frame) {
        int limit = Math.min(frame.length(), 200) - CERT_INDEX.length;
        outer:
        for (int i = 0; i <= limit; i++) {
            for (int j = 0; j < CERT_INDEX.length; j++) {
                if (frame.getByte(i + j) != CERT_INDEX[j]) {
                    continue outer;
                }
            }
            long value = 0;
            for (int k = i + CERT_INDEX.length; k < frame.length(); k++) {
                byte b = frame.getByte(k);
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
            }
            return value;
        }
        return -1;
    }
}
