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

/** A real websocket client of the hub that records every JSON message it receives. */
public final class StreamRecorder {
    private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
    private final WebSocketClient client;
    private WebSocket socket;

    private StreamRecorder(Vertx vertx) {
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
    }

    public static Future<StreamRecorder> connect(Vertx vertx, int port, String path) {
        StreamRecorder recorder = new StreamRecorder(vertx);
        return recorder.client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path))
                .map(ws -> {
                    recorder.socket = ws;
                    ws.textMessageHandler(text -> recorder.messages.add(new JsonObject(text)));
                    return recorder;
                });
    }

    public List<JsonObject> messages() {
        return messages;
    }

    public List<JsonObject> messages(String type) {
        return messages.stream().filter(m -> type.equals(m.getString("message_type"))).toList();
    }

    /** Waits (polling, off the event loop) until the recorded messages satisfy {@code condition}. */
    public List<JsonObject> await(Predicate<List<JsonObject>> condition, Duration timeout) throws InterruptedException {
        Async.waitFor(timeout, () -> "timed out after " + timeout + " with " + messages.size() + " messages",
                () -> condition.test(messages));
        return messages;
    }

    public Future<Void> close() {
        return socket == null ? client.close() : socket.close().compose(v -> client.close());
    }
}
