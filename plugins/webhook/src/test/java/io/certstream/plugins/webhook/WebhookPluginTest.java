package io.certstream.plugins.webhook;

import io.certstream.plugin.Alert;
import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.CertificateSummary;
import io.certstream.plugin.PluginConfigException;
import io.certstream.plugin.Subscription;
import io.certstream.plugins.testkit.Certificates;
import io.certstream.plugins.testkit.HttpReceiver;
import io.certstream.plugins.testkit.HttpReceiver.Response;
import io.certstream.plugins.testkit.RunningPlugin;
import io.certstream.plugins.testkit.TestPluginContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookPluginTest {
    @TempDir
    Path dataDir;
    private Vertx vertx;
    private WebClient client;
    private HttpReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        receiver = get(new HttpReceiver(vertx).start());
    }

    @AfterEach
    void close() throws Exception {
        get(vertx.close());
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private RunningPlugin webhook(JsonObject config) throws Exception {
        return webhook(config, Map.of());
    }

    private RunningPlugin webhook(JsonObject config, Map<String, String> env) throws Exception {
        var context = new TestPluginContext(vertx, client, "webhook#1", config, dataDir, env);
        return get(RunningPlugin.start(new WebhookFactory(), context));
    }

    private JsonObject config() {
        return new JsonObject().put("url", receiver.url("/hook")).put("initialBackoffMillis", 50).put("maxBackoffMillis", 200);
    }

    private void publishAlert(int index, String rule) {
        String domain = "d" + index + ".example";
        var summary = CertificateSummary.of(Certificates.update(index, domain));
        vertx.eventBus().publish(BusAddresses.ALERTS, Alert.of("keyword-alert#1", rule, "keyword", domain, summary).toJson());
    }

    /** The matched domains of every item the receiver accepted, in order. */
    private List<String> deliveredDomains() {
        List<String> out = new ArrayList<>();
        for (var r : receiver.accepted()) {
            for (Object item : r.json().getJsonArray("items")) {
                out.add(((JsonObject) item).getJsonObject("data").getString("matched_domain"));
            }
        }
        return out;
    }

    private List<String> deliveredIds() {
        List<String> out = new ArrayList<>();
        receiver.accepted().forEach(r -> r.json().getJsonArray("items").forEach(i -> out.add(((JsonObject) i).getString("id"))));
        return out;
    }

    private static List<String> domains(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "d" + i + ".example").toList();
    }

    @Test
    void postsFilteredAlertsInOneSignedBatchWithHeaders() throws Exception {
        webhook(config().put("batchSize", 3).put("batchMillis", 60_000).put("secretEnv", "HOOK_SECRET")
                        .put("headers", new JsonObject().put("Authorization", "Bearer t0ken"))
                        .put("filter", new JsonObject().put("rules", new JsonArray().add("brand"))),
                Map.of("HOOK_SECRET", "s3cret"));

        publishAlert(1, "brand");
        publishAlert(2, "other");   // filtered out
        publishAlert(3, "brand");
        publishAlert(4, "brand");

        await("one batch", 5000, () -> receiver.accepted().size() == 1);
        var request = receiver.accepted().get(0);
        assertEquals(List.of("d1.example", "d3.example", "d4.example"), deliveredDomains());
        assertEquals("Bearer t0ken", request.headers().get("Authorization"));
        assertEquals(request.json().getString("batch_id"), request.headers().get(WebhookPlugin.DELIVERY_ID_HEADER));
        assertEquals("webhook#1", request.json().getString("webhook"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body().getBytes())),
                request.headers().get("X-CertStream-Signature"));
    }

    @Test
    void sendsAPartialBatchAfterBatchMillis() throws Exception {
        webhook(config().put("batchSize", 100).put("batchMillis", 300));
        long start = System.nanoTime();
        publishAlert(1, "r");
        publishAlert(2, "r");
        await("a partial batch", 5000, () -> receiver.accepted().size() == 1);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "waited for batchMillis");
        assertEquals(domains(1, 2), deliveredDomains());
    }

    @Test
    void honoursRetryAfterAndDeliversEachItemOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> times = new CopyOnWriteArrayList<>();
        receiver.respond(r -> {
            times.add(System.nanoTime());
            return calls.incrementAndGet() <= 2 ? new Response(503, Map.of("Retry-After", "1"), "busy") : Response.ok();
        });
        webhook(config().put("batchSize", 5).put("batchMillis", 50));
        for (int i = 1; i <= 5; i++) {
            publishAlert(i, "r");
        }
        await("delivery after two 503s", 10_000, () -> receiver.accepted().size() == 1);
        assertEquals(3, calls.get());
        assertTrue(times.get(1) - times.get(0) >= TimeUnit.MILLISECONDS.toNanos(950), "waited Retry-After: 1 s");
        assertEquals(domains(1, 5), deliveredDomains());
    }

    @Test
    void receiverDownForAWhileGetsEveryAlertExactlyOnceInOrder() throws Exception {
        get(receiver.stop());
        var plugin = webhook(config().put("batchSize", 7).put("batchMillis", 20));
        for (int i = 1; i <= 40; i++) {
            publishAlert(i, "r");
            Thread.sleep(5);
        }
        await("failed attempts while down", 5000, () -> plugin.context().metrics().counter("failed_attempts").count() >= 3);
        get(receiver.start());

        await("40 items", 10_000, () -> deliveredDomains().size() >= 40);
        Thread.sleep(300);
        assertEquals(domains(1, 40), deliveredDomains());
        assertEquals(40, plugin.context().metrics().counter("delivered").count());
        assertEquals(0, plugin.context().metrics().snapshot().getLong("pending"));
    }

    @Test
    void restartWhileReceiverIsDownLosesAndRepeatsNothing() throws Exception {
        get(receiver.stop());
        var first = webhook(config().put("batchSize", 4).put("batchMillis", 20));
        for (int i = 1; i <= 10; i++) {
            publishAlert(i, "r");
        }
        await("all 10 stored", 5000, () -> first.context().metrics().snapshot().getLong("pending") == 10);
        get(first.stop());
        for (int i = 11; i <= 12; i++) {
            publishAlert(i, "r");    // nobody listens: the hub is "down" too
        }

        get(receiver.start());
        var second = webhook(config().put("batchSize", 4).put("batchMillis", 20));
        await("10 items after restart", 10_000, () -> deliveredDomains().size() >= 10);
        publishAlert(13, "r");
        await("the new item", 5000, () -> deliveredDomains().size() >= 11);
        get(second.stop());

        // A third start finds nothing left to send.
        var third = webhook(config());
        Thread.sleep(500);
        List<String> expected = new ArrayList<>(domains(1, 10));
        expected.add("d13.example");
        assertEquals(expected, deliveredDomains());
        assertEquals(deliveredIds().size(), deliveredIds().stream().distinct().count(), "item ids are unique");
        assertEquals(0, third.context().metrics().snapshot().getLong("pending"));
    }

    @Test
    void certificatesSourceSendsWireMessagesThatMatchTheFilter() throws Exception {
        webhook(config().put("source", "certificates").put("batchSize", 2).put("batchMillis", 50)
                .put("filter", new JsonObject().put("domains", "\\.bank\\.example$")));
        for (String d : List.of("www.bank.example", "other.example", "login.bank.example")) {
            JsonObject message = new JsonObject().put("message_type", "certificate_update").put("data", new JsonObject()
                    .put("update_type", "X509LogEntry")
                    .put("leaf_cert", new JsonObject().put("all_domains", new JsonArray().add(d))));
            vertx.eventBus().publish(BusAddresses.LITE, Buffer.buffer(message.encode()));
        }
        await("a batch of 2", 5000, () -> receiver.accepted().size() == 1);
        JsonArray items = receiver.accepted().get(0).json().getJsonArray("items");
        assertEquals(List.of("www.bank.example", "login.bank.example"), items.stream()
                .map(i -> ((JsonObject) i).getJsonObject("data").getJsonObject("data").getJsonObject("leaf_cert")
                        .getJsonArray("all_domains").getString(0)).toList());
    }

    /**
     * After a crash the hub resumes a little behind what was delivered and publishes those entries again: the
     * webhook gives each the id it had the first time (log and index; an alert's own id), so a receiver that
     * deduplicates by id counts it once.
     */
    @Test
    void itemIdsOfReplayedEntriesAreTheSameAsTheFirstTime() throws Exception {
        var certificates = webhook(config().put("source", "certificates").put("batchSize", 3).put("batchMillis", 50));
        for (long index : new long[] {41, 42, 41}) { // 41 again: as a replay after a crash
            JsonObject message = new JsonObject().put("message_type", "certificate_update").put("data", new JsonObject()
                    .put("update_type", "X509LogEntry").put("cert_index", index)
                    .put("source", new JsonObject().put("url", "https://ct.example/log").put("name", "Example"))
                    .put("leaf_cert", new JsonObject().put("all_domains", new JsonArray().add("d" + index + ".example"))));
            vertx.eventBus().publish(BusAddresses.LITE, Buffer.buffer(message.encode()));
        }
        await("3 certificates", 5000, () -> deliveredIds().size() == 3);
        assertEquals(List.of("certificate:https://ct.example/log:41", "certificate:https://ct.example/log:42",
                "certificate:https://ct.example/log:41"), deliveredIds());
        get(certificates.stop());

        // Alerts: the alert's own id, the same for the same rule, log and entry, another for another rule.
        int before = deliveredIds().size();
        java.nio.file.Path alertsDir = dataDir.resolve("alerts");
        var alerts = get(RunningPlugin.start(new WebhookFactory().create(),
                new TestPluginContext(vertx, client, "webhook#2", config().put("batchSize", 3).put("batchMillis", 50), alertsDir, Map.of())));
        publishAlert(7, "r");
        publishAlert(7, "other");
        publishAlert(7, "r");
        await("3 alerts", 5000, () -> deliveredIds().size() == before + 3);
        List<String> ids = deliveredIds().subList(before, before + 3);
        assertEquals(ids.get(0), ids.get(2), "a replayed alert keeps its id: " + ids);
        assertTrue(!ids.get(0).equals(ids.get(1)) && ids.get(0).contains(":r:") && ids.get(1).contains(":other:"), ids.toString());
        get(alerts.stop());
    }

    @Test
    void rejectedBatchIsSetAsideNotRetriedForever() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.respond(r -> calls.incrementAndGet() == 1 ? Response.status(400) : Response.ok());
        var plugin = webhook(config().put("batchSize", 1).put("batchMillis", 0));
        publishAlert(1, "r");
        await("dead letter", 5000, () -> plugin.context().metrics().counter("dead_lettered").count() == 1);
        publishAlert(2, "r");
        await("next item delivered", 5000, () -> deliveredDomains().size() == 1);
        assertEquals(List.of("d2.example"), deliveredDomains());
        assertTrue(Files.readString(dataDir.resolve("dead-letter.jsonl")).contains("d1.example"));
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAndTheBatchIsRetriedUntilItDoes() throws Exception {
        List<HttpReceiver.Request> seen = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        receiver.respond(r -> {
            seen.add(r);
            times.add(System.nanoTime());
            return seen.size() <= 2 ? Response.noAnswer() : Response.ok();
        });
        var plugin = webhook(config().put("batchSize", 3).put("batchMillis", 50).put("timeoutMillis", 300));
        for (int i = 1; i <= 3; i++) {
            publishAlert(i, "r");
        }
        await("delivery after two timeouts", 10_000, () -> receiver.accepted().size() == 1);
        assertEquals(3, seen.size());
        assertEquals(2, plugin.context().metrics().counter("failed_attempts").count());
        long gap = TimeUnit.NANOSECONDS.toMillis(times.get(1) - times.get(0));
        assertTrue(gap >= 290, "the second attempt came only after the 300 ms timeout: " + gap + " ms");
        // The same batch each time, numbered attempts, delivered once.
        assertEquals(List.of("1", "2", "3"), seen.stream().map(r -> r.headers().get(WebhookPlugin.ATTEMPT_HEADER)).toList());
        assertEquals(1, seen.stream().map(r -> r.headers().get(WebhookPlugin.DELIVERY_ID_HEADER)).distinct().count());
        Thread.sleep(300);
        assertEquals(domains(1, 3), deliveredDomains());
        assertEquals(3, plugin.context().metrics().counter("delivered").count());
    }

    @Test
    void retryDelaysGrowExponentiallyUpToTheCapWithinTheJitterBounds() throws Exception {
        long initial = 100;
        long max = 800;
        int failures = 6;
        List<Long> times = new CopyOnWriteArrayList<>();
        receiver.respond(r -> {
            times.add(System.nanoTime());
            return times.size() <= failures ? Response.status(503) : Response.ok();
        });
        webhook(config().put("batchSize", 1).put("batchMillis", 0)
                .put("initialBackoffMillis", initial).put("maxBackoffMillis", max));
        publishAlert(1, "r");
        await("delivery after " + failures + " 503s", 20_000, () -> receiver.accepted().size() == 1);
        assertEquals(failures + 1, times.size());
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(TimeUnit.NANOSECONDS.toMillis(times.get(i) - times.get(i - 1)));
        }
        for (int retry = 1; retry <= failures; retry++) {
            long capped = Math.min(max, initial << (retry - 1));   // 100, 200, 400, 800, 800, 800
            long gap = gaps.get(retry - 1);
            // Equal jitter: at least half the exponential delay; at most all of it plus the time of one request.
            assertTrue(gap >= capped / 2 - 2 && gap <= capped + 400,
                    "retry " + retry + " came after " + gap + " ms, outside [" + capped / 2 + ", " + capped + "] ms; all gaps: " + gaps);
        }
        assertEquals(List.of("d1.example"), deliveredDomains());
    }

    @Test
    void aFullIntakeDropsAndCountsWhatDoesNotFit() throws Exception {
        var plugin = webhook(config().put("queueSize", 10).put("batchSize", 500).put("batchMillis", 50));
        int published = 5_000;
        // Big alerts make each disk write (and its fsync) long next to handing the plugin 10 more.
        String padding = "x".repeat(16 * 1024);
        for (int i = 1; i <= published; i++) {
            String domain = "d" + i + ".example";
            var summary = CertificateSummary.of(Certificates.update(i, domain));
            vertx.eventBus().publish(BusAddresses.ALERTS,
                    Alert.of("keyword-alert#1", "r", "keyword", domain, summary).toJson().put("padding", padding));
        }
        var metrics = plugin.context().metrics();
        String droppedBySubscription = Subscription.droppedMetric(BusAddresses.ALERTS);
        await("every alert delivered or dropped", 30_000, () -> metrics.counter("delivered").count()
                + metrics.counter("dropped_queue_full").count() + metrics.counter(droppedBySubscription).count() == published);
        // The burst outruns the disk writes: the 10-item intake overflows and says so.
        assertTrue(metrics.counter("dropped_queue_full").count() > 0, metrics.snapshot().encode());
        List<String> delivered = deliveredDomains();
        assertEquals(metrics.counter("delivered").count(), delivered.size());
        assertEquals(delivered.size(), delivered.stream().distinct().count(), "nothing twice");
        List<Integer> order = delivered.stream().map(d -> Integer.parseInt(d.substring(1, d.indexOf('.')))).toList();
        assertEquals(order.stream().sorted().toList(), order, "what is kept keeps its order");
    }

    @Test
    void theSpillStopsAtSpillMaxBytesAndCountsTheRest() throws Exception {
        get(receiver.stop());
        long cap = 1L << 16;
        var plugin = webhook(config().put("spillMaxBytes", cap).put("batchSize", 50).put("batchMillis", 20));
        var metrics = plugin.context().metrics();
        int published = 0;
        // Slow enough for the disk writes to keep up: only the spill cap may drop.
        while (metrics.counter("dropped_spill_full").count() < 20 && published < 5_000) {
            for (int i = 0; i < 20; i++) {
                publishAlert(++published, "r");
            }
            int sent = published;
            await("20 more stored or dropped", 5_000, () -> metrics.snapshot().getLong("pending")
                    + metrics.counter("dropped_spill_full").count() == sent);
        }
        long stored = metrics.snapshot().getLong("pending");
        assertTrue(metrics.counter("dropped_spill_full").count() >= 20, metrics.snapshot().encode());
        assertEquals(0, metrics.counter("dropped_queue_full").count());
        assertTrue(queueBytes() <= cap, "the queue's files stay within spillMaxBytes: " + queueBytes() + " bytes");

        get(receiver.start());
        await("the stored alerts", 10_000, () -> deliveredDomains().size() >= stored);
        Thread.sleep(200);
        assertEquals(domains(1, (int) stored), deliveredDomains(), "the first alerts, those that fit, each once");
        await("the acknowledged segments deleted", 5_000, () -> queueBytes() == 0);
        publishAlert(published + 1, "r");   // room again
        await("a new alert", 5_000, () -> deliveredDomains().size() == stored + 1);
        assertEquals("d" + (published + 1) + ".example", deliveredDomains().get((int) stored));
    }

    @Test
    void aTornLastLineOnDiskIsCutOffAndTheCompleteItemsAreDeliveredOnStart() throws Exception {
        get(receiver.stop());
        var first = webhook(config().put("batchSize", 10).put("batchMillis", 20));
        for (int i = 1; i <= 3; i++) {
            publishAlert(i, "r");
        }
        await("3 stored", 5_000, () -> first.context().metrics().snapshot().getLong("pending") == 3);
        get(first.stop());
        // A crash in the middle of a write: half a line, no newline, at the end of the newest segment.
        Path segment;
        try (var files = Files.list(dataDir.resolve("queue"))) {
            segment = files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        Files.writeString(segment, "4 {\"plugin\":\"keyword-alert#1\",\"rule\":\"r\",\"matched_dom",
                StandardOpenOption.APPEND);

        var second = webhook(config().put("batchSize", 10).put("batchMillis", 20));
        assertEquals(3, second.context().metrics().snapshot().getLong("pending"), "the 3 complete items are kept");
        // Appended while the receiver is still down, so it lands in the same segment, right after the cut.
        publishAlert(4, "r");
        await("4 stored", 5_000, () -> second.context().metrics().snapshot().getLong("pending") == 4);
        get(receiver.start());
        await("the 4 items", 10_000, () -> deliveredDomains().size() >= 4);
        Thread.sleep(200);
        assertEquals(domains(1, 4), deliveredDomains());
        assertEquals(0, second.context().metrics().counter("dead_lettered").count());
        List<String> ids = deliveredIds();
        assertTrue(ids.get(3).endsWith(":4"), "the new item, with its own (alert) id, takes the torn line's place: " + ids);
    }

    /** Bytes of the webhook's queue segment files on disk. */
    private long queueBytes() {
        try (var files = Files.list(dataDir.resolve("queue"))) {
            long total = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("segment-")).toList()) {
                total += Files.size(f);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void configErrorsNameTheKey() {
        var missing = assertThrows(ExecutionException.class, () -> webhook(new JsonObject()));
        assertEquals("url", assertInstanceOf(PluginConfigException.class, missing.getCause()).key());

        var env = assertThrows(ExecutionException.class, () -> webhook(config().put("secretEnv", "NOT_SET")));
        assertTrue(env.getCause().getMessage().startsWith("webhook#1: secretEnv names the environment variable NOT_SET"),
                env.getCause().getMessage());

        var source = assertThrows(ExecutionException.class, () -> webhook(config().put("source", "alert")));
        assertEquals("source", ((PluginConfigException) source.getCause()).key());
    }
}
