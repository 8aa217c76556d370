package io.certstream.hub.plugin;

import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.PluginMetrics;
import io.certstream.plugin.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hub's {@link Subscription}: messages of one bus address on their way to one plugin, through a queue of at most
 * {@code capacity} bodies.
 *
 * <p>Why not a plain {@code eventBus().consumer(...)}: the bus hands each message to the consumer's event
 * loop as a task, without a bound, so a plugin that falls behind the certificate rate would grow the heap
 * until the hub dies, and its backlog would delay everything else on that event loop. Here the host
 * receives the message on its own context, {@link #offer offers} it, and the plugin's context drains the
 * queue in short turns. When the queue is full, the message is dropped and counted.
 *
 * <p>Hosts (the hub, the plugin test kit) create it and call {@link #offer} from any thread.
 *
 * @param <T> the message body type, e.g. {@link io.certstream.model.CertificateUpdate} for {@link BusAddresses#UPDATES}
 */
public final class QueuedSubscription<T> implements Subscription<T> {
    /** Messages handled per event-loop turn before the plugin's context gets a chance to run other tasks. */
    private static final int PER_TURN = 64;
    private static final Logger LOG = Logger.getLogger(QueuedSubscription.class.getName());

    private final String address;
    private final Context target;
    private final int capacity;
    private final Handler<T> handler;
    private final PluginMetrics.Counter dropped;
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Promise<Void> registered = Promise.promise();
    private final Promise<Void> drained = Promise.promise();
    private volatile boolean cancelled;
    private volatile boolean closed;
    private volatile Runnable onCancel = () -> { };
    private volatile SecretMask mask = new SecretMask();

    /**
     * For hosts.
     *
     * @param address  the bus address, for logs
     * @param target   the plugin's context, where {@code handler} runs
     * @param capacity most bodies waiting for the plugin
     * @param handler  the plugin's handler
     * @param dropped  counts bodies dropped because the queue was full
     */
    public QueuedSubscription(String address, Context target, int capacity, Handler<T> handler, PluginMetrics.Counter dropped) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.address = address;
        this.target = target;
        this.capacity = capacity;
        this.handler = handler;
        this.dropped = dropped;
    }

    /**
     * For hosts: subscribes a plugin's {@code handler} to {@code address}. The bus consumer is registered on
     * {@code feed}, the host's context, which only {@link #offer offers}; the handler runs on {@code target}, the
     * plugin's. The dropped counter ({@link Subscription#droppedMetric}) and a gauge of queued bodies go into
     * {@code metrics}.
     */
    public static <T> QueuedSubscription<T> follow(Vertx vertx, Context feed, Context target, String address, int capacity,
                                             Handler<T> handler, PluginMetrics metrics) {
        return follow(vertx, feed, target, address, address, capacity, handler, metrics);
    }

    /**
     * As {@link #follow(Vertx, Context, Context, String, int, Handler, PluginMetrics)}, but the bodies come from
     * {@code busAddress} while the subscription keeps the name {@code address} (a cluster node gives its plugins only
     * the certificates it decoded itself, from an address of its own).
     */
    public static <T> QueuedSubscription<T> follow(Vertx vertx, Context feed, Context target, String address, String busAddress,
                                                   int capacity, Handler<T> handler, PluginMetrics metrics) {
        String dropped = Subscription.droppedMetric(address);
        QueuedSubscription<T> subscription = new QueuedSubscription<>(address, target, capacity, handler, metrics.counter(dropped));
        metrics.gauge(dropped.replaceFirst("^dropped_", "queued_"), subscription::queued);
        feed.runOnContext(v -> {
            MessageConsumer<T> consumer = vertx.eventBus().localConsumer(busAddress, m -> subscription.offer(m.body()));
            consumer.completion().onComplete(ar -> subscription.registered(consumer::unregister));
        });
        return subscription;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public int queued() {
        return size.get();
    }

    @Override
    public Future<Void> registered() {
        return registered.future();
    }

    @Override
    public void cancel() {
        cancelled = true;
        queue.clear();
        size.set(0);
        drained.tryComplete();
        onCancel.run();
    }

    @Override
    public Future<Void> close() {
        closed = true;
        onCancel.run();
        if (queue.isEmpty() || cancelled) {
            drained.tryComplete();
        } else if (draining.compareAndSet(false, true)) {
            target.runOnContext(v -> drain());
        }
        return drained.future();
    }

    /** For hosts: the plugin's secrets, masked in the warning about a handler that failed. */
    public QueuedSubscription<T> masking(SecretMask mask) {
        this.mask = mask;
        return this;
    }

    /** For hosts: marks the subscription live and names what {@link #cancel} must undo. */
    public void registered(Runnable onCancel) {
        this.onCancel = onCancel;
        registered.tryComplete();
        if (cancelled || closed) {
            onCancel.run();
        }
    }

    /** For hosts: queues a body for the plugin, or drops and counts it when the queue is full. Any thread. */
    public void offer(T body) {
        if (cancelled || closed) {
            return;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.add(body);
        if (draining.compareAndSet(false, true)) {
            target.runOnContext(v -> drain());
        }
    }

    private void drain() {
        for (int i = 0; i < PER_TURN && !cancelled; i++) {
            T body = queue.poll();
            if (body == null) {
                break;
            }
            size.decrementAndGet();
            try {
                handler.handle(body);
            } catch (RuntimeException e) {
                // One bad message must not end the plugin's subscription.
                LOG.log(Level.WARNING, "a plugin's handler for " + address + " failed", mask.mask(e));
            }
        }
        if (!queue.isEmpty() && !cancelled) {
            target.runOnContext(v -> drain());
            return;
        }
        draining.set(false);
        if (closed && (queue.isEmpty() || cancelled)) {
            drained.tryComplete();
            return;
        }
        // An offer may have slipped in between the last poll and the flag reset.
        if (!queue.isEmpty() && !cancelled && draining.compareAndSet(false, true)) {
            target.runOnContext(v -> drain());
        }
    }
}
