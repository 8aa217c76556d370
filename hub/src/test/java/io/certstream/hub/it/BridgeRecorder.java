package io.certstream.hub.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import io.certstream.hub.testing.Async;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real client of the hub's SockJS event-bus bridge, speaking the bridge protocol over SockJS's raw websocket
 * transport ({@code /eventbus/websocket}: one JSON envelope per text frame), recording every envelope it receives.
 */
public final class BridgeRecorder {
    private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    private final Vertx vertx;
    private final WebSocketClient client;
    private WebSocket socket;
    private long pingTimer;
    private int syncs;

    private BridgeRecorder(Vertx vertx, WebSocketClientOptions options) {
        this.vertx = vertx;
        this.client = vertx.createWebSocketClient(options.setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
    }

    public static Future<BridgeRecorder> connect(Vertx vertx, int port) {
        return connect(vertx, port, new WebSocketClientOptions());
    }

    public static Future<BridgeRecorder> connect(Vertx vertx, int port, WebSocketClientOptions options) {
        BridgeRecorder recorder = new BridgeRecorder(vertx, options);
        return recorder.client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/eventbus/websocket"))
                .map(ws -> {
                    recorder.socket = ws;
                    // The raw transport sends what the bridge writes (a Buffer) as binary messages.
                    ws.binaryMessageHandler(data -> recorder.frames.add(new JsonObject(data)));
                    ws.textMessageHandler(text -> recorder.frames.add(new JsonObject(text)));
                    // The bridge closes clients that do not ping within 10 s, as the official clients do every 5 s.
                    recorder.pingTimer = vertx.setPeriodic(4000, t -> ws.writeTextMessage("{\"type\":\"ping\"}"));
                    return recorder;
                });
    }

    public WebSocket socket() {
        return socket;
    }

    public Future<Void> register(String address) {
        return write(new JsonObject().put("type", "register").put("address", address));
    }

    public Future<Void> write(JsonObject envelope) {
        return socket.writeTextMessage(envelope.encode());
    }

    /**
     * Waits until the bridge has handled everything sent before: the bridge acknowledges nothing, but it answers
     * a send to an unpermitted address with an error, in order.
     */
    public void sync(Duration timeout) throws Exception {
        int before = errors().size();
        syncs++;
        HubStreamsTest.await(write(new JsonObject().put("type", "send").put("address", "sync." + syncs).put("body", "x")));
        await(f -> errors().size() > before, timeout);
    }

    public List<JsonObject> frames() {
        return frames;
    }

    /** Bodies of the messages received on {@code address}. */
    public List<Object> bodies(String address) {
        return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
                .map(f -> f.getValue("body")).toList();
    }

    public List<JsonObject> errors() {
        return frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
    }

    public void await(Predicate<BridgeRecorder> condition, Duration timeout) throws InterruptedException {
        Async.waitFor(timeout, () -> "timed out after " + timeout + " with " + frames.size() + " bridge frames: "
                + frames.stream().limit(5).toList(), () -> condition.test(this));
    }

    public Future<Void> close() {
        vertx.cancelTimer(pingTimer);
        return socket == null ? client.close() : socket.close().compose(v -> client.close());
    }
}
