package io.certstream.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the access gate did: streaming connections open (all endpoints together), distinct client addresses, and
 * requests refused per reason. {@code /stats} shows it under {@code access}, {@code /metrics} as
 * {@code certstream_access_*}. Reasons never carry a token or an address: bounded label values only.
 */
public final class AccessMetrics {
    /** Every reason a request can be refused for, so each counter exists (at 0) from the start. */
    public static final List<String> REASONS = List.of(
            "ip_not_allowed", "monitoring_not_allowed", "unauthorized", "stream_not_allowed",
            "max_connections", "max_connections_per_ip", "token_max_connections", "bad_request");

    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final LongAdder tlsReloads = new LongAdder();
    private final LongAdder tlsReloadFailures = new LongAdder();
    private volatile LongSupplier addresses = () -> 0;
    private volatile java.util.function.Supplier<Map<String, Integer>> tokens = Map::of;

    AccessMetrics(MeterRegistry registry) {
        for (String reason : REASONS) {
            LongAdder count = new LongAdder();
            refused.put(reason, count);
            FunctionCounter.builder("certstream.access.refused", count, LongAdder::sum).tag("reason", reason)
                    .description("requests refused by the access gate (limits, tokens, allowlists, bad request heads)")
                    .register(registry);
        }
        Gauge.builder("certstream.access.connections", connections, AtomicLong::get)
                .description("streaming connections open (websocket, SSE, SockJS), counted against server.maxConnections")
                .register(registry);
        Gauge.builder("certstream.access.addresses", this, m -> m.addresses.getAsLong())
                .description("distinct client addresses with a streaming connection").register(registry);
        FunctionCounter.builder("certstream.tls.reloads", tlsReloads, LongAdder::sum)
                .description("renewed TLS certificates loaded").register(registry);
        FunctionCounter.builder("certstream.tls.reload.failures", tlsReloadFailures, LongAdder::sum)
                .description("changed TLS files that could not be loaded (the previous certificate stays)").register(registry);
    }

    public void refused(String reason) {
        LongAdder count = refused.get(reason);
        if (count == null) {
            throw new IllegalArgumentException("unknown refusal reason " + reason + " (add it to AccessMetrics.REASONS)");
        }
        count.increment();
    }

    public long refusedCount(String reason) {
        LongAdder count = refused.get(reason);
        return count == null ? 0 : count.sum();
    }

    public void opened() {
        connections.incrementAndGet();
    }

    public void closed() {
        connections.decrementAndGet();
    }

    public long connections() {
        return connections.get();
    }

    /** @param distinct how many client addresses hold a streaming connection now */
    public void addresses(LongSupplier distinct) {
        this.addresses = distinct;
    }

    /** @param byName streaming connections open per token name (never the token itself) */
    public void tokens(java.util.function.Supplier<Map<String, Integer>> byName) {
        this.tokens = byName;
    }

    public void tlsReloaded() {
        tlsReloads.increment();
    }

    public void tlsReloadFailed() {
        tlsReloadFailures.increment();
    }

    public long tlsReloads() {
        return tlsReloads.sum();
    }

    public JsonObject toJson() {
        JsonObject reasons = new JsonObject();
        new TreeMap<>(refused).forEach((reason, count) -> reasons.put(reason, count.sum()));
        return new JsonObject()
                .put("connections", connections.get())
                .put("addresses", addresses.getAsLong())
                .put("refused", reasons)
                .put("tokens", new JsonObject(new TreeMap<>(tokens.get()).entrySet().stream().collect(
                        java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue()))))
                .put("tls_reloads", tlsReloads.sum())
                .put("tls_reload_failures", tlsReloadFailures.sum());
    }
}
