package io.certstream.hub.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    /** The frame encoded once for all plain clients is exactly what Netty's server-side encoder writes, at every length form. */
    @Test
    void theEncodedFrameIsNettysByteForByte() {
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            byte[] payload = new byte[length];
            Arrays.fill(payload, (byte) 'a');
            if (length > 2) {
                System.arraycopy("\u00fc".getBytes(StandardCharsets.UTF_8), 0, payload, 0, 2); // not only ASCII
            }
            // A slice with a non-zero reader index: the frame takes the readable bytes, not the array from 0.
            Buffer message = Buffer.buffer().appendString("xx").appendBytes(payload).slice(2, 2 + length);
            ByteBuf ours = SharedTextFrame.encoded(message, UnpooledByteBufAllocator.DEFAULT);

            EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
            netty.writeOutbound(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(payload)));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (ByteBuf part; (part = netty.readOutbound()) != null; part.release()) {
                expected.writeBytes(ByteBufUtil.getBytes(part));
            }
            netty.finishAndReleaseAll();

            assertTrue(ours.isDirect(), "direct memory: Netty writes it to the socket without a copy");
            assertEquals(ours.readableBytes(), ours.maxCapacity(), "no room to append to the shared memory");
            assertTrue(Arrays.equals(expected.toByteArray(), ByteBufUtil.getBytes(ours)), "length " + length);
            ours.release();
        }
    }
}
