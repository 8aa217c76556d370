package io.certstream.plugin;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Named counters and gauges of one plugin instance. The hub creates one per instance and shows
 * {@link #snapshot()} in {@code /stats}; plugins only register and update. Names are {@code snake_case}
 * (e.g. {@code delivered}, {@code dropped_queue_full}); every bounded queue should count its drops here.
 * Thread-safe.
 */
public final class PluginMetrics {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    /** The counter with this name, created at zero on first use. */
    public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> new Counter());
    }

    /**
     * Registers a value read when stats are shown, e.g. a queue's length. The supplier is called from
     * any thread, so it must only read a field or a thread-safe structure.
     */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    /** All counters and gauges by name, sorted. */
    public JsonObject snapshot() {
        JsonObject json = new JsonObject();
        new TreeMap<>(counters).forEach((name, c) -> json.put(name, c.count()));
        new TreeMap<>(gauges).forEach((name, g) -> json.put(name, g.getAsLong()));
        return json;
    }

    /** A monotonically increasing count. */
    public static final class Counter {
        private final LongAdder adder = new LongAdder();

        Counter() {
        }

        public void increment() {
            adder.increment();
        }

        public void add(long n) {
            adder.add(n);
        }

        public long count() {
            return adder.sum();
        }
    }
}
