package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.ReplayBuffer;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.WireFormat;
import io.vertx.core.Context;

/**
 * Sends a resuming subscriber what was published after its cursor and passes its filter, a page at a time, then
 * hands it over to the live stream. Pages are read from the {@link ReplayBuffer}, which also holds what is
 * published while the replay runs, so the replay simply continues until it finds nothing newer; only then, in the
 * same event-loop turn, does the subscriber take live messages again (skipping any whose cursor it already sent).
 * The replay never drops: it waits for the client's queue to drain, and the slow-client limit closes a client that
 * never drains it.
 */
final class Replay {
    static final int PAGE = 256;
    private final Subscriber subscriber;
    private final ReplayBuffer buffer;
    private final Context context;
    private Cursor after;
    private boolean first = true;

    private Replay(Subscriber subscriber, ReplayBuffer buffer, Context context, Cursor since) {
        this.subscriber = subscriber;
        this.buffer = buffer;
        this.context = context;
        this.after = since;
    }

    /** Starts on the subscriber's event loop ({@code context}); the subscriber is already in its live group. */
    static void start(Subscriber subscriber, ReplayBuffer buffer, Context context, Cursor since) {
        subscriber.replaying(true, since);
        new Replay(subscriber, buffer, context, since).pump();
    }

    private void pump() {
        if (subscriber.isClosed()) {
            return;
        }
        ReplayBuffer.Page page = buffer.after(after, PAGE);
        if (first && page.gap() != null) {
            ReplayBuffer.Gap gap = page.gap();
            subscriber.writeNotice(WireFormat.gap(gap.since().toString(),
                    gap.oldest() == null ? null : gap.oldest().toString(), gap.missingSeconds()));
        }
        first = false;
        for (Published p : page.entries()) {
            if (subscriber.filter.test(p, subscriber.compiled)) {
                subscriber.write(subscriber.frame(p, new SharedFrames(p)));
            }
            after = p.cursor();
        }
        if (page.entries().isEmpty()) {
            // Caught up: from now on live messages flow, except those this replay already covered.
            subscriber.replaying(false, after);
            return;
        }
        if (subscriber.writeQueueFull()) {
            subscriber.onDrain(this::pump);
        } else {
            // Let the event loop serve others between pages.
            context.runOnContext(v -> pump());
        }
    }
}
