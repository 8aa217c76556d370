package io.certstream.plugins.webhook;

import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginConfigException;
import io.certstream.plugin.PluginContext;
import io.certstream.plugin.PluginMetrics;
import io.certstream.plugin.Subscription;
import io.certstream.retry.RetryAfter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;

import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * POSTs alerts (or certificates) to a URL in batches, and loses none of them to a receiver outage or a
 * hub restart.
 *
 * <p>An item goes: bus → bounded in-memory intake → appended to the {@link DurableQueue} on disk →
 * read in batches of up to {@code batchSize} (or whatever arrived within {@code batchMillis}) → POSTed,
 * one batch at a time so order is kept → removed from disk after a 2xx. Failures are retried with
 * exponential backoff and jitter, or after the receiver's {@code Retry-After}; a batch the receiver
 * rejects outright (a 4xx other than 408/425/429) or that ran out of {@code maxRetries} is moved to
 * {@code dead-letter.jsonl} in the data directory so the queue does not stall behind it.
 *
 * <p>All state is touched on the instance's event loop; file I/O runs on a one-thread worker.
 */
final class WebhookPlugin implements Plugin {
    static final String DELIVERY_ID_HEADER = "X-CertStream-Delivery-Id";
    static final String ATTEMPT_HEADER = "X-CertStream-Attempt";
    private static final long SEGMENT_BYTES = 8L << 20;
    /** Items moved from the intake to disk per write: one fsync covers them all. */
    private static final int WRITE_CHUNK = 1_000;

    private PluginContext context;
    private WebhookConfig config;
    private Signature signature;
    private Vertx vertx;
    private Logger log;
    private String name;
    private WorkerExecutor disk;
    private DurableQueue queue;
    private String queueId;
    private Subscription<?> subscription;

    private final ArrayDeque<String> intake = new ArrayDeque<>();
    /** Items on disk and not yet delivered; read by the metrics gauge from other threads. */
    private final AtomicLong pending = new AtomicLong();
    private boolean writing;
    private boolean reading;
    private Batch inFlight;
    private boolean flushDue;
    private long batchTimer = -1;
    private long retryTimer = -1;
    private boolean stopping;
    private Promise<Void> stopped;

    private PluginMetrics.Counter received;
    private PluginMetrics.Counter filteredOut;
    private PluginMetrics.Counter droppedQueueFull;
    private PluginMetrics.Counter droppedSpillFull;
    private PluginMetrics.Counter droppedDiskError;
    private PluginMetrics.Counter delivered;
    private PluginMetrics.Counter failedAttempts;
    private PluginMetrics.Counter deadLettered;

    @Override
    public Future<Void> start(PluginContext context) {
        this.context = context;
        this.vertx = context.vertx();
        this.log = context.logger();
        this.name = context.name();
        try {
            config = WebhookConfig.read(context);
        } catch (PluginConfigException e) {
            return Future.failedFuture(e);
        }
        signature = config.secret() == null ? null : new Signature(config.secret());
        PluginMetrics m = context.metrics();
        received = m.counter("received");
        filteredOut = m.counter("filtered_out");
        droppedQueueFull = m.counter("dropped_queue_full");
        droppedSpillFull = m.counter("dropped_spill_full");
        droppedDiskError = m.counter("dropped_disk_error");
        delivered = m.counter("delivered");
        failedAttempts = m.counter("failed_attempts");
        deadLettered = m.counter("dead_lettered");
        m.gauge("pending", pending::get);

        disk = vertx.createSharedWorkerExecutor("certstream-" + name + "-disk-" + System.identityHashCode(this), 1);
        return disk.executeBlocking(() -> DurableQueue.open(context.dataDir().resolve("queue"), SEGMENT_BYTES))
                .map(q -> {
                    queue = q;
                    queueId = q.queueId();
                    pending.set(q.pending());
                    subscription = config.alerts()
                            ? context.<JsonObject>subscribe(BusAddresses.ALERTS, config.queueSize(), this::offerAlert)
                            : context.<Buffer>subscribe(BusAddresses.LITE, config.queueSize(), this::offerCertificate);
                    log.info(() -> "POSTing " + (config.alerts() ? "alerts" : "certificates") + " to "
                            + config.url().getHost() + " in batches of up to " + config.batchSize()
                            + (signature == null ? ", unsigned" : ", signed") + "; " + pending.get() + " item(s) waiting on disk");
                    // Items left from before a restart go out at once rather than wait for a batch to fill.
                    flushDue = pending.get() > 0;
                    maybeDispatch();
                    return null;
                });
    }

