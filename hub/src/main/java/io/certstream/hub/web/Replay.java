package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.ReplayBuffer;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.WireFormat;
import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Sends a resuming subscriber what was published after its cursor and passes its filter, a page at a time, then
 * hands it over to the live stream. Pages come from the {@link ReplayBuffer}: its memory tail is read right here on
 * the event loop, its disk part on {@code readers} (a small worker pool), the page then handed back to this
 * subscriber's context. The buffer also holds what is published while the replay runs, so the replay continues, by
 * position in the buffer, until it finds nothing newer; only then, in the same event-loop turn (a memory read), does
 * the subscriber take live messages again (skipping those it already sent). The replay never drops: it
 * waits for the client's queue to drain, and the slow-client limit closes a client that never drains it.
 */
final class Replay {
    private static final Logger LOG = Logger.getLogger(Replay.class.getName());
    static final int PAGE = 256;
    private final Subscriber subscriber;
    private final ReplayBuffer buffer;
    private final Context context;
    private final WorkerExecutor readers;
    /**
     * Most cursors remembered for the hand-over to live (about 40 KB while a replay runs): the live copies still on
     * their way when the replay catches up are the newest few messages, two pages cover them.
     */
    static final int REMEMBERED = 2 * PAGE;
    /** The client's cursor. */
    private final Cursor since;
    /** The cursor read last (or the client's): where a gap found next starts. */
    private Cursor after;
    /** What this replay sent most recently, for the hand-over to live. */
    private final Set<Cursor> sent = new LinkedHashSet<>();
    /** The next page's position in the buffer; -1 until the first page, which is found by cursor. */
    private long position = -1;

    private Replay(Subscriber subscriber, ReplayBuffer buffer, Context context, WorkerExecutor readers, Cursor since) {
        this.subscriber = subscriber;
        this.buffer = buffer;
        this.context = context;
        this.readers = readers;
        this.since = since;
        this.after = since;
    }

    /** Starts on the subscriber's event loop ({@code context}); the subscriber is already in its live group. */
    static void start(Subscriber subscriber, ReplayBuffer buffer, Context context, WorkerExecutor readers, Cursor since) {
        subscriber.replaying();
        new Replay(subscriber, buffer, context, readers, since).pump();
    }

    private void pump() {
        if (subscriber.isClosed()) {
            return;
        }
        ReplayBuffer.Page inMemory = position < 0 ? buffer.afterInMemory(after, PAGE)
                : buffer.fromMemory(position, after, PAGE);
        if (inMemory != null) {
            send(inMemory);
            return;
        }
        // An older page: read from disk on a worker, sent from this subscriber's event loop.
        readers.executeBlocking(this::read, false).onComplete(read -> context.runOnContext(v -> {
            if (read.succeeded()) {
                send(read.result());
            } else if (!subscriber.isClosed()) {
                LOG.warning(() -> "replay from " + after + " failed: " + read.cause() + "; the client goes live");
                subscriber.replayed(since, sent);
            }
        }));
    }

    private ReplayBuffer.Page read() {
        return position < 0 ? buffer.after(after, PAGE, subscriber.stream)
                : buffer.from(position, after, PAGE, subscriber.stream);
    }

    private void send(ReplayBuffer.Page page) {
        if (subscriber.isClosed()) {
            return;
        }
        if (page.gap() != null) {
            ReplayBuffer.Gap gap = page.gap();
            subscriber.writeNotice(WireFormat.gap(gap.since().toString(),
                    gap.oldest() == null ? null : gap.oldest().toString(), gap.missingSeconds()));
        }
        for (Published p : page.entries()) {
            if (subscriber.filter.test(p, subscriber.compiled)) {
                subscriber.write(subscriber.frame(p, new SharedFrames(p)));
                sent.add(p.cursor());
                if (sent.size() > REMEMBERED) {
                    sent.remove(sent.iterator().next());
                }
            }
            after = p.cursor();
        }
        position = page.next();
        if (page.entries().isEmpty() && !page.more()) {
            // Caught up (always found by a memory read, on this event loop): from now on live messages flow, except
            // those this replay already covered.
            subscriber.replayed(since, sent);
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
