package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.wire.StreamType;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * One certificate's SSE events, built at most once per stream per web verticle however many SSE clients get them
 * (websocket clients use the published bytes as they are).
 */
final class SharedFrames {
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private final Published published;
    private final Buffer[] sse = new Buffer[StreamType.values().length];

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
