package io.certstream.hub.web;

import io.certstream.hub.config.AccessConfig;
import io.certstream.hub.config.AccessConfig.Token;
import io.certstream.hub.metrics.AccessMetrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts streaming connections (websocket, SSE, SockJS together) against {@code server.maxConnections},
 * {@code server.maxConnectionsPerIp} and a token's own {@code maxConnections}. One instance is shared by every web
 * verticle instance (their event loops take connections at the same time), so counts are atomic; an address's entry
 * is removed with its last connection, so the map holds only addresses that are connected.
 */
public final class ConnectionLimits {
    private final AccessConfig config;
    private final AccessMetrics metrics;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perToken = new ConcurrentHashMap<>();

    public ConnectionLimits(AccessConfig config, AccessMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        metrics.addresses(perIp::size);
        metrics.tokens(() -> {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            perToken.forEach((name, count) -> counts.put(name, count.get()));
            return counts;
        });
    }

    /** A connection counted against the limits; {@link #release()} once it closes (a second call does nothing). */
    public final class Lease {
        private final String ip;
        private final Token token;
        private boolean released;

        private Lease(String ip, Token token) {
            this.ip = ip;
            this.token = token;
        }

        public synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            total.decrementAndGet();
            decrement(perIp, ip);
            if (token != null) {
                decrement(perToken, token.name());
            }
            metrics.closed();
        }
    }

    /** The refusal reason ({@link AccessMetrics#REASONS}) when a new connection would pass a limit. */
    public record Refused(String reason, String message) {
    }

    /** Takes a place for a connection from {@code ip} (with {@code token}, may be null), or says which limit is full. */
    public Object acquire(String ip, Token token) {
        int max = config.maxConnections();
        if (max > 0 && total.incrementAndGet() > max) {
            total.decrementAndGet();
            return new Refused("max_connections", "the hub has its maximum of " + max + " streaming connections"
                    + " (server.maxConnections); try again later");
        } else if (max <= 0) {
            total.incrementAndGet();
        }
        int perIpMax = config.maxConnectionsPerIp();
        if (!increment(perIp, ip, perIpMax)) {
            total.decrementAndGet();
            return new Refused("max_connections_per_ip", "your address has its maximum of " + perIpMax
                    + " streaming connections (server.maxConnectionsPerIp)");
        }
        if (token != null && !increment(perToken, token.name(), token.maxConnections())) {
            total.decrementAndGet();
            decrement(perIp, ip);
            return new Refused("token_max_connections", "this token has its maximum of " + token.maxConnections()
                    + " streaming connections");
        }
        metrics.opened();
        return new Lease(ip, token);
    }

    public int total() {
        return total.get();
    }

    public int connections(String ip) {
        AtomicInteger count = perIp.get(ip);
        return count == null ? 0 : count.get();
    }

    /** Adds one under {@code key} unless that would pass {@code max} (0: no limit); atomic per key. */
    private static boolean increment(Map<String, AtomicInteger> counts, String key, int max) {
        boolean[] ok = {true};
        counts.compute(key, (k, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (max > 0 && c.get() >= max) {
                ok[0] = false;
            } else {
                c.incrementAndGet();
            }
            return c.get() == 0 ? null : c;
        });
        return ok[0];
    }

    private static void decrement(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
