package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.testing.RawWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to the hub itself: oversized and malformed websocket frames, unknown paths, huge headers and URIs.
 * Each gets a clear answer (an HTTP status or a websocket close code), and the hub keeps streaming to others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final int TEXT = 0x81;
    /** One hub for the class: each test checks it still streams after the bad input. */
    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(SimulatedLogOptions.defaults().withInitialSize(5).withEntriesPerSecond(0))
            .config(log -> new JsonObject()
                    // Without permessage-deflate on offer: Netty then refuses reserved bits on every connection (with
                    // it on offer it accepts them even where nothing was negotiated; CompressionTest covers that case).
                    .put("server", new JsonObject().put("heartbeatSeconds", 1).put("compression", false))
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", "head"))))
            .awaitHead(false);

    @Test
    void oversizedFrameIsClosedWithMessageTooBig() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/", 0)) {
            ws.sendFrame(TEXT, new byte[100 * 1024], true);
            assertClosedWith(ws, 1009);
        }
        assertStillStreaming();
    }

    @Test
    void oversizedFragmentedMessageIsClosedWithMessageTooBig() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/full-stream", 0)) {
            byte[] part = new byte[30 * 1024];
            Arrays.fill(part, (byte) 'a');
            ws.sendFrame(0x01, part, true); // text, not final
            ws.sendFrame(0x00, part, true); // continuation
            ws.sendFrame(0x00, part, true);
            ws.sendFrame(0x80, part, true); // final continuation
            assertClosedWith(ws, 1009);
        }
        assertStillStreaming();
    }

    @Test
    void unmaskedOrReservedFramesAreProtocolErrors() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/", 0)) {
            ws.sendFrame(TEXT, "not masked".getBytes(StandardCharsets.UTF_8), false);
            assertClosedWith(ws, 1002);
        }
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/domains-only", 0)) {
            ws.sendFrame(0x83, new byte[4], true); // opcode 3 is reserved
            assertClosedWith(ws, 1002);
        }
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/", 0)) {
            ws.sendFrame(0xF1, new byte[4], true); // RSV bits set without an extension
            assertClosedWith(ws, 1002);
        }
        assertStillStreaming();
    }

    @Test
    void garbageBytesAfterTheHandshakeEndTheConnectionOnly() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/", 0)) {
            byte[] garbage = new byte[4096];
            new Random(1).nextBytes(garbage);
            ws.sendRaw(garbage);
            RawWebSocket.Frame close = ws.readUntilClose();
            assertTrue(close == null || close.closeCode() == 1002 || close.closeCode() == 1009 || close.closeCode() == 1007,
                    "a protocol error close, or the connection dropped: " + (close == null ? "dropped" : close.closeCode()));
        }
        assertStillStreaming();
    }

    @Test
    void textFromAClientIsIgnoredAndTheClientStaysConnected() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(fixture.port(), "/", 0)) {
            ws.sendFrame(TEXT, "{\"subscribe\":\"everything\"}".getBytes(StandardCharsets.UTF_8), true);
            RawWebSocket.Frame next = ws.readFrame();
            assertEquals(0x1, next.opcode(), "still receives messages (a heartbeat within a second)");
            assertTrue(new String(next.payload(), StandardCharsets.UTF_8).contains("message_type"));
        }
    }

    @Test
    void unknownPathsGet404WithTheEndpointsListed() throws Exception {
        String response = http("GET /no/such/thing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 404"), response);
        assertTrue(response.contains("no such resource: /no/such/thing") && response.contains("/full-stream"), response);

        String upgrade = http("GET /firehose HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(upgrade.startsWith("HTTP/1.1 404"), "no websocket on unknown paths: " + upgrade);

        String post = http("POST /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertTrue(post.startsWith("HTTP/1.1 404") || post.startsWith("HTTP/1.1 405"), post);
    }

    @Test
    void hugeHeadersAndUrisGetClearStatusCodes() throws Exception {
        String headers = http("GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(64 * 1024) + "\r\n\r\n");
        assertTrue(headers.matches("(?s)HTTP/1\\.[01] 431 .*"), "431 Request Header Fields Too Large: " + firstLine(headers));

        String uri = http("GET /" + "b".repeat(16 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(uri.matches("(?s)HTTP/1\\.[01] 414 .*"), "414 URI Too Long: " + firstLine(uri));

        String notHttp = http("\u0016\u0003\u0001 hello, this is not HTTP\r\n\r\n");
        assertTrue(notHttp.isEmpty() || notHttp.matches("(?s)HTTP/1\\.[01] 400 .*"), "400 or closed: " + firstLine(notHttp));
        assertStillStreaming();
    }

    private static void assertClosedWith(RawWebSocket ws, int code) throws IOException {
        RawWebSocket.Frame close = ws.readUntilClose();
        assertNotNull(close, "the hub sent a close frame (code " + code + ") before closing");
        assertEquals(code, close.closeCode(), "close reason: " + close.closeReason());
        assertTrue(!close.closeReason().isBlank(), "the close frame says why");
    }

    /** The hub still serves a normal client: it gets the next certificate the log issues. */
    private void assertStillStreaming() throws Exception {
        StreamRecorder client = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/"));
        long before = client.messages("certificate_update").size();
        await(fixture.log().append(1));
        client.await(m -> m.stream().filter(x -> "certificate_update".equals(x.getString("message_type"))).count() > before,
                Duration.ofSeconds(30));
        await(client.close());
    }

    private String http(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    response.write(buffer, 0, n);
                    String text = response.toString(StandardCharsets.ISO_8859_1);
                    if (text.contains("\r\n\r\n") && (text.startsWith("HTTP/1.1 101") || complete(text))) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | SocketException e) {
                // return what arrived
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean complete(String text) {
        int head = text.indexOf("\r\n\r\n");
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, head));
        return m.find() && text.length() - head - 4 >= Integer.parseInt(m.group(1));
    }

    private static String firstLine(String response) {
        int end = response.indexOf("\r\n");
        return end < 0 ? response : response.substring(0, end);
    }
}
