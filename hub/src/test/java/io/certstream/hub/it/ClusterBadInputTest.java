package io.certstream.hub.it;

import io.certstream.hub.testing.HubCluster;
import io.certstream.hub.testing.HubProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster faults a user makes: a node never starts half-configured, it stops with a message and status 2. */
class ClusterBadInputTest {
    @TempDir
    Path dir;

    @Test
    void aClusterPortInUseStopsTheNodeWithStatus2() throws Exception {
        JsonObject[] configs = HubCluster.configs(List.of(), 8, new JsonObject());
        int port = configs[0].getJsonObject("cluster").getInteger("port");
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            HubProcess.Exit exit = HubProcess.runUntilExit(dir, configs[0], "port-in-use");
            assertEquals(2, exit.status(), exit.output());
            assertTrue(exit.output().contains("certstream-hub: configuration error: cannot join the cluster as n1 on 127.0.0.1:"
                    + port), exit.output());
            assertTrue(exit.output().contains("is cluster.port in use"), exit.output());
        }
    }

    @Test
    void aSecondNodeWithTheSameNameStopsWithStatus2() throws Exception {
        JsonObject[] configs = HubCluster.configs(List.of(), 8, new JsonObject());
        HubProcess first = HubCluster.start(dir, configs, 0, "first");
        try {
            configs[1].getJsonObject("cluster").put("nodeName", "n1");
            HubProcess.Exit exit = HubProcess.runUntilExit(dir.resolve("second"), configs[1], "same-name");
            assertEquals(2, exit.status(), exit.output());
            assertTrue(exit.output().contains("certstream-hub: configuration error: cluster.nodeName \"n1\" is already used by the member at"),
                    exit.output());
            assertFalse(exit.output().contains("CertStream hub is up"), exit.output());
            // The first node is unharmed and alone again.
            HubCluster.awaitOwners(first, 1, 0);
        } finally {
            first.kill();
        }
    }
}
