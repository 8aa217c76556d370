package io.certstream.hub.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A text frame over an already-encoded UTF-8 message. Vert.x's public API only builds text frames from a
 * {@code String}, which would re-encode the message for every client; this shares the bytes instead (each frame
 * gets a duplicate view of the same non-releasable heap buffer), which is what makes fan-out to thousands of
 * clients cheap. The Vert.x internals this needs stay in this class; {@code SharedTextFrameTest} pins what it relies on.
 */
final class SharedTextFrame {
    private SharedTextFrame() {
    }

    static WebSocketFrame of(Buffer utf8) {
        return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true);
    }
}
