package io.certstream.hub;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.logging.Logger;

/**
 * The three-node demo cluster on one machine ({@code --demo-log}, then {@code --demo --cluster-node 1..3}): one
 * process serves the simulated logs on fixed ports, so every node follows the same logs, and node N gets its own
 * ports, name and state directory.
 */
final class DemoCluster {
    static final int LOG_PORT = 8090;
    static final int TILED_LOG_PORT = 8091;

    private DemoCluster() {
    }

    /** The simulated logs alone, until the process is stopped. */
    static void runLogs() {
        Vertx vertx = Vertx.vertx();
        Future<SimulatedCtLog> tiled = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withSeed(2).withDescription("CertStream simulated tiled log"), TILED_LOG_PORT);
        tiled.compose(t -> SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults(), LOG_PORT))
                .onSuccess(log -> {
                    log.listAsTiled(tiled.result());
                    Logger.getLogger(DemoCluster.class.getName()).info(() -> "Demo logs for a cluster: " + log.url()
                            + " (RFC 6962) and " + tiled.result().tiledUrl() + " (tiled), listed at " + log.logListUrl()
                            + ". Now start the nodes: ./certstream-hub --demo --cluster-node 1 (and 2, 3)");
                })
                .onFailure(e -> {
                    System.err.println("certstream-hub: cannot start the demo logs on ports " + LOG_PORT + " and "
                            + TILED_LOG_PORT + ": " + e.getMessage() + " (is another --demo-log running?)");
                    System.exit(2);
                });
    }

    /** The configuration of demo node {@code n} (1..3), on top of the user's. */
    static JsonObject node(int n) {
        JsonArray members = new JsonArray();
        for (int i = 1; i <= 3; i++) {
            members.add("127.0.0.1:" + (5700 + i));
        }
        return new JsonObject()
                .put("server", new JsonObject().put("port", 8080 + n))
                .put("logList", new JsonObject().put("enabled", true)
                        .put("url", "http://127.0.0.1:" + LOG_PORT + "/log_list.json"))
                .put("watcher", new JsonObject().put("start", 0).put("pollSeconds", 1))
                .put("stateDir", "state/node-" + n)
                .put("cluster", new JsonObject().put("enabled", true).put("nodeName", "node" + n)
                        .put("host", "127.0.0.1").put("port", 5700 + n).put("members", members));
    }
}
