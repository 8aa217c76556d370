package io.certstream.client;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The {@link ReadStream} view of a client's messages, with Vert.x flow control: messages wait in a
 * bounded queue while the consumer has no demand, and the websocket is paused while the queue is
 * full, so a slow consumer slows the server instead of filling memory.
 */
final class MessageStream implements ReadStream<CertStreamMessage> {

    // Enough to absorb a burst between fetches without pausing the socket at every message.
    private static final int HIGH_WATER = 512;
    private static final int LOW_WATER = 128;

    private final Context context;
    private final Consumer<Boolean> socketPaused;
    private final ArrayDeque<CertStreamMessage> queue = new ArrayDeque<>();
    private Handler<CertStreamMessage> handler;
    private Handler<Void> endHandler;
    private long demand = Long.MAX_VALUE;
    private boolean backedUp;
    private boolean ended;

    MessageStream(Context context, Consumer<Boolean> socketPaused) {
        this.context = context;
        this.socketPaused = socketPaused;
    }

    boolean isBackedUp() {
        return backedUp;
    }

    void push(CertStreamMessage message) {
        if (handler == null || ended) {
            // Nobody reads the stream: the listener API is in use; do not buffer for nobody.
            return;
        }
        queue.add(message);
        drain();
        if (!backedUp && queue.size() >= HIGH_WATER) {
            backedUp = true;
            socketPaused.accept(true);
        }
    }

    void end() {
        if (ended) {
            return;
        }
        ended = true;
        queue.clear();
        Handler<Void> h = endHandler;
        if (h != null) {
            h.handle(null);
        }
    }

    private void drain() {
        while (demand > 0 && !queue.isEmpty() && handler != null) {
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            handler.handle(queue.poll());
        }
        if (backedUp && queue.size() <= LOW_WATER) {
            backedUp = false;
            socketPaused.accept(false);
        }
    }

    /** Runs on the client's context; state is only touched there. */
    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    @Override
    public ReadStream<CertStreamMessage> exceptionHandler(Handler<Throwable> handler) {
        // Connection failures are retried, not stream errors; parse errors go to the listener.
        return this;
    }

    @Override
    public ReadStream<CertStreamMessage> handler(Handler<CertStreamMessage> handler) {
        onContext(() -> {
            this.handler = handler;
            if (handler == null) {
                queue.clear();
            }
            drain();
        });
        return this;
    }

    @Override
    public ReadStream<CertStreamMessage> pause() {
        onContext(() -> demand = 0);
        return this;
    }

    @Override
    public ReadStream<CertStreamMessage> resume() {
        onContext(() -> {
            demand = Long.MAX_VALUE;
            drain();
        });
        return this;
    }

    @Override
    public ReadStream<CertStreamMessage> fetch(long amount) {
        onContext(() -> {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            drain();
        });
        return this;
    }

    @Override
    public ReadStream<CertStreamMessage> endHandler(Handler<Void> endHandler) {
        onContext(() -> this.endHandler = endHandler);
        return this;
    }
}
