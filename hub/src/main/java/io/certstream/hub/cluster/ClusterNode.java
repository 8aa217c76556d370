package io.certstream.hub.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.certstream.hub.config.HubConfig.ClusterConfig;
import io.certstream.hub.ct.LogOwnership;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * This hub as a member of the cluster: its name, the members Hazelcast knows now, and which logs it owns
 * ({@link Assignment} over Hazelcast's member list). Membership is Hazelcast's alone; a change of members (a node
 * joined, left, died, or two halves of a split merged again) calls back so the logs are reassigned.
 */
public final class ClusterNode implements LogOwnership {
    private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());
    private final HazelcastInstance hazelcast;
    private final ClusterConfig config;
    /** Stable for the life of this process, unlike the Hazelcast member UUID (which changes after a merge). */
    private final String processId = UUID.randomUUID().toString();
    private volatile Map<String, String> lastAssignment = Map.of();

    private ClusterNode(HazelcastInstance hazelcast, ClusterConfig config) {
        this.hazelcast = hazelcast;
        this.config = config;
    }

    /** The node of a Vert.x started clustered with the Hazelcast cluster manager ({@link ClusterSetup}). */
    public static ClusterNode of(Vertx vertx, ClusterConfig config) {
        if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
            throw new IllegalStateException("cluster.enabled is true but Vert.x was not started clustered with Hazelcast");
        }
        return new ClusterNode(manager.getHazelcastInstance(), config);
    }

    public String name() {
        return config.name();
    }

    public ClusterConfig config() {
        return config;
    }

    String processId() {
        return processId;
    }

    /** Member names (cluster.nodeName of each), oldest member first. */
    public List<String> memberNames() {
        return hazelcast.getCluster().getMembers().stream().map(ClusterNode::nameOf).toList();
    }

    /** The name of another member sharing this node's name, if any: two nodes must not answer to one name. */
    public Optional<String> duplicateName() {
        Member self = hazelcast.getCluster().getLocalMember();
        return hazelcast.getCluster().getMembers().stream()
                .filter(m -> !m.getUuid().equals(self.getUuid()) && name().equals(nameOf(m)))
                .map(m -> m.getAddress().toString()).findFirst();
    }

    @Override
    public Set<String> owned(Collection<String> urls) {
        Set<Member> members = hazelcast.getCluster().getMembers();
        List<String> ids = new ArrayList<>();
        members.forEach(m -> ids.add(m.getUuid().toString()));
        Map<String, String> owners = Assignment.assign(urls, ids);
        lastAssignment = owners;
        String self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        return owners.entrySet().stream().filter(e -> e.getValue().equals(self)).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** How a log given away is handed over ({@link SharedPositions#handOver}); set once the shared map is open. */
    private volatile SharedPositions positions;

    void handOverThrough(SharedPositions positions) {
        this.positions = positions;
    }

    @Override
    public Future<Void> handOver(String url) {
        SharedPositions p = positions;
        // Bounded: a new owner that never takes over (it died too) does not keep this watcher forever.
        return p == null ? Future.succeededFuture() : p.handOver(url, config.failoverSeconds() * 2000L);
    }

    /** Calls {@code change} (on a Hazelcast thread) whenever the members change or this node merged after a split. */
    public void onMembersChanged(Runnable change) {
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info(() -> "Cluster: " + nameOf(event.getMember()) + " joined; members now " + memberNames());
                change.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.warning(() -> "Cluster: " + nameOf(event.getMember()) + " left; members now " + memberNames()
                        + "; its logs move to the others");
                change.run();
            }
        });
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.warning(() -> "Cluster: merged after a split; members now " + memberNames() + "; reassigning logs");
                change.run();
            }
        });
    }

    static String nameOf(Member member) {
        String name = member.getAttribute(ClusterSetup.NODE_NAME_ATTRIBUTE);
        return name != null ? name : member.getAddress().toString();
    }

    /** Every log of the last assignment this node computed (the logs the cluster watches). */
    Set<String> assignedLogs() {
        return lastAssignment.keySet();
    }

    /** Whether the last assignment this node computed gives {@code url} to this node. */
    boolean assignedHere(String url) {
        return hazelcast.getCluster().getLocalMember().getUuid().toString().equals(lastAssignment.get(url));
    }

    /** The name of the member that owned {@code url} in the last assignment this node computed; null if none. */
    String assignedName(String url) {
        String id = lastAssignment.get(url);
        if (id == null) {
            return null;
        }
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (m.getUuid().toString().equals(id)) {
                return nameOf(m);
            }
        }
        return null;
    }
}
