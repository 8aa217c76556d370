package io.certstream.hub.cluster;

import io.certstream.hub.metrics.ClusterStats;
import io.certstream.hub.publish.UpdatePublisher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;

/**
 * The cluster as this node sees it, for {@code /stats} ("cluster"), {@code /health} and {@code /metrics}: its name,
 * the members, and for every log who watches it and where it stands (from the shared positions map). A log is
 * <em>unowned</em> when no member has written its position for longer than {@code cluster.failoverSeconds}, or the
 * member that did is gone.
 */
public final class ClusterView implements ClusterStats {
    private final ClusterNode node;
    private final SharedPositions positions;
    private final ClusterBus bus;
    private final UpdatePublisher publisher;

    public ClusterView(ClusterNode node, SharedPositions positions, ClusterBus bus, UpdatePublisher publisher) {
        this.node = node;
        this.positions = positions;
        this.bus = bus;
        this.publisher = publisher;
    }

    /**
     * Cluster gauges in /metrics: members, logs nobody watches, certificates forwarded to and received from other
     * nodes, and those delivered out of cursor order (they arrived after a later cursor was delivered).
     */
    public void bind(MeterRegistry registry) {
        Gauge.builder("certstream.cluster.members", this, v -> v.members().size()).register(registry);
        Gauge.builder("certstream.cluster.logs.unowned", this, v -> v.unowned().size()).register(registry);
        FunctionCounter.builder("certstream.cluster.certificates.forwarded", bus, ClusterBus::forwarded).register(registry);
        FunctionCounter.builder("certstream.cluster.certificates.received", bus, ClusterBus::received).register(registry);
        FunctionCounter.builder("certstream.cluster.certificates.late", publisher, UpdatePublisher::lateMessages).register(registry);
    }

    @Override
    public String node() {
        return node.name();
    }

    public List<String> members() {
        return node.memberNames();
    }

    /** The node watching {@code url} according to the shared map, or null when nobody does (see class comment). */
    public String owner(String url) {
        JsonObject entry = positions.view().get(url);
        if (entry == null) {
            return null;
        }
        String owner = entry.getString("owner");
        long age = System.currentTimeMillis() - entry.getLong("at", 0L);
        return age <= node.config().failoverSeconds() * 1000L && members().contains(owner) ? owner : null;
    }

    /** Logs the cluster should watch (the last assignment this node computed) that nobody watches now. */
    @Override
    public Set<String> unowned() {
        Set<String> unowned = new TreeSet<>();
        for (String url : node.assignedLogs()) {
            if (owner(url) == null) {
                unowned.add(url);
            }
        }
        return unowned;
    }

    @Override
    public JsonObject toJson() {
        JsonObject logs = new JsonObject();
        new TreeMap<>(positions.view()).forEach((url, entry) -> logs.put(url, new JsonObject()
                .put("owner", owner(url))
                .put("assigned_to", node.assignedName(url))
                .put("next_index", entry.getLong("next"))));
        return new JsonObject()
                .put("node", node.name())
                .put("members", new JsonArray(members()))
                .put("logs", logs)
                .put("unowned", new JsonArray(List.copyOf(unowned())))
                .put("forwarded_certificates", bus.forwarded())
                .put("received_certificates", bus.received())
                .put("late_certificates", publisher.lateMessages());
    }

    /** Each log's owner, for /health. */
    @Override
    public JsonObject owners() {
        JsonObject owners = new JsonObject();
        for (String url : new TreeSet<>(node.assignedLogs())) {
            owners.put(url, owner(url));
        }
        return owners;
    }

}
