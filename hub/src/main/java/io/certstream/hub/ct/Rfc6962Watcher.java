package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.WatcherConfig;
import io.certstream.hub.decode.DecodePool;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.MalformedEntryException;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.stream.EncodedUpdate;
import io.certstream.hub.stream.UpdatePublisher;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows one RFC 6962 log: {@code get-sth}, then {@code get-entries} in batches from where it stands, decoding
 * each batch on a worker thread and publishing it in log order. A short reply means the log caps batches
 * (the cap is learned), never that the log ended; failures back off and retry, so no entry is skipped.
 */
public final class Rfc6962Watcher extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(Rfc6962Watcher.class.getName());
    private static final long PROGRESS_LOG_MILLIS = 30_000;
    private static final long FAULT_LOG_WINDOW_MILLIS = 60_000;

    private final CtLog log;
    private final WatcherConfig config;
    private final LogEntryDecoder decoder;
    private final UpdatePublisher publisher;
    private final LogMetrics metrics;
    private final LogSource source;
    private final Backoff backoff;
    private final PositionStore positions;
    private final FaultLog faults;

    private WebClient http;
    private Rfc6962Client client;
    private EntriesPrefetch prefetch;
    private boolean fullReplies;
    private TreeHeadMonitor monitor;
    private long next = -1;
    private int batchSize;
    private long timer = -1;
    private boolean stopped;
    private boolean reportedCaughtUp;
    private long progressTimer = -1;
    private long lastTreeSize = -1;
    private int lastShortReply = -1;

    /**
     * @param startIndex where to start: {@link PositionStore#startIndex} (the saved position, else the configured
     *                   start), -1 for the tree head
     */
    public Rfc6962Watcher(CtLog log, WatcherConfig config, LogEntryDecoder decoder, UpdatePublisher publisher,
                          LogMetrics metrics, PositionStore positions, long startIndex) {
        this.log = log;
        this.config = config;
        this.decoder = decoder;
        this.publisher = publisher;
        this.metrics = metrics;
        this.source = log.source();
        this.backoff = new Backoff(config.maxBackoffSeconds() * 1000L);
        this.batchSize = config.batchSize();
        this.next = startIndex;
        this.positions = positions;
        this.faults = new FaultLog(LOG, log.name(), FAULT_LOG_WINDOW_MILLIS);
    }

    @Override
    public Future<?> start() {
        http = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("certstream-hub")
                .setConnectTimeout(config.requestTimeoutSeconds() * 1000)
                .setDecompressionSupported(true)
                .setKeepAlive(true));
        client = new Rfc6962Client(http, log.url(), config.requestTimeoutSeconds() * 1000L);
        prefetch = new EntriesPrefetch(client);
        if (config.verifyTreeHeads()) {
            monitor = new TreeHeadMonitor(vertx, log, metrics, client::getSthConsistency);
        }
        metrics.batchSize(batchSize);
        if (next >= 0) {
            metrics.nextIndex(next);
        }
        LOG.info(() -> "Watching " + log.name() + " (" + log.url() + ") from "
                + (next >= 0 ? "index " + next : "the tree head"));
        vertx.runOnContext(v -> poll());
        progressTimer = vertx.setPeriodic(PROGRESS_LOG_MILLIS, t -> logProgress());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        vertx.cancelTimer(progressTimer);
        http.close();
        return Future.succeededFuture();
    }

    /** The next index this watcher will publish, or -1 before its first tree head. */
    public long nextIndex() {
        return next;
    }

    private void poll() {
        if (stopped) {
            return;
        }
        client.getSth()
                .compose(sth -> {
                    if (sth.treeSize() < lastTreeSize) {
                        // A log must never shrink; trust the larger head we saw and try again later.
                        return Future.failedFuture(new LogFetchException("sth_shrunk", log.url()
                                + "/ct/v1/get-sth: tree size went back from " + lastTreeSize + " to " + sth.treeSize(), 0));
                    }
                    lastTreeSize = sth.treeSize();
                    if (monitor != null) {
                        monitor.check(sth);
                    }
                    metrics.treeSize(sth.treeSize());
                    long size = log.finalTreeSize() == null ? sth.treeSize() : Math.min(sth.treeSize(), log.finalTreeSize());
                    if (next < 0) {
                        next = size;
                        metrics.nextIndex(next);
                        positions.advance(log.url(), next);
                        LOG.info(() -> log.name() + ": tree size " + size + ", streaming new entries from there");
                    }
                    capBacklog(size);
                    return fetchUntil(size);
                })
                .onSuccess(v -> {
                    recovered();
                    schedule(config.pollSeconds() * 1000L);
                })
                .onFailure(this::failed);
    }

    private Future<Void> fetchUntil(long size) {
        if (stopped || next >= size) {
            return Future.succeededFuture();
        }
        long start = next;
        long end = Math.min(start + batchSize, size) - 1;
        String url = Rfc6962Client.entriesUrl(log.url(), start, end);
        Future<Buffer> entries = prefetch.get(start, end);
        if (fullReplies && end + 1 < size) {
            // Catching up: let the log prepare the next batch while this one is decoded. Only while it answers
            // whole batches, so that a guess ahead does not cost a capped log a wasted request.
            prefetch.fetchAhead(end + 1, Math.min(end + 1 + batchSize, size) - 1);
        }
        return entries
                .compose(body -> vertx.executeBlocking(() -> decode(body, start, url)))
                .compose(batch -> {
                    if (batch.count == 0) {
                        return Future.failedFuture(new LogFetchException("bad_response",
                                url + ": returned no entries although the tree has " + size, 0));
                    }
                    long asked = end - start + 1;
                    fullReplies = batch.count == asked;
                    if (batch.count < asked && batch.count < batchSize) {
                        // Learn a cap only when two short replies in a row agree: one odd short reply (a log
                        // that truncates under load) must not slow the watcher down for good.
                        if (batch.count == lastShortReply) {
                            batchSize = batch.count;
                            metrics.batchSize(batchSize);
                            LOG.info(() -> log.name() + ": log returns at most " + batchSize + " entries per request; using that");
                        }
                        lastShortReply = batch.count;
                    } else {
                        lastShortReply = -1;
                    }
                    if (stopped) {
                        return Future.succeededFuture();
                    }
                    publisher.publish(batch.updates);
                    metrics.certificates(batch.updates.size());
                    next = start + batch.count;
                    metrics.nextIndex(next);
                    positions.advance(log.url(), next);
                    recovered();
                    return fetchUntil(size);
                });
    }

    /**
     * Runs on a worker: JSON parsing, certificate decoding and serialization are the CPU-heavy part, so the
     * entries are decoded on all cores ({@link DecodePool}), in order.
     */
    private DecodedBatch decode(Buffer body, long start, String url) {
        List<RawEntry> entries = EntriesParser.parse(body, start, url);
        long seen = System.currentTimeMillis();
        return new DecodedBatch(entries.size(), DecodePool.map(entries, chunk -> decodeEntries(chunk, seen)));
    }

    private List<EncodedUpdate> decodeEntries(List<RawEntry> entries, long seen) {
        List<EncodedUpdate> updates = new ArrayList<>(entries.size());
        for (RawEntry entry : entries) {
            try {
                CertificateUpdate update = decoder.decode(entry, source,
                        Rfc6962Client.entriesUrl(log.url(), entry.index(), entry.index()), seen);
                updates.add(EncodedUpdate.of(update));
            } catch (MalformedEntryException e) {
                // An entry that cannot be decoded never will be: count it, say where it is, and move past it.
                String where = log.url() + " entry " + entry.index();
                metrics.error("decode", where + ": " + e.getMessage());
                faults.report("decode", "cannot decode " + where + ": " + e.getMessage(), System.currentTimeMillis());
            } catch (RuntimeException e) {
                // A decoder bug, not a bad entry: still never worth stopping the log for.
                String where = log.url() + " entry " + entry.index();
                metrics.error("decode", where + ": " + e);
                faults.report("decode_bug", "unexpected failure decoding " + where + ": " + e, System.currentTimeMillis());
                LOG.log(Level.FINE, "decoder failure at " + where, e);
            }
        }
        return updates;
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
        faults.report(kind, cause.getMessage() + " (failure " + backoff.failures() + " in a row); retrying in "
                + (delay / 1000.0) + " s from index " + Math.max(next, 0), System.currentTimeMillis());
        if (!(cause instanceof LogFetchException)) {
            LOG.log(Level.FINE, "watcher failure", cause);
        }
        schedule(delay);
    }

    private void recovered() {
        if (backoff.failures() > 0) {
            // Only a real outage is worth a line; a log that fails now and then is visible in the metrics.
            if (backoff.failures() >= 5) {
                LOG.info(() -> log.name() + ": recovered after " + backoff.failures() + " failed attempts");
            }
            backoff.reset();
        }
        if (!reportedCaughtUp && metrics.lag() == 0) {
            reportedCaughtUp = true;
            LOG.info(() -> log.name() + ": caught up at index " + next);
        }
    }

    /** Skips the oldest entries on purpose when the watcher is further behind than {@code watcher.maxBacklog}. */
    private void capBacklog(long size) {
        long cap = config.maxBacklog();
        if (cap <= 0 || size - next <= cap) {
            return;
        }
        long from = next;
        long to = size - cap;
        next = to;
        metrics.skippedTo(next, to - from);
        positions.advance(log.url(), next);
        LOG.warning(() -> log.name() + " (" + log.url() + "): SKIPPING entries " + from + " to " + (to - 1) + " ("
                + (to - from) + " entries) on purpose: the backlog exceeds watcher.maxBacklog=" + cap
                + "; continuing at index " + to + " (set watcher.maxBacklog to 0 to never skip)");
    }

    /** A line per interval while a log is catching up, so a restart after downtime shows how long it will take. */
    private void logProgress() {
        long lag = metrics.lag();
        // A busy log is a few batches behind after every poll; only a real backlog is worth a line.
        if (stopped || lag <= batchSize || reportedCaughtUp && lag < 10L * batchSize) {
            return;
        }
        double rate = metrics.entriesPerSecond();
        long eta = metrics.etaSeconds();
        LOG.info(() -> log.name() + ": catching up, " + lag + " entries behind (index " + next + " of "
                + metrics.treeSize() + "), " + Math.round(rate) + " entries/s, "
                + (eta < 0 ? "ETA unknown" : "ETA " + formatSeconds(eta)));
    }

    static String formatSeconds(long seconds) {
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }

    private void schedule(long delayMillis) {
        if (!stopped) {
            timer = vertx.setTimer(Math.max(1, delayMillis), t -> poll());
        }
    }
}
