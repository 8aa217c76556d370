package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.StreamType;
import io.vertx.core.buffer.Buffer;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A connection that receives one stream through one filter: a websocket or an SSE response. While it resumes
 * ({@link Replay}) it ignores live messages, which the replay reads from the buffer instead; afterwards it skips
 * live messages the replay already sent (or that came before the client's cursor), so nothing comes twice.
 * Event-loop confined.
 */
abstract class Subscriber {
    final StreamType stream;
    final StreamFilter filter;
    final Pattern compiled;
    private boolean replaying;
    /** After a replay: the client's cursor, and what the replay sent last (live copies of those are skipped). */
    private Cursor resumedFrom;
    private Set<Cursor> replayedLast;

    Subscriber(StreamType stream, StreamFilter filter) {
        this.stream = stream;
        this.filter = filter;
        this.compiled = filter.compile();
    }

    /**
     * A live message that passed this subscriber's filter, with the frames shared by every client of it
     * ({@code Audience} makes one per certificate; null: none). Returns false once the connection is closed.
     */
    final boolean live(Published p, Buffer bytes, SharedFrames frames, long now) {
        if (replaying) {
            return !stalledInReplay(now);
        }
        if (resumedFrom != null) {
            // Live messages still on their way when the replay caught up were in the buffer, so the replay sent them
            // (or the client had them before its cursor); the first one that is neither starts the live stream. By
            // cursor set, not order: a late arrival may be older than what the replay sent last.
            if (replayedLast.contains(p.cursor()) || p.cursor().compareTo(resumedFrom) <= 0) {
                return !isClosed();
            }
            resumedFrom = null;
            replayedLast = null;
        }
        return deliver(bytes, frames, now);
    }

    /** A replay starts: live messages are ignored until {@link #replayed}. */
    void replaying() {
        replaying = true;
    }

    /** The replay from {@code since} caught up, having sent {@code last} most recently (the newest few thousand). */
    void replayed(Cursor since, Set<Cursor> last) {
        replaying = false;
        resumedFrom = since;
        replayedLast = last;
    }

    /** This stream's bytes for {@code p} as this kind of connection frames them (SSE adds {@code id:}). */
    abstract Buffer frame(Published p, SharedFrames frames);

    /**
     * Writes a live message, or drops it (and counts) when the client is behind; false once closed. {@code frames}:
     * those shared by every client of the message, or null (a websocket writes its encoded frame when there is one).
     */
    abstract boolean deliver(Buffer bytes, SharedFrames frames, long now);

    /** A heartbeat (websocket: the JSON message; SSE: a comment). False once closed. */
    abstract boolean heartbeat(Buffer json, long now);

    /** Writes a replayed message: no drop, the replay waits for the queue to drain instead. */
    abstract void write(Buffer bytes);

    /** A message that is not a certificate (the gap notice), framed for this connection. */
    abstract void writeNotice(Buffer json);

    abstract boolean writeQueueFull();

    abstract void onDrain(Runnable then);

    abstract boolean isClosed();

    /** Closes a client whose replay has waited for its queue to drain longer than the slow-client limit. */
    abstract boolean stalledInReplay(long now);
}
