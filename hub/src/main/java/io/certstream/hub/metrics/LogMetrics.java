package io.certstream.hub.metrics;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one log's watcher has done: position, tree size, certificates and errors by kind.
 * Written by the watcher's event loop, read by the stats endpoint from another thread.
 */
public final class LogMetrics {
    private final String name;
    private final String url;
    private final String kind;
    private final AtomicLong treeSize = new AtomicLong(-1);
    private final AtomicLong nextIndex = new AtomicLong(-1);
    private final LongAdder certificates = new LongAdder();
    /** Entries read (decoded or not), the base of the catch-up rate; skipped entries do not count. */
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final RateMeter rate = new RateMeter(10);
    /** By {@link FaultKind#label()}, the key in {@code /stats} and {@code /metrics}. */
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> checks = new ConcurrentHashMap<>();
    private volatile String lastError;
    private volatile long lastProgressMillis = System.currentTimeMillis();
    private volatile long lastContactMillis = System.currentTimeMillis();
    private volatile int batchSize;
    /** A read-only log read up to its final tree size: its watcher no longer polls, so silence is not a stall. */
    private volatile boolean complete;
    /** Where new error kinds and checks are announced, so each gets its own meter (set once by HubMetrics). */
    private volatile PrometheusMetrics meters;

    public LogMetrics(String name, String url, String kind) {
        this.name = name;
        this.url = url;
        this.kind = kind;
    }

    public String url() {
        return url;
    }

    public String name() {
        return name;
    }

    void meters(PrometheusMetrics meters) {
        this.meters = meters;
    }


    public void treeSize(long size) {
        treeSize.set(size);
        lastContactMillis = System.currentTimeMillis();
    }

    /**
     * Why this log counts as stalled, or null when it is not: no tree head for {@code stalledMillis}, or a backlog
     * and no progress for that long. A caught-up log whose tree does not grow is not stalled.
     */
    public String stalledReason(long stalledMillis, long now) {
        if (complete) {
            return null;
        }
        long silent = now - lastContactMillis;
        if (silent > stalledMillis) {
            return (treeSize.get() < 0 ? "no tree head since the watcher started " : "no tree head for ")
                    + silent / 1000 + " s" + (lastError == null ? "" : "; last error: " + lastError);
        }
        long idle = now - lastProgressMillis;
        if (lag() > 0 && idle > stalledMillis) {
            return lag() + " entries behind and no progress for " + idle / 1000 + " s"
                    + (lastError == null ? "" : "; last error: " + lastError);
        }
        return null;
    }

    /** The watcher has read a read-only log up to its final tree size and stopped polling it. */
    public void complete() {
        complete = true;
    }

    public boolean isComplete() {
        return complete;
    }

    public long treeSize() {
        return treeSize.get();
    }

    public void nextIndex(long index) {
        long before = nextIndex.getAndSet(index);
        if (before >= 0 && index > before) {
            processed.addAndGet(index - before);
        }
        lastProgressMillis = System.currentTimeMillis();
    }

    /** The watcher jumped to {@code index}, leaving out {@code count} entries on purpose (backlog cap). */
    public void skippedTo(long index, long count) {
        nextIndex.set(index);
        skipped.addAndGet(count);
        lastProgressMillis = System.currentTimeMillis();
    }

    public long skipped() {
        return skipped.get();
    }

    /** Called once a second (see {@link HubMetrics#sample()}). */
    void sample(long nanos) {
        rate.sample(processed.get(), nanos);
    }

    /** Entries read per second over the last few seconds. */
    public double entriesPerSecond() {
        return rate.perSecond();
    }

    /** Seconds until the watcher reaches the tree head it knows at the current rate; -1 when it is not moving. */
    public long etaSeconds() {
        long lag = lag();
        double perSecond = rate.perSecond();
        if (lag == 0) {
            return 0;
        }
        return lag < 0 || perSecond < 0.01 ? -1 : (long) Math.ceil(lag / perSecond);
    }

    public long nextIndex() {
        return nextIndex.get();
    }

    public void batchSize(int size) {
        batchSize = size;
    }

    public int batchSize() {
        return batchSize;
    }

    public void certificates(int count) {
        certificates.add(count);
    }

    public long certificates() {
        return certificates.sum();
    }

    /** Counts a fault by kind and remembers its message. */
    public void error(FaultKind kind, String message) {
        errors.computeIfAbsent(kind.label(), k -> {
            LongAdder count = new LongAdder();
            PrometheusMetrics m = meters;
            if (m != null) {
                m.bindLogError(this, k, count);
            }
            return count;
        }).increment();
        lastError = message;
    }

    /** Counts an integrity check that passed ({@code signatures_verified}, {@code consistency_verified}). */
    public void check(String kind) {
        checks.computeIfAbsent(kind, k -> {
            LongAdder count = new LongAdder();
            PrometheusMetrics m = meters;
            if (m != null) {
                m.bindLogCheck(this, k, count);
            }
            return count;
        }).increment();
    }

    public long checks(String kind) {
        LongAdder adder = checks.get(kind);
        return adder == null ? 0 : adder.sum();
    }

    /** Error counts by kind, a copy. */
    public Map<String, Long> errorCounts() {
        Map<String, Long> copy = new TreeMap<>();
        errors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public long errors(FaultKind kind) {
        LongAdder adder = errors.get(kind.label());
        return adder == null ? 0 : adder.sum();
    }

    /** Entries published so far but not yet read: how far behind the tree head the watcher is. */
    public long lag() {
        long size = treeSize.get();
        long next = nextIndex.get();
        return size < 0 || next < 0 ? -1 : Math.max(0, size - next);
    }

    public long lastProgressMillis() {
        return lastProgressMillis;
    }

    private JsonObject checksJson() {
        JsonObject json = new JsonObject();
        new TreeMap<>(checks).forEach((k, v) -> json.put(k, v.sum()));
        return json;
    }

    public JsonObject toJson() {
        JsonObject errorCounts = new JsonObject();
        new TreeMap<>(errors).forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new JsonObject()
                .put("name", name)
                .put("url", url)
                .put("kind", kind)
                .put("tree_size", treeSize.get())
                .put("next_index", nextIndex.get())
                .put("lag", lag())
                .put("backlog", lag())
                .put("entries_per_second", Math.round(rate.perSecond() * 10) / 10.0)
                .put("eta_seconds", etaSeconds())
                .put("skipped", skipped.get())
                .put("batch_size", batchSize)
                .put("certificates", certificates.sum())
                .put("errors", errorCounts)
                .put("integrity_checks", checksJson())
                .put("last_error", lastError)
                .put("last_progress", lastProgressMillis / 1000.0)
                .put("complete", complete);
    }
}
