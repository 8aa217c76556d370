package io.certstream.hub.metrics;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/** What a cluster node adds to {@code /stats} and {@code /health} (see {@code cluster.ClusterView}). */
public interface ClusterStats {
    /** This node's name (cluster.nodeName). */
    String node();

    /** The {@code "cluster"} object of {@code /stats}. */
    JsonObject toJson();

    /** Each log the cluster watches with the node that watches it (null: nobody). */
    JsonObject owners();

    /** Logs nobody in the cluster watches now. */
    Set<String> unowned();
}
