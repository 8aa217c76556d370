package io.certstream.client.it;

import static io.certstream.hub.testing.HubOnSimulatedLog.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certstream.client.CertStreamClient;
import io.certstream.client.CertStreamListener;
import io.certstream.client.CertStreamOptions;
import io.certstream.client.ConnectionEvent;
import io.certstream.hub.testing.Async;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive against a server that accepts the websocket handshake and then goes silent, the way a
 * half-open connection looks: a hand-written TCP server, since a real websocket server would answer
 * pings. certstream-server-go drops clients that do not ping within 60 s, so the client must ping;
 * and a link that carries nothing (not even pongs or heartbeats) must be replaced.
 */
class KeepAliveTest {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    private Vertx vertx;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void pingsTheServerAndReconnectsWhenNothingComesBack() throws Exception {
        NetServer server = await(vertx.createNetServer().connectHandler(this::silentWebSocket).listen(0, "127.0.0.1"));
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        CertStreamClient client = CertStreamClient.create(vertx, CertStreamOptions.defaults()
                        .withUrl("ws://127.0.0.1:" + server.actualPort() + "/")
                        .withPingInterval(Duration.ofMillis(200))
                        .withIdleTimeout(Duration.ofMillis(1500))
                        .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500)))
                .listener(new CertStreamListener() {
                    @Override
                    public void onConnectionEvent(ConnectionEvent event) {
                        events.add(event);
                    }
                })
                .start();

        Async.waitFor(Duration.ofSeconds(30), () -> "reconnected after silence; events: " + events, () -> connections.get() >= 2);
        assertTrue(pings.get() >= 3, "pinged while connected: " + pings.get() + " pings");
        ConnectionEvent dropped = events.stream().filter(e -> e.state() == ConnectionEvent.State.DISCONNECTED)
                .findFirst().orElseThrow();
        assertTrue(dropped.reason().startsWith("nothing received for "), dropped.describe());
        await(client.close());
    }

    /** Completes the RFC 6455 handshake, then only counts the client's ping frames and never answers. */
    private void silentWebSocket(NetSocket socket) {
        Buffer[] pending = {Buffer.buffer()};
        boolean[] upgraded = {false};
        socket.handler(data -> {
            pending[0].appendBuffer(data);
            if (!upgraded[0]) {
                String text = pending[0].toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                Matcher key = KEY.matcher(text.substring(0, end));
                if (!key.find()) {
                    socket.close();
                    return;
                }
                upgraded[0] = true;
                connections.incrementAndGet();
                pending[0] = pending[0].getBuffer(end + 4, pending[0].length());
                socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n");
            }
            pending[0] = countPings(pending[0]);
        });
    }

    /** Reads whole client frames (always masked, RFC 6455 5.3) and returns the unread rest. */
    private Buffer countPings(Buffer buffer) {
        int pos = 0;
        while (buffer.length() - pos >= 2) {
            int opcode = buffer.getByte(pos) & 0x0f;
            int length = buffer.getByte(pos + 1) & 0x7f;
            int header = 2;
            if (length == 126) {
                if (buffer.length() - pos < 4) {
                    break;
                }
                length = buffer.getUnsignedShort(pos + 2);
                header = 4;
            } else if (length == 127) {
                throw new AssertionError("the client sent a huge frame");
            }
            int frame = header + 4 + length;
            if (buffer.length() - pos < frame) {
                break;
            }
            if (opcode == 0x9) {
                pings.incrementAndGet();
            }
            pos += frame;
        }
        return buffer.getBuffer(pos, buffer.length());
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
