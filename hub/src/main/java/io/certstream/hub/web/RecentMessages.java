package io.certstream.hub.web;

import io.vertx.core.buffer.Buffer;

/** The last few messages of a channel, for {@code example.json} and {@code latest.json}. Event-loop confined. */
final class RecentMessages {
    private static final Buffer OPEN = Buffer.buffer("{\"messages\":[");
    private static final Buffer CLOSE = Buffer.buffer("]}");
    private final Buffer[] ring;
    private long count;

    RecentMessages(int size) {
        ring = new Buffer[size];
    }

    void add(Buffer message) {
        ring[(int) (count++ % ring.length)] = message;
    }

    /** The newest message, or {@code null} before the first. */
    Buffer newest() {
        return count == 0 ? null : ring[(int) ((count - 1) % ring.length)];
    }

    /** {@code {"messages":[newest, ..., oldest]}}, assembled from the stored bytes without re-serializing. */
    Buffer latestJson() {
        Buffer out = Buffer.buffer().appendBuffer(OPEN);
        int n = (int) Math.min(count, ring.length);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.appendByte((byte) ',');
            }
            Buffer message = ring[(int) ((count - 1 - i) % ring.length)];
            // Messages may end with a newline (some encoders add one); JSON arrays do not mind.
            out.appendBuffer(message);
        }
        return out.appendBuffer(CLOSE);
    }
}
