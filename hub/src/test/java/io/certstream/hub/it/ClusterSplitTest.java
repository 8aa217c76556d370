package io.certstream.hub.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.HubCluster;
import io.certstream.hub.testing.HubProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static io.certstream.hub.it.ClusterFailoverTest.indexes;
import static io.certstream.hub.it.ClusterFailoverTest.lastIndex;
import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A split on one machine: of two nodes (the third listed member never answers), the log's owner is paused with
 * SIGSTOP beyond the heartbeat timeout. The other node takes the log over; when the paused node resumes, the two
 * single-node clusters merge (Hazelcast's split-brain merge) and the log has one owner again. A client on the node
 * that stayed up sees no gap through the split; after the merge both clients get the log again and both nodes agree
 * on its owner. A few entries lost around the merge (seen once in several runs: the node that keeps the log has not
 * re-learnt the other side's bus consumers yet) are reported, not failed on: a limit stated in docs/cluster.md.
 */
class ClusterSplitTest {
    private static final int FAILOVER_SECONDS = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Path dir = Path.of("target", "cluster-split-test");
    private Vertx vertx;
    private HubProcess[] nodes = new HubProcess[0];
    private long paused = -1;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Files.createDirectories(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (paused > 0) {
            signal("CONT", paused);
        }
        for (HubProcess node : nodes) {
            node.kill();
        }
        await(vertx.close());
    }

    @Test
    void aPausedOwnerLosesItsLogWithoutAGapAndTheHalvesMerge() throws Exception {
        SimulatedCtLog log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withSeed(31).withInitialSize(10).withEntriesPerSecond(15).withBatchCap(32)));
        JsonObject[] configs = HubCluster.configs(List.of(log.url()), FAILOVER_SECONDS, new JsonObject());
        nodes = HubCluster.startAll(dir, Arrays.copyOf(configs, 2), "run1");
        HubCluster.awaitOwners(nodes[0], 2, 1);
        String ownerName = HubCluster.owners(nodes[0]).get(log.url());
        HubProcess owner = nodes[Integer.parseInt(ownerName.substring(1)) - 1];
        HubProcess other = owner == nodes[0] ? nodes[1] : nodes[0];
        StreamRecorder client = await(StreamRecorder.connect(vertx, other.port(), "/"));
        // And one on the node to be paused: after the merge one of the two gets the log from the other node.
        StreamRecorder onPaused = await(StreamRecorder.connect(vertx, owner.port(), "/"));
        client.await(m -> indexes(m, log.url()).size() >= 20, WAIT);
        onPaused.await(m -> indexes(m, log.url()).size() >= 20, WAIT);

        paused = owner.process().pid();
        signal("STOP", paused);
        Async.waitFor(Duration.ofSeconds(FAILOVER_SECONDS + 5), "the other node did not take the log over", () -> {
            JsonObject cluster = HubCluster.clusterOf(other);
            return cluster != null && cluster.getJsonArray("members").size() == 1
                    && !ownerName.equals(HubCluster.owners(other).get(log.url()));
        });
        long sizeInSplit = log.size();
        client.await(m -> lastIndex(m, log.url()) >= sizeInSplit + 20, WAIT);
        TreeSet<Long> throughSplit = indexes(client.messages(), log.url());
        assertEquals(List.of(), HubCluster.gaps(throughSplit), "the client of the node that stayed up, through the split:"
                + " indexes missing just before these (seen " + throughSplit.first() + ".." + throughSplit.last() + ")");

        signal("CONT", paused);
        paused = -1;
        // Merged: both see two members and agree on one owner.
        HubCluster.awaitOwners(other, 2, 1);
        HubCluster.awaitOwners(owner, 2, 1);
        long target = log.size() + 30;
        for (StreamRecorder c : List.of(client, onPaused)) {
            String which = c == client ? "the client of the node that stayed up" : "the client of the paused node";
            c.await(m -> lastIndex(m, log.url()) >= target, WAIT);
            TreeSet<Long> seen = indexes(c.messages(), log.url());
            List<Long> gaps = HubCluster.gaps(seen);
            if (!gaps.isEmpty()) {
                System.err.println("ClusterSplitTest: " + which + " missed indexes just before " + gaps + " around the"
                        + " merge (seen " + seen.first() + ".." + seen.last() + "; known limit, docs/cluster.md)");
            }
        }
        assertEquals(HubCluster.owners(other), HubCluster.owners(owner), "both halves agree on the owner after the merge");
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}
