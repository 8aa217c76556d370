package io.certstream.hub.publish;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * When the hub stops, the moment its watchers publish no more. Vert.x stops a deployment's children all at once, so
 * without it the web verticles and the plugins would unregister their bus consumers while watchers still publish,
 * and Vert.x would discard every delivery already queued for them with a warning
 * ({@code Discarding message since the consumer is not registered}). They wait for this instead, then let their
 * context run what the bus queued there, and only then stop.
 */
public final class PublishingEnd {
    private final Promise<Void> ended = Promise.promise();

    /** Nothing is published from now on: the watchers have stopped, or never started. Any thread, any number of times. */
    public void ended() {
        ended.tryComplete();
    }

    /**
     * Completes once publishing has ended (at the latest after {@code maxWaitMillis}, so a watcher that does not stop
     * cannot hold up the others) and {@code context} has then run what was queued on it before: the deliveries of
     * everything published. Never fails.
     */
    public Future<Void> awaitOn(Vertx vertx, Context context, long maxWaitMillis) {
        Promise<Void> waited = Promise.promise();
        long timer = vertx.setTimer(maxWaitMillis, t -> waited.tryComplete());
        ended.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            waited.tryComplete();
        });
        return waited.future().compose(v -> Future.future(turn -> context.runOnContext(x -> turn.complete())));
    }
}