    private void offerAlert(JsonObject alert) {
        received.increment();
        if (!config.filter().acceptsAlert(alert)) {
            filteredOut.increment();
            return;
        }
        // The alert's own id (plugin, rule, log, index): the same when the hub replays the entry after a crash.
        offer(alert.getString("id"), alert.encode());
    }

    private void offerCertificate(Buffer message) {
        received.increment();
        JsonObject parsed = message.toJsonObject();
        if (!config.filter().isEmpty() && !config.filter().acceptsCertificate(parsed)) {
            filteredOut.increment();
            return;
        }
        String json = message.toString(StandardCharsets.UTF_8);
        // A queue line must be one line: compact JSON has no raw newlines, but be sure.
        offer(certificateId(parsed), json.indexOf('\n') < 0 ? json : parsed.encode());
    }

    /**
     * A certificate's item id: its log and index, so that an entry the hub replays after a crash (it resumes a little
     * behind what was delivered) has the id it had the first time, and a receiver deduplicating by id counts it once.
     * Null (the queue's own id is used) for a message without them.
     */
    static String certificateId(JsonObject message) {
        JsonObject data = message.getJsonObject("data");
        Object index = data == null ? null : data.getValue("cert_index");
        JsonObject source = data == null ? null : data.getJsonObject("source");
        String url = source == null ? null : source.getString("url");
        return index instanceof Number && url != null ? "certificate:" + url + ":" + index : null;
    }

    /**
     * Stores the item as it will be posted, {@code {"id": <id>, "data": <payload>}}, when it has an id of its own;
     * else the bare payload, posted with {@code <queue id>-<seq>} (see {@link Batch}).
     */
    private void offer(String id, String payload) {
        offer(id == null ? payload : "{\"id\":" + Json.encode(id) + ",\"data\":" + payload + "}");
    }

    private void offer(String payload) {
        if (stopping) {
            return;
        }
        if (intake.size() >= config.queueSize()) {
            droppedQueueFull.increment();
            return;
        }
        intake.add(payload);
        writeToDisk();
    }

    private void writeToDisk() {
        if (writing || intake.isEmpty()) {
            return;
        }
        writing = true;
        List<String> chunk = new ArrayList<>(Math.min(intake.size(), WRITE_CHUNK));
        while (!intake.isEmpty() && chunk.size() < WRITE_CHUNK) {
            chunk.add(intake.poll());
        }
        disk.executeBlocking(() -> queue.append(chunk, config.spillMaxBytes())).onComplete(ar -> {
            writing = false;
            if (ar.succeeded()) {
                int stored = ar.result();
                if (stored < chunk.size()) {
                    droppedSpillFull.add(chunk.size() - stored);
                    log.warning(() -> "the on-disk queue reached spillMaxBytes (" + config.spillMaxBytes()
                            + " bytes); dropped " + (chunk.size() - stored) + " item(s). Is the receiver down?");
                }
                pending.addAndGet(stored);
            } else {
                droppedDiskError.add(chunk.size());
                log.log(Level.SEVERE, "could not store " + chunk.size() + " item(s) in " + context.dataDir()
                        + "; they are dropped. Check disk space and permissions", ar.cause());
            }
            writeToDisk();
            maybeDispatch();
            checkStopped();
        });
    }

    private void maybeDispatch() {
        if (stopping || inFlight != null || reading || retryTimer >= 0 || pending.get() == 0) {
            return;
        }
        if (flushDue || pending.get() >= config.batchSize() || config.batchMillis() == 0) {
            cancelBatchTimer();
            readBatch();
        } else if (batchTimer < 0) {
            batchTimer = vertx.setTimer(config.batchMillis(), t -> {
                batchTimer = -1;
                flushDue = true;
                maybeDispatch();
            });
        }
    }

    private void readBatch() {
        reading = true;
        disk.executeBlocking(() -> queue.readNext(config.batchSize())).onComplete(ar -> {
            reading = false;
            if (ar.failed()) {
                log.log(Level.SEVERE, "cannot read the on-disk queue in " + context.dataDir()
                        + "; retrying. Check the disk", ar.cause());
                retryLater(config.backoff().maxMillis());
                return;
            }
            if (stopping || ar.result().isEmpty()) {
                checkStopped();
                return;
            }
            flushDue = false;
            inFlight = Batch.of(name, queueId, ar.result());
            send();
        });
    }

