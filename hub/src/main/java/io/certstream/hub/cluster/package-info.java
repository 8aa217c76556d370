/**
 * Cluster mode ({@code cluster.enabled}, docs/cluster.md): several hubs as one on the Vert.x clustered event bus with
 * the Hazelcast cluster manager. Hazelcast owns membership and the shared map; this package only decides, from
 * Hazelcast's member list, which node watches which log, forwards each decoded batch once to every other node, and
 * keeps every log's position in the cluster-wide map so that another node resumes it without a gap.
 */
package io.certstream.hub.cluster;
