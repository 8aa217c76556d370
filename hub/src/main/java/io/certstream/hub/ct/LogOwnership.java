package io.certstream.hub.ct;

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
}
