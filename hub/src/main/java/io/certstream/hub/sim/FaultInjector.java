package io.certstream.hub.sim;

import io.certstream.hub.sim.FaultPlan.Fault;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Mounted in front of the RFC 6962 routes: while a {@link FaultPlan} is active, a share of requests get a fault
 * instead of (or on top of) the normal answer. Counts what it injected, so tests can compare with the hub's metrics.
 */
final class FaultInjector {
    /** Set on the routing context when the API's answer must be cut in the middle. */
    static final String TRUNCATE = "certstream.sim.truncate";

    private final Vertx vertx;
    private final AtomicReference<Active> plan = new AtomicReference<>();
    private final AtomicReference<Map<Long, EntryFault>> corrupted = new AtomicReference<>(Map.of());
    private final AtomicLong staleTreeSize = new AtomicLong(-1);
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicReference<RequestRateLimit> rateLimit = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger entriesInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxEntriesInFlight = new java.util.concurrent.atomic.AtomicInteger();

    FaultInjector(Vertx vertx) {
        this.vertx = vertx;
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicLong());
        }
    }

    void start(FaultPlan faults) {
        plan.set(new Active(faults, new Random(faults.seed()), new ArrayList<>(EnumSet.copyOf(faults.kinds()))));
    }

    /** Until called again, both views serve the entry at each index broken as its {@link EntryFault} says. */
    void corrupt(Map<Long, EntryFault> entries) {
        corrupted.set(Map.copyOf(entries));
    }

    /** How the entry at {@code index} is served broken, or null. */
    EntryFault corrupted(long index) {
        return corrupted.get().get(index);
    }

    /** The log serves its (validly signed) tree head of {@code treeSize}, older than the tree; -1 ends it. */
    void staleTreeHead(long treeSize) {
        staleTreeSize.set(treeSize);
    }

    /** The tree size of the stale head to serve, or -1 for the current one. */
    long staleTreeSize() {
        return staleTreeSize.get();
    }

    void stop() {
        plan.set(null);
    }

    Map<Fault, Long> injected() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /** Until called with null, requests past {@code limit}'s rate are answered 429 (shared with other logs). */
    void limitRate(RequestRateLimit limit) {
        rateLimit.set(limit);
    }

    /** The most get-entries requests this log was answering at once. */
    int maxEntriesInFlight() {
        return maxEntriesInFlight.get();
    }

    void handle(RoutingContext ctx) {
        if (ctx.request().path().endsWith("/get-entries")) {
            int now = entriesInFlight.incrementAndGet();
            maxEntriesInFlight.accumulateAndGet(now, Math::max);
            ctx.addEndHandler(v -> entriesInFlight.decrementAndGet());
        }
        RequestRateLimit limit = rateLimit.get();
        if (limit != null && !limit.tryAcquire()) {
            injected.get(Fault.RATE_LIMIT).incrementAndGet();
            ctx.response().setStatusCode(429).putHeader("Retry-After", "1").putHeader("content-type", "application/json")
                    .end("{\"success\":false,\"error_message\":\"rate limit exceeded (simulated operator throttle)\"}");
            return;
        }
        Active active = plan.get();
        Fault fault = active == null ? null : active.draw();
        if (fault == null) {
            ctx.next();
            return;
        }
        injected.get(fault).incrementAndGet();
        switch (fault) {
            case RATE_LIMIT -> ctx.response().setStatusCode(429).putHeader("Retry-After", "1")
                    .putHeader("content-type", "application/json")
                    .end("{\"success\":false,\"error_message\":\"rate limited (simulated)\"}");
            case SERVER_ERROR -> ctx.response().setStatusCode(500).end("internal error (simulated)");
            case RESET -> ctx.request().connection().close();
            case SLOW -> vertx.setTimer(Math.max(1, active.plan.slowMillis()), t -> {
                if (!ctx.response().closed()) {
                    ctx.next();
                }
            });
            case GARBAGE -> ctx.response().setStatusCode(200).putHeader("content-type", "application/json")
                    .end(Buffer.buffer("<html><body>502 Bad Gateway (simulated)</body></html>"));
            case TRUNCATED -> {
                ctx.put(TRUNCATE, true);
                ctx.next();
            }
        }
    }

    /** The random draws happen on the log's event loop only, one request at a time. */
    private record Active(FaultPlan plan, Random random, List<Fault> kinds) {
        synchronized Fault draw() {
            if (random.nextDouble() >= plan.rate()) {
                return null;
            }
            return kinds.get(random.nextInt(kinds.size()));
        }
    }
}