    private void send() {
        Batch batch = inFlight;
        int attempt = batch.nextAttempt();
        HttpRequest<Buffer> request = context.httpClient()
                .requestAbs(HttpMethod.POST, config.url().toString())
                .timeout(config.timeoutMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "CertStream-Hub webhook")
                .putHeader(DELIVERY_ID_HEADER, batch.id())
                .putHeader(ATTEMPT_HEADER, Integer.toString(attempt));
        config.headers().forEach(request::putHeader);
        if (signature != null) {
            request.putHeader(Signature.HEADER, signature.sign(batch.body().getBytes()));
        }
        request.sendBuffer(batch.body()).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
                acknowledge(batch);
            } else {
                failed(batch, ar.succeeded() ? ar.result() : null, ar.succeeded() ? null : ar.cause());
            }
        });
    }

    private void acknowledge(Batch batch) {
        disk.executeBlocking(() -> {
            queue.ack(batch.lastSeq());
            return null;
        }).onComplete(ar -> {
            if (ar.failed()) {
                // Delivered but not recorded: after a restart the receiver sees these item ids again.
                log.log(Level.SEVERE, "delivered batch " + batch.id() + " but could not record it in "
                        + context.dataDir() + "; it will be sent again after a restart", ar.cause());
            }
            pending.addAndGet(-batch.size());
            delivered.add(batch.size());
            inFlight = null;
            maybeDispatch();
            checkStopped();
        });
    }

    private void failed(Batch batch, HttpResponse<Buffer> response, Throwable error) {
        failedAttempts.increment();
        int status = response == null ? 0 : response.statusCode();
        // The hub masks the URL (its path may hold a token) in what this logs: SecretMask, WebhookFactory.secretKeys().
        String what = response == null ? String.valueOf(error.getMessage()) : "HTTP " + status;
        boolean rejected = status / 100 == 4 && status != 408 && status != 425 && status != 429;
        boolean exhausted = config.maxRetries() >= 0 && batch.attempts() > config.maxRetries();
        if (rejected || exhausted) {
            deadLetter(batch, rejected
                    ? "the receiver rejected it (" + what + "); check the URL, headers and secret"
                    : "it failed " + batch.attempts() + " times (last: " + what + ")");
            return;
        }
        if (stopping) {
            // Stays on disk: the next start sends it again.
            inFlight = null;
            checkStopped();
            return;
        }
        long retryAfter = response == null ? -1 : RetryAfter.millis(response.getHeader("Retry-After"), Instant.now());
        long delay = retryAfter >= 0 ? retryAfter : config.backoff().delayMillis(batch.attempts());
        Level level = batch.attempts() == 1 ? Level.WARNING : Level.FINE;
        log.log(level, () -> "batch " + batch.id() + " (" + batch.size() + " item(s)) to " + config.url().getHost()
                + " failed: " + what + "; retry " + batch.attempts() + " in " + delay + " ms"
                + (retryAfter >= 0 ? " (Retry-After)" : "") + ". Items stay on disk until delivered");
        retryTimer = vertx.setTimer(delay, t -> {
            retryTimer = -1;
            send();
        });
    }

    private void deadLetter(Batch batch, String why) {
        log.severe(() -> "giving up on batch " + batch.id() + " (" + batch.size() + " item(s)): " + why
                + ". Its body is kept in " + context.dataDir().resolve("dead-letter.jsonl"));
        disk.executeBlocking(() -> {
            Files.write(context.dataDir().resolve("dead-letter.jsonl"),
                    (batch.body().toString(StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            queue.ack(batch.lastSeq());
            return null;
        }).onComplete(ar -> {
            deadLettered.add(batch.size());
            pending.addAndGet(-batch.size());
            inFlight = null;
            maybeDispatch();
            checkStopped();
        });
    }

    private void retryLater(long delay) {
        retryTimer = vertx.setTimer(delay, t -> {
            retryTimer = -1;
            maybeDispatch();
        });
    }

    private void cancelBatchTimer() {
        if (batchTimer >= 0) {
            vertx.cancelTimer(batchTimer);
            batchTimer = -1;
        }
    }

    @Override
    public Future<Void> stop() {
        if (disk == null) {
            return Future.succeededFuture();
        }
        // What the subscription still holds goes to disk like everything before it.
        Future<Void> drained = subscription == null ? Future.succeededFuture() : subscription.close();
        return drained.compose(v -> {
            stopping = true;
            stopped = Promise.promise();
            cancelBatchTimer();
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
                retryTimer = -1;
                inFlight = null; // waiting for a retry: it stays on disk for the next start
            }
            // Whatever is still in the intake is written before we stop; an in-flight POST is awaited.
            writeToDisk();
            checkStopped();
            return stopped.future();
        }).compose(v -> disk.close());
    }

    private void checkStopped() {
        if (stopping && !writing && intake.isEmpty() && !reading && inFlight == null && !stopped.future().isComplete()) {
            log.info(() -> "stopped; " + pending.get() + " item(s) wait on disk for the next start");
            stopped.complete();
        }
    }
}
