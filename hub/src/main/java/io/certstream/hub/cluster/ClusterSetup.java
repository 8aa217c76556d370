package io.certstream.hub.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.FileSystemYamlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.HubConfig.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The Hazelcast configuration of a cluster node: Vert.x's own defaults (its maps for the event bus), TCP-IP join on
 * {@code cluster.host:cluster.port} with the listed members (no multicast, no auto-detection: a node never joins a
 * cluster nobody configured), and failure detection tuned so that a dead member is removed well within
 * {@code cluster.failoverSeconds}. With {@code cluster.configFile} Hazelcast's own file is used instead, for what
 * the keys here do not cover (Kubernetes discovery, TLS between members); the timing properties are added unless
 * the file sets them.
 */
public final class ClusterSetup {
    private static final Logger LOG = Logger.getLogger(ClusterSetup.class.getName());
    /** Hazelcast member attribute carrying {@code cluster.nodeName}, read by every node for /stats and /health. */
    static final String NODE_NAME_ATTRIBUTE = "certstream.node";
    /** Cluster name: members of another Hazelcast cluster (another application) are never joined. */
    static final String CLUSTER_NAME = "certstream";

    private ClusterSetup() {
    }

    /**
     * Joins (or forms) the cluster: Vert.x clustered with Hazelcast. Fails with a {@link ConfigException} naming
     * the keys to check when the node cannot join (e.g. {@code cluster.port} in use).
     */
    public static Future<Vertx> startVertx(VertxBuilder builder, VertxOptions options, ClusterConfig cluster) {
        Config hazelcast;
        try {
            hazelcast = hazelcastConfig(cluster);
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        LOG.info(() -> "Cluster: starting node " + cluster.name() + " on " + cluster.host() + ":" + cluster.port()
                + ", members " + cluster.members());
        // The clustered event bus listens on a free port of the same interface; its address travels in Hazelcast.
        options.getEventBusOptions().setHost(cluster.host().equals("0.0.0.0") ? null : cluster.host()).setPort(0);
        return builder.with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
                .recover(e -> Future.failedFuture(new ConfigException("cannot join the cluster as " + cluster.name()
                        + " on " + cluster.host() + ":" + cluster.port() + ": " + rootMessage(e)
                        + " (is cluster.port in use by another program or node? is cluster.host an address of this machine?)")));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    public static Config hazelcastConfig(ClusterConfig cluster) {
        Config config = cluster.configFile().isEmpty() ? tcpIp(cluster) : fromFile(cluster.configFile());
        config.getMemberAttributeConfig().setAttribute(NODE_NAME_ATTRIBUTE, cluster.name());
        // A member silent for this long is removed; its logs then move. The rest of failoverSeconds is for the new
        // owner to read the shared position and start its watcher.
        int noHeartbeat = Math.max(3, cluster.failoverSeconds() / 2);
        setUnlessSet(config, "hazelcast.heartbeat.interval.seconds", "1");
        setUnlessSet(config, "hazelcast.max.no.heartbeat.seconds", Integer.toString(noHeartbeat));
        // After a network split heals, the two sides look for each other and merge this soon (default: minutes).
        setUnlessSet(config, "hazelcast.merge.first.run.delay.seconds", "5");
        setUnlessSet(config, "hazelcast.merge.next.run.delay.seconds", "5");
        setUnlessSet(config, "hazelcast.wait.seconds.before.join", "1");
        setUnlessSet(config, "hazelcast.logging.type", "jdk");
        setUnlessSet(config, "hazelcast.phone.home.enabled", "false");
        // The hub's own shutdown hook closes Vert.x, which leaves the cluster; Hazelcast's hook would race it.
        setUnlessSet(config, "hazelcast.shutdownhook.enabled", "false");
        return config;
    }

    private static Config tcpIp(ClusterConfig cluster) {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(CLUSTER_NAME);
        NetworkConfig network = config.getNetworkConfig();
        // A port in use is an error, not a silent move to the next port (which other members would not know).
        network.setPort(cluster.port()).setPortAutoIncrement(false);
        if (!cluster.host().equals("0.0.0.0")) {
            network.getInterfaces().setEnabled(true).addInterface(cluster.host());
            network.setPublicAddress(cluster.host() + ":" + cluster.port());
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members()).setConnectionTimeoutSeconds(3);
        return config;
    }

    private static Config fromFile(String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("cluster.configFile: " + file + ": no such file (a Hazelcast XML or YAML configuration)");
        }
        try {
            return file.endsWith(".yaml") || file.endsWith(".yml") ? new FileSystemYamlConfig(path.toFile())
                    : new FileSystemXmlConfig(path.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cluster.configFile: " + file + " is not a valid Hazelcast configuration: " + e.getMessage());
        }
    }

    private static void setUnlessSet(Config config, String property, String value) {
        if (config.getProperty(property) == null) {
            config.setProperty(property, value);
        }
    }
}
