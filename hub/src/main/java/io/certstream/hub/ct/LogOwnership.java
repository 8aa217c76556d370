package io.certstream.hub.ct;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.Set;

/**
 * Which of the wanted logs this hub watches. A single hub watches them all; a cluster node only those the cluster
 * gives it (see {@code cluster.ClusterNode}), so that each log is watched by one node.
 */
public interface LogOwnership {
    LogOwnership ALL = Set::copyOf;

    /** The URLs among {@code urls} this hub watches. */
    Set<String> owned(Collection<String> urls);

    /**
     * This hub no longer owns {@code url} but its watcher still runs: completes when the watcher may stop (a cluster
     * node waits until the new owner has taken over from where this one stands, so that its clients miss nothing).
     */
    default Future<Void> handOver(String url) {
        return Future.succeededFuture();
    }
}
