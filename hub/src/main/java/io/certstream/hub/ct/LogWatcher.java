package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.WatcherConfig;
import io.certstream.hub.decode.DecodePool;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.MalformedEntryException;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.certstream.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every log watcher does, whatever API the log speaks: read a verified tree head, fetch entries from where
 * it stands up to that head, decode them on a worker thread, publish them in log order, and back off and retry
 * from the same index on any failure, so that no entry is ever skipped (unless the backlog exceeds
 * {@code watcher.maxBacklog}, which is said loudly). A tree head smaller than one already seen is rejected. The
 * position is saved in the {@link PositionStore} after each published batch, faults are logged through a
 * {@link ThrottledFaultLog}, and a catch-up progress line is logged periodically. Subclasses only say how to read a tree head
 * and a run of entries from their kind of log.
 */
public abstract class LogWatcher extends VerticleBase {
    private static final long FAULT_LOG_WINDOW_MILLIS = 60_000;

    protected final CtLog log;
    protected final WatcherConfig config;
    protected final LogMetrics metrics;
    private final LogEntryDecoder decoder;
    private final UpdateSink publisher;
    private final LogSource source;
    /** The log part of this log's cursors, worked out once instead of per certificate. */
    private final int cursorLog;
    private final Backoff backoff;
    /** Failed attempts in a row: the backoff grows with them, a success resets them. */
    private int failures;
    private final LogPosition position;
    /** Named after the concrete watcher, so log lines say which kind of log speaks. */
    private final Logger logger = Logger.getLogger(getClass().getName());
    private final ThrottledFaultLog faults;

    private LogHttp http;
    private long largestTreeSize = -1;
    private long timer = -1;
    private long progressTimer = -1;
    private boolean stopped;
    private boolean reportedCaughtUp;
    /** The last tree head taken. */
    private SignedTreeHead lastHead;
    private boolean finalHeadChecked;

    /** Entries read from the log, numbered from the index asked for, and where a user can fetch each. */
    public record Fetched(List<RawEntry> entries, LongFunction<String> certLink) {
    }

    protected LogWatcher(CtLog log, WatcherConfig config, LogEntryDecoder decoder, UpdateSink publisher,
                         LogMetrics metrics, PositionStore positions, long startIndex) {
        this.log = log;
        this.config = config;
        this.decoder = decoder;
        this.publisher = publisher;
        this.metrics = metrics;
        this.source = log.source();
        this.cursorLog = Cursor.logId(source.url());
        // 1 s, 2 s, 4 s ... up to maxBackoffSeconds, from the upper half of each: watchers hitting one failing
        // operator do not retry in lock step.
        this.backoff = new Backoff(1000, config.maxBackoffSeconds() * 1000L, Backoff.Jitter.EQUAL);
        this.position = new LogPosition(log.url(), startIndex, metrics, positions);
        this.faults = new ThrottledFaultLog(logger, log.name(), FAULT_LOG_WINDOW_MILLIS);
    }

    /** Reads the log's current tree head, verified as far as this kind of log allows. */
    protected abstract Future<SignedTreeHead> fetchTreeHead(LogHttp http);

    /**
     * Called with each tree head the watcher accepts (never a shrunk one), on the event loop, before entries are
     * fetched up to it: a place for further audits of the head.
     */
    protected void acceptedTreeHead(SignedTreeHead head) {
    }

    /**
     * Whether the log's tree of {@code size} entries has root hash {@code root}, shown with the log's own data up to
     * {@code head} (a trusted head at least that large). By default only when {@code head} is that tree; watchers that
     * can prove a smaller tree inside a larger one override it.
     */
    protected Future<Boolean> treeHasRoot(LogHttp http, long size, byte[] root, SignedTreeHead head) {
        return head.treeSize() == size
                ? Future.succeededFuture(MessageDigest.isEqual(root, head.rootHash()))
                : Future.failedFuture(new LogFetchException(FaultKind.INTERNAL, log.url() + ": cannot check a tree of " + size
                        + " against a head of " + head.treeSize() + " for this kind of log", 0));
    }

    /** Reads at least one entry from {@code start} (below {@code treeSize}); fewer than asked is fine. */
    protected abstract Future<Fetched> fetchEntries(LogHttp http, long start, long treeSize);

