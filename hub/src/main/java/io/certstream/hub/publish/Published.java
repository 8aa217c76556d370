package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.StreamType;
import io.vertx.core.buffer.Buffer;

/**
 * One certificate as the web front receives it: its messages with the cursor already in their bytes, the cursor
 * itself, and whether the same certificate was already published within the dedup window (from another log, or
 * again by the same one). Immutable; shared by reference by every web verticle and the replay buffer.
 */
public record Published(Cursor cursor, String cursorText, boolean duplicate, EncodedUpdate update) {

    /** The message of {@code stream}, cursor included. */
    public Buffer message(StreamType stream) {
        return stream.message(update);
    }

    /** Bytes held for replay, to bound the buffer: the three messages plus the decoded leaf (about its DER again). */
    long retainedBytes() {
        return update.full().length() + update.lite().length() + update.domainsOnly().length()
                + update.update().leaf().der().length + 1024L;
    }
}
