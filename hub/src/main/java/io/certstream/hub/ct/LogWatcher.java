package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.WatcherConfig;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.MalformedEntryException;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.stream.EncodedUpdate;
import io.certstream.hub.stream.UpdatePublisher;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every log watcher does, whatever API the log speaks: read a verified tree head, fetch entries from where
 * it stands up to that head, decode them on a worker thread, publish them in log order, and back off and retry
 * from the same index on any failure, so that no entry is ever skipped. A tree head smaller than one already
 * seen is rejected. Subclasses only say how to read a tree head and a run of entries from their kind of log.
 */
public abstract class LogWatcher extends VerticleBase {

    protected final CtLog log;
    protected final WatcherConfig config;
    protected final LogMetrics metrics;
    private final LogEntryDecoder decoder;
    private final UpdatePublisher publisher;
    private final LogSource source;
    private final Backoff backoff;
    private final LogPosition position;
    /** Named after the concrete watcher, so log lines say which kind of log speaks. */
    private final Logger logger = Logger.getLogger(getClass().getName());

    private LogHttp http;
    private long largestTreeSize = -1;
    private long timer = -1;
    private boolean stopped;
    private boolean reportedCaughtUp;

    /** Entries read from the log, numbered from the index asked for, and where a user can fetch each. */
    public record Fetched(List<RawEntry> entries, LongFunction<String> certLink) {
    }

    protected LogWatcher(CtLog log, WatcherConfig config, LogEntryDecoder decoder, UpdatePublisher publisher,
                         LogMetrics metrics, long startIndex) {
        this.log = log;
        this.config = config;
        this.decoder = decoder;
        this.publisher = publisher;
        this.metrics = metrics;
        this.source = log.source();
        this.backoff = new Backoff(config.maxBackoffSeconds() * 1000L);
        this.position = new LogPosition(startIndex, metrics);
    }

    /** Reads the log's current tree head, verified as far as this kind of log allows. */
    protected abstract Future<SignedTreeHead> fetchTreeHead(LogHttp http);

    /** Reads at least one entry from {@code start} (below {@code treeSize}); fewer than asked is fine. */
    protected abstract Future<Fetched> fetchEntries(LogHttp http, long start, long treeSize);

    @Override
    public final Future<?> start() {
        http = LogHttp.create(vertx, config.requestTimeoutSeconds());
        logger.info(() -> "Watching " + log.name() + " (" + log.kind() + ", " + log.url() + ") from " + position.describe());
        vertx.runOnContext(v -> poll());
        return Future.succeededFuture();
    }

    @Override
    public final Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        http.close();
        return Future.succeededFuture();
    }

    /** The next index this watcher will publish, or -1 before its first tree head. */
    public long nextIndex() {
        return position.next();
    }

    private void poll() {
        if (stopped) {
            return;
        }
        fetchTreeHead(http)
                .compose(head -> {
                    if (head.treeSize() < largestTreeSize) {
                        // A log never shrinks: this head is stale (a cache) or the log misbehaves. Keep the larger one.
                        return Future.failedFuture(new LogFetchException("sth_shrunk", log.url() + ": tree size "
                                + head.treeSize() + " is smaller than the " + largestTreeSize
                                + " the log already published; ignoring this tree head", 0));
                    }
                    largestTreeSize = head.treeSize();
                    metrics.treeSize(head.treeSize());
                    long size = log.finalTreeSize() == null ? head.treeSize() : Math.min(head.treeSize(), log.finalTreeSize());
                    if (position.startAtHeadIfUnknown(size)) {
                        logger.info(() -> log.name() + ": tree size " + size + ", streaming new entries from there");
                    }
                    return fetchUntil(size);
                })
                .onSuccess(v -> {
                    recovered();
                    schedule(config.pollSeconds() * 1000L);
                })
                .onFailure(this::failed);
    }

    private Future<Void> fetchUntil(long size) {
        long start = position.next();
        if (stopped || start >= size) {
            return Future.succeededFuture();
        }
        return fetchEntries(http, start, size)
                .compose(fetched -> {
                    if (fetched.entries().isEmpty()) {
                        return Future.failedFuture(new LogFetchException("bad_response", log.url()
                                + ": returned no entries from index " + start + " although the tree has " + size, 0));
                    }
                    return vertx.executeBlocking(() -> decode(fetched));
                })
                .compose(batch -> {
                    if (stopped) {
                        return Future.succeededFuture();
                    }
                    publisher.publish(batch.updates);
                    metrics.certificates(batch.updates.size());
                    position.advanceTo(start + batch.count);
                    recovered();
                    return fetchUntil(size);
                });
    }

    /** Runs on a worker: certificate decoding and serialization are the CPU-heavy part. */
    private DecodedBatch decode(Fetched fetched) {
        List<EncodedUpdate> updates = new ArrayList<>(fetched.entries().size());
        long seen = System.currentTimeMillis();
        for (RawEntry entry : fetched.entries()) {
            try {
                CertificateUpdate update = decoder.decode(entry, source, fetched.certLink().apply(entry.index()), seen);
                updates.add(EncodedUpdate.of(update));
            } catch (MalformedEntryException e) {
                // An entry that cannot be decoded never will be: count it, say where it is, and move past it.
                metrics.error("decode", log.url() + " entry " + entry.index() + ": " + e.getMessage());
                logger.warning(() -> log.name() + ": cannot decode entry " + entry.index() + " (" + log.url() + "): " + e.getMessage());
            } catch (RuntimeException e) {
                metrics.error("decode", log.url() + " entry " + entry.index() + ": " + e);
                logger.log(Level.WARNING, log.name() + ": unexpected failure decoding entry " + entry.index(), e);
            }
        }
        return new DecodedBatch(fetched.entries().size(), updates);
    }

    private record DecodedBatch(int count, List<EncodedUpdate> updates) {
    }

    private void failed(Throwable cause) {
        if (stopped) {
            return;
        }
        String kind = cause instanceof LogFetchException f ? f.kind() : "internal";
        long retryAfter = cause instanceof LogFetchException f ? f.retryAfterMillis() : 0;
        metrics.error(kind, cause.getMessage());
        long delay = backoff.nextDelay(retryAfter);
        // One line when a streak of failures starts, then one per 10: a flapping log must not flood the output.
        if (backoff.failures() == 1 || backoff.failures() % 10 == 0) {
            logger.warning(() -> log.name() + ": " + kind + ": " + cause.getMessage() + " (failure " + backoff.failures()
                    + "); retrying in " + (delay / 1000.0) + " s from index " + Math.max(position.next(), 0));
        }
        if (!(cause instanceof LogFetchException)) {
            logger.log(Level.FINE, "watcher failure", cause);
        }
        schedule(delay);
    }

    private void recovered() {
        if (backoff.failures() > 0) {
            logger.info(() -> log.name() + ": recovered after " + backoff.failures() + " failed attempts");
            backoff.reset();
        }
        if (!reportedCaughtUp && metrics.lag() == 0) {
            reportedCaughtUp = true;
            logger.info(() -> log.name() + ": caught up at index " + position.next());
        }
    }

    private void schedule(long delayMillis) {
        if (!stopped) {
            timer = vertx.setTimer(Math.max(1, delayMillis), t -> poll());
        }
    }
}
