package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.wire.StreamType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * One certificate's SSE events and websocket frames, each built at most once per stream per web verticle however many
 * clients get them. The websocket frames live in direct memory: whoever makes a {@code SharedFrames} releases it
 * ({@link #release}) once every client has been written to (each write holds its own reference).
 */
final class SharedFrames {
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private final Published published;
    private final Buffer[] sse = new Buffer[StreamType.values().length];
    private ByteBuf[] websocket;

    SharedFrames(Published published) {
        this.published = published;
    }

    Buffer sse(StreamType stream) {
        Buffer b = sse[stream.ordinal()];
        if (b == null) {
            b = sse[stream.ordinal()] = event(published.cursorText(), published.message(stream));
        }
        return b;
    }

    /** The stream's whole websocket text frame ({@link SharedTextFrame#encoded}), encoded on first use. */
    ByteBuf websocket(StreamType stream, ByteBufAllocator alloc) {
        if (websocket == null) {
            websocket = new ByteBuf[StreamType.values().length];
        }
        ByteBuf b = websocket[stream.ordinal()];
        if (b == null) {
            b = websocket[stream.ordinal()] = SharedTextFrame.encoded(published.message(stream), alloc);
        }
        return b;
    }

    /** Gives back the websocket frames' memory (clients' writes still in flight hold their own references). */
    void release() {
        if (websocket != null) {
            for (int i = 0; i < websocket.length; i++) {
                if (websocket[i] != null) {
                    websocket[i].release();
                    websocket[i] = null;
                }
            }
        }
    }

    /** {@code id: CURSOR\ndata: JSON\n\n}; the JSON is one line (the encoder writes no newline inside it). */
    static Buffer event(String id, Buffer json) {
        byte[] idBytes = id == null ? new byte[0] : id.getBytes(StandardCharsets.US_ASCII);
        int end = json.length();
        while (end > 0 && (json.getByte(end - 1) == '\n' || json.getByte(end - 1) == '\r')) {
            end--;
        }
        Buffer out = Buffer.buffer(idBytes.length + end + 16);
        if (id != null) {
            out.appendBytes(ID).appendBytes(idBytes);
            out.appendBytes(DATA, 0, DATA.length);
        } else {
            out.appendBytes(DATA, 1, DATA.length - 1);
        }
        return out.appendBuffer(json, 0, end).appendBytes(END);
    }
}
