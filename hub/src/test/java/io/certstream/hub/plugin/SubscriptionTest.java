package io.certstream.hub.plugin;

import io.certstream.hub.testing.LogCapture;
import io.certstream.plugin.PluginMetrics;
import io.certstream.plugin.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded hand-over between the hub's feed and a plugin's context ({@link QueuedSubscription}). */
class SubscriptionTest {
    private Vertx vertx;
    private Context plugin;
    private final PluginMetrics metrics = new PluginMetrics();
    private final List<Integer> handled = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        plugin = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private QueuedSubscription<Integer> subscription(int capacity) {
        return new QueuedSubscription<>("test.address", plugin, capacity, i -> {
            handled.add(i);
            threads.add(Thread.currentThread().getName());
        }, metrics.counter(Subscription.droppedMetric("test.address")));
    }

    /** Blocks the plugin's event loop until the latch opens: a plugin busy with something else. */
    private CountDownLatch blockPlugin() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        plugin.runOnContext(v -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        blocked.await(10, TimeUnit.SECONDS);
        return release;
    }

    private void waitFor(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handled.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aPluginThatFallsBehindKeepsTheOldestAndCountsWhatIsDropped() throws Exception {
        QueuedSubscription<Integer> s = subscription(10);
        CountDownLatch release = blockPlugin();
        IntStream.range(0, 100).forEach(s::offer);     // the feed never waits for the plugin
        assertEquals(10, s.queued());
        release.countDown();
        waitFor(10);
        Thread.sleep(100);
        assertEquals(IntStream.range(0, 10).boxed().toList(), handled, "the first 10, in order");
        assertEquals(90, metrics.snapshot().getLong("dropped_test_address"));
        assertEquals(0, s.queued());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("vert.x-eventloop")), "on the plugin's context: " + threads);
    }

    @Test
    void closeHandsOverWhatIsQueuedAndTakesNoMore() throws Exception {
        QueuedSubscription<Integer> s = subscription(1000);
        CountDownLatch release = blockPlugin();
        IntStream.range(0, 500).forEach(s::offer);
        Promise<Void> closed = Promise.promise();
        plugin.runOnContext(v -> s.close().onComplete(closed));
        release.countDown();
        closed.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        s.offer(999);
        Thread.sleep(100);
        assertEquals(IntStream.range(0, 500).boxed().toList(), handled);
    }

    @Test
    void cancelDiscardsWhatIsQueued() throws Exception {
        QueuedSubscription<Integer> s = subscription(1000);
        CountDownLatch release = blockPlugin();
        IntStream.range(0, 50).forEach(s::offer);
        s.cancel();
        release.countDown();
        s.offer(51);
        Thread.sleep(200);
        assertEquals(List.of(), handled);
        assertEquals(0, s.queued());
    }

    @Test
    void aHandlerThatFailsIsReportedWithTheSecretsMaskedAndKeepsReceiving() throws Exception {
        SecretMask mask = SecretMask.of(Set.of("token"), new JsonObject().put("token", "tok-0123456789"));
        QueuedSubscription<Integer> s = new QueuedSubscription<Integer>("test.address", plugin, 10, i -> {
            if (i == 0) {
                throw new IllegalStateException("cannot log in as tok-0123456789");
            }
            handled.add(i);
        }, metrics.counter(Subscription.droppedMetric("test.address"))).masking(mask);
        try (LogCapture warnings = LogCapture.of(QueuedSubscription.class)) {
            s.offer(0);
            s.offer(1);
            waitFor(1);
            assertEquals(List.of(1), handled, "the next message still arrives");
            LogRecord record = warnings.records().get(0);
            assertEquals("java.lang.IllegalStateException: cannot log in as <secret token>", record.getThrown().toString());
        }
    }
}