    @Override
    public final Future<?> start() {
        http = LogHttp.create(vertx, config.requestTimeoutSeconds(), config.requestDeadlineSeconds(), LogHttp.MAX_RESPONSE_BYTES)
                .throttledBy(OperatorThrottle.of(vertx, log, config.operatorRequestsPerSecond()));
        logger.info(() -> "Watching " + log.name() + " (" + log.kind() + ", " + log.url() + ") from " + position.describe());
        vertx.runOnContext(v -> poll());
        progressTimer = vertx.setPeriodic(config.progressSeconds() * 1000L, t -> logProgress());
        return Future.succeededFuture();
    }

    @Override
    public final Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        vertx.cancelTimer(progressTimer);
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
                        return Future.failedFuture(new LogFetchException(FaultKind.STH_SHRUNK, log.url() + ": tree size "
                                + head.treeSize() + " is smaller than the " + largestTreeSize
                                + " the log already published; ignoring this tree head", 0));
                    }
                    largestTreeSize = head.treeSize();
                    lastHead = head;
                    acceptedTreeHead(head);
                    long size = log.finalTreeSize() == null ? head.treeSize() : Math.min(head.treeSize(), log.finalTreeSize());
                    // A read-only log's entries past its final tree size are not streamed: its lag ends there too.
                    metrics.treeSize(size);
                    if (position.startAtHeadIfUnknown(size)) {
                        logger.info(() -> log.name() + ": tree size " + size + ", streaming new entries from there");
                    }
                    capBacklog(size);
                    return fetchUntil(size).compose(v -> readAll() ? checkFinalTreeHead() : Future.succeededFuture());
                })
                .onSuccess(v -> {
                    recovered();
                    if (readAll()) {
                        // Nothing more will come from a frozen log: polling its tree head forever would only cost it requests.
                        metrics.complete();
                        logger.info(() -> log.name() + " (" + log.url() + ") is read-only and every entry up to its final"
                                + " tree size " + log.finalTreeSize() + " has been streamed; no longer polling it");
                        return;
                    }
                    schedule(config.pollMillis());
                })
                .onFailure(this::failed);
    }

    /**
     * A read-only log's list entry names its final tree head: once the hub has read up to it, its root hash is
     * checked against the log's own tree (a log list and a log that disagree is an integrity failure, raised as
     * {@code final_tree_head}). Once; a check that cannot be made now (the log does not answer) is retried.
     */
    private Future<Void> checkFinalTreeHead() {
        if (finalHeadChecked || log.finalRootHash() == null || lastHead == null || lastHead.treeSize() < log.finalTreeSize()) {
            return Future.succeededFuture();
        }
        long size = log.finalTreeSize();
        byte[] root;
        try {
            root = Base64.getDecoder().decode(log.finalRootHash());
        } catch (IllegalArgumentException e) {
            finalHeadChecked = true;
            logger.warning(() -> log.name() + ": the log list's final_tree_head sha256_root_hash is not base64; not checked");
            return Future.succeededFuture();
        }
        SignedTreeHead head = lastHead;
        return treeHasRoot(http, size, root, head).map(matches -> {
            finalHeadChecked = true;
            if (matches) {
                metrics.check("final_tree_head_verified");
                logger.info(() -> log.name() + ": the log's tree of " + size + " entries has the final tree head's root hash");
            } else {
                new IntegrityAlarm(vertx, log, metrics).raise("final_tree_head",
                        new SignedTreeHead(size, 0, root, new byte[0]), head, "the log list's final_tree_head root hash"
                                + " is not the root hash of the log's tree of " + size + " entries");
            }
            return null;
        });
    }

    /** Whether this is a read-only log and everything up to its final tree size has been published. */
    private boolean readAll() {
        return log.finalTreeSize() != null && position.next() >= log.finalTreeSize();
    }

    private Future<Void> fetchUntil(long size) {
        long start = position.next();
        if (stopped || start >= size) {
            return Future.succeededFuture();
        }
        return fetchEntries(http, start, size)
                .compose(fetched -> {
                    if (fetched.entries().isEmpty()) {
                        return Future.failedFuture(new LogFetchException(FaultKind.BAD_RESPONSE, log.url()
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

    /**
     * Runs on a worker: certificate decoding and serialization are the CPU-heavy part, so the entries are decoded
     * on all cores ({@link DecodePool}), in order.
     */
    private DecodedBatch decode(Fetched fetched) {
        long seen = System.currentTimeMillis();
        List<EncodedUpdate> updates = DecodePool.map(fetched.entries(), chunk -> decodeEntries(chunk, fetched, seen));
        return new DecodedBatch(fetched.entries().size(), updates);
    }

    private List<EncodedUpdate> decodeEntries(List<RawEntry> entries, Fetched fetched, long seen) {
        List<EncodedUpdate> updates = new ArrayList<>(entries.size());
        for (RawEntry entry : entries) {
            try {
                CertificateUpdate update = decoder.decode(entry, source, fetched.certLink().apply(entry.index()), seen);
                updates.add(EncodedUpdate.of(update, cursorLog));
            } catch (MalformedEntryException e) {
                // An entry that cannot be decoded never will be: count it, say where it is, and move past it.
                String where = log.url() + " entry " + entry.index();
                metrics.error(FaultKind.DECODE, where + ": " + e.getMessage());
                faults.report(FaultKind.DECODE, "cannot decode " + where + ": " + e.getMessage(), System.currentTimeMillis());
            } catch (RuntimeException e) {
                // A decoder bug, not a bad entry: still never worth stopping the log for.
                String where = log.url() + " entry " + entry.index();
                metrics.error(FaultKind.DECODE, where + ": " + e);
                faults.report(FaultKind.DECODE_BUG, "unexpected failure decoding " + where + ": " + e, System.currentTimeMillis());
                logger.log(Level.FINE, "decoder failure at " + where, e);
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
        FaultKind kind = cause instanceof LogFetchException f ? f.kind() : FaultKind.INTERNAL;
        long retryAfter = cause instanceof LogFetchException f ? f.retryAfterMillis() : 0;
        metrics.error(kind, cause.getMessage());
        long delay = backoff.delayMillis(++failures, retryAfter);
        faults.report(kind, cause.getMessage() + " (failure " + failures + " in a row); retrying in "
                + (delay / 1000.0) + " s from index " + Math.max(position.next(), 0), System.currentTimeMillis());
        if (!(cause instanceof LogFetchException)) {
            logger.log(Level.FINE, "watcher failure", cause);
        }
        schedule(delay);
    }

    private void recovered() {
        if (failures > 0) {
            // Only a real outage is worth a line; a log that fails now and then is visible in the metrics.
            int failed = failures;
            if (failed >= 5) {
                logger.info(() -> log.name() + ": recovered after " + failed + " failed attempts");
            }
            failures = 0;
        }
        if (!reportedCaughtUp && metrics.lag() == 0) {
            reportedCaughtUp = true;
            logger.info(() -> log.name() + ": caught up at index " + position.next());
        }
    }

    /** Skips the oldest entries on purpose when the watcher is further behind than {@code watcher.maxBacklog}. */
    private void capBacklog(long size) {
        long cap = config.maxBacklog();
        long from = position.next();
        if (cap <= 0 || size - from <= cap) {
            return;
        }
        long to = size - cap;
        position.skipTo(to);
        logger.warning(() -> log.name() + " (" + log.url() + "): SKIPPING entries " + from + " to " + (to - 1) + " ("
                + (to - from) + " entries) on purpose: the backlog exceeds watcher.maxBacklog=" + cap
                + "; continuing at index " + to + " (set watcher.maxBacklog to 0 to never skip)");
    }

    /** A line per interval while a log is catching up, so a restart after downtime shows how long it will take. */
    private void logProgress() {
        long lag = metrics.lag();
        int batchSize = metrics.batchSize();
        // A busy log is a few batches behind after every poll; only a real backlog is worth a line.
        if (stopped || lag <= batchSize || reportedCaughtUp && lag < 10L * batchSize) {
            return;
        }
        double rate = metrics.entriesPerSecond();
        long eta = metrics.etaSeconds();
        logger.info(() -> log.name() + ": catching up, " + lag + " entries behind (index " + position.next() + " of "
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
