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
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile String lastError;
    private volatile long lastProgressMillis = System.currentTimeMillis();
    private volatile int batchSize;

    public LogMetrics(String name, String url, String kind) {
        this.name = name;
        this.url = url;
        this.kind = kind;
    }

    public String url() {
        return url;
    }

    public void treeSize(long size) {
        treeSize.set(size);
    }

    public long treeSize() {
        return treeSize.get();
    }

    public void nextIndex(long index) {
        nextIndex.set(index);
        lastProgressMillis = System.currentTimeMillis();
    }

    public long nextIndex() {
        return nextIndex.get();
    }

    public void batchSize(int size) {
        batchSize = size;
    }

    public void certificates(int count) {
        certificates.add(count);
    }

    public long certificates() {
        return certificates.sum();
    }

    /** Counts a fault by kind (e.g. {@code http_429}, {@code timeout}, {@code decode}) and remembers its message. */
    public void error(String kind, String message) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        lastError = message;
    }

    public long errors(String kind) {
        LongAdder adder = errors.get(kind);
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
                .put("batch_size", batchSize)
                .put("certificates", certificates.sum())
                .put("errors", errorCounts)
                .put("last_error", lastError)
                .put("last_progress", lastProgressMillis / 1000.0);
    }
}
