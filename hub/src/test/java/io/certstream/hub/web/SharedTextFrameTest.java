package io.certstream.hub.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins what {@link SharedTextFrame} relies on in Vert.x internals ({@code WebSocketFrameImpl}, {@code BufferInternal}):
 * a final text frame over the message's own bytes, never a copy, however many clients get it. A Vert.x upgrade that
 * changes this fails here rather than silently copying every message once per client.
 */
class SharedTextFrameTest {
    @Test
    void aFinalTextFrameOverTheSameBytesForEveryClient() {
        String json = "{\"message_type\":\"heartbeat\",\"timestamp\":1.5,\"ü\":\"株\"}";
        Buffer message = Buffer.buffer(json.getBytes(StandardCharsets.UTF_8));
        WebSocketFrame first = SharedTextFrame.of(message);
        WebSocketFrame second = SharedTextFrame.of(message);

        assertTrue(first.isText() && first.isFinal());
        assertEquals(json, first.textData());
        assertEquals(json, second.textData(), "a frame does not consume the bytes another one reads");
        // The frames share the message's memory: the same backing array, not a copy each.
        byte[] backing = ((BufferInternal) message).getByteBuf().array();
        assertTrue(((BufferInternal) first.binaryData()).getByteBuf().array() == backing, "frame 1 shares the bytes");
        assertTrue(((BufferInternal) second.binaryData()).getByteBuf().array() == backing, "frame 2 shares the bytes");
    }
}
