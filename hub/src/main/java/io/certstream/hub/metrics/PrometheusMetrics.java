package io.certstream.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's counters as Prometheus meters, read from {@link HubMetrics} and {@link LogMetrics} when scraped (no
 * second bookkeeping): {@code certstream_log_*{log,name,kind}}, {@code certstream_endpoint_*{endpoint}},
 * {@code certstream_certificates_published_total}, and the JVM's memory, GC, threads and CPU. With Vert.x metrics
 * enabled on the same registry ({@code Main}), Vert.x's own HTTP, event-bus and pool meters appear too.
 */
public final class PrometheusMetrics {
    private final PrometheusMeterRegistry registry;
    private final Map<String, List<Meter>> logMeters = new ConcurrentHashMap<>();

    public PrometheusMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public PrometheusMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // GC pauses come from JMX notifications; the binder lives as long as the registry.
        new JvmGcMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The text exposition format Prometheus scrapes. */
    public String scrape() {
        return registry.scrape();
    }

    void bindHub(HubMetrics hub) {
        FunctionCounter.builder("certstream.certificates.published", hub, HubMetrics::published)
                .description("certificates published on the bus (each goes to every stream)").register(registry);
        Gauge.builder("certstream.certificates.per.second", hub, HubMetrics::certificatesPerSecond)
                .description("certificates published per second over the last seconds").register(registry);
        Gauge.builder("certstream.logs.watched", hub, h -> h.logs().size()).register(registry);
    }

    /**
     * Read through {@link HubMetrics#replay()} at each scrape (a hub restarted on the same metrics shows its new
     * buffer); bound to the hub's metrics, which live as long as the registry (a gauge holds its object weakly).
     */
    void bindReplay(HubMetrics replay) {
        Gauge.builder("certstream.replay.memory.messages", replay, r -> r.replay().memoryMessages())
                .description("messages kept for resuming clients in memory").register(registry);
        Gauge.builder("certstream.replay.memory.bytes", replay, r -> r.replay().memoryBytes())
                .description("bytes of the messages kept in memory for resuming clients").register(registry);
        Gauge.builder("certstream.replay.disk.messages", replay, r -> r.replay().diskMessages())
                .description("messages kept for resuming clients in <stateDir>/replay").register(registry);
        Gauge.builder("certstream.replay.disk.bytes", replay, r -> r.replay().diskBytes())
                .description("bytes of the replay segments in <stateDir>/replay").register(registry);
        FunctionCounter.builder("certstream.replay.disk.dropped", replay, r -> r.replay().diskDropped())
                .description("messages not written to the replay segments (writer behind or disk error)")
                .register(registry);
    }

    void bindEndpoint(String endpoint, AtomicLong clients, LongAdder dropped, LongAdder disconnectedSlow,
                      LongAdder droppedOverload) {
        Tags tags = Tags.of("endpoint", endpoint);
        Gauge.builder("certstream.endpoint.clients", clients, AtomicLong::get).tags(tags)
                .description("websocket clients connected").register(registry);
        FunctionCounter.builder("certstream.endpoint.dropped", dropped, LongAdder::sum).tags(tags)
                .description("messages dropped because the client's write queue was full").register(registry);
        FunctionCounter.builder("certstream.endpoint.disconnected.slow", disconnectedSlow, LongAdder::sum).tags(tags)
                .description("clients closed for staying behind").register(registry);
        FunctionCounter.builder("certstream.endpoint.dropped.overload", droppedOverload, LongAdder::sum).tags(tags)
                .description("messages not sent to clients because the hub was more than server.maxPendingMessages behind")
                .register(registry);
    }

    void bindLog(LogMetrics log) {
        Tags tags = tags(log);
        List<Meter> meters = logMeters.computeIfAbsent(log.url(), u -> new CopyOnWriteArrayList<>());
        meters.add(FunctionCounter.builder("certstream.log.certificates", log, LogMetrics::certificates).tags(tags)
                .description("certificates decoded and published from this log").register(registry));
        meters.add(Gauge.builder("certstream.log.next.index", log, LogMetrics::nextIndex).tags(tags)
                .description("index of the next entry the watcher reads").register(registry));
        meters.add(Gauge.builder("certstream.log.tree.size", log, LogMetrics::treeSize).tags(tags)
                .description("tree size of the newest tree head").register(registry));
        meters.add(Gauge.builder("certstream.log.lag", log, LogMetrics::lag).tags(tags)
                .description("entries in the log not read yet (backlog)").register(registry));
        meters.add(Gauge.builder("certstream.log.eta.seconds", log, LogMetrics::etaSeconds).tags(tags)
                .description("seconds until caught up at the current rate; -1 when not moving").register(registry));
        meters.add(Gauge.builder("certstream.log.seconds.since.progress", log,
                        l -> (System.currentTimeMillis() - l.lastProgressMillis()) / 1000.0).tags(tags)
                .register(registry));
        meters.add(FunctionCounter.builder("certstream.log.skipped", log, LogMetrics::skipped).tags(tags)
                .description("entries skipped on purpose by watcher.maxBacklog").register(registry));
    }

    void bindLogError(LogMetrics log, String kind, LongAdder count) {
        logMeters.computeIfAbsent(log.url(), u -> new CopyOnWriteArrayList<>()).add(
                FunctionCounter.builder("certstream.log.errors", count, LongAdder::sum).tags(tags(log).and("kind", kind))
                        .description("faults by kind: timeout, connection, http_429, http_5xx, bad_response, too_large, bad_signature, sth_shrunk, decode, integrity_*")
                        .register(registry));
    }

    void bindLogCheck(LogMetrics log, String check, LongAdder count) {
        logMeters.computeIfAbsent(log.url(), u -> new CopyOnWriteArrayList<>()).add(
                FunctionCounter.builder("certstream.log.integrity.checks", count, LongAdder::sum)
                        .tags(tags(log).and("check", check)).register(registry));
    }

    void forgetLog(String url) {
        List<Meter> meters = logMeters.remove(url);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    private static Tags tags(LogMetrics log) {
        return Tags.of("log", log.url(), "name", log.name());
    }

    MeterRegistry meterRegistry() {
        return registry;
    }
}
