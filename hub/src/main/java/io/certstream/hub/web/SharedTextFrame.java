package io.certstream.hub.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A text frame over an already-encoded UTF-8 message, two ways. {@link #of}: a Vert.x frame for
 * {@code writeFrame}; Vert.x's public API only builds text frames from a {@code String}, which would re-encode the
 * message for every client; this shares the bytes instead (each frame gets a duplicate view of the same
 * non-releasable heap buffer). {@link #encoded}: the whole frame as it goes on the wire, once for every client (see
 * {@link ClientConnection}). The Vert.x internals this needs stay in this class; {@code SharedTextFrameTest} pins
 * what it relies on.
 */
final class SharedTextFrame {
    /** FIN and the text opcode: a whole message in one frame (RFC 6455 5.2). */
    private static final int FIN_TEXT = 0x81;

    private SharedTextFrame() {
    }

    static WebSocketFrame of(Buffer utf8) {
        return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true);
    }

    /**
     * The server-to-client frame of {@code utf8} (final, text, unmasked, no extension bits): header and payload
     * in one direct buffer, byte for byte what Netty's websocket encoder writes for the frame {@link #of} makes, for
     * any client without an extension. It is the same for every such client, so one copy is shared by all of them
     * ({@code retainedDuplicate()} each). Its capacity is exactly the frame: nothing downstream (an {@code SslHandler}
     * coalescing writes) can append to the memory the clients share. The caller releases it.
     */
    static ByteBuf encoded(Buffer utf8, ByteBufAllocator alloc) {
        ByteBuf payload = ((BufferInternal) utf8).getByteBuf();
        int length = payload.readableBytes();
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = alloc.directBuffer(header + length, header + length);
        frame.writeByte(FIN_TEXT);
        if (length <= 125) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126).writeShort(length);
        } else {
            frame.writeByte(127).writeLong(length);
        }
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }
}
