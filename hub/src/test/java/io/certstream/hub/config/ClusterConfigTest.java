package io.certstream.hub.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "cluster" section: defaults from config/hub.json, environment variables, and errors that name the key. */
class ClusterConfigTest {
    private static HubConfig load(JsonObject overrides, Map<String, String> env) {
        return ConfigLoader.load(null, env, overrides, "the test");
    }

    @Test
    void offByDefault() {
        HubConfig.ClusterConfig cluster = load(new JsonObject(), Map.of()).cluster();
        assertFalse(cluster.enabled());
        assertEquals(5701, cluster.port());
        assertEquals(15, cluster.failoverSeconds());
        assertEquals(List.of(), cluster.members());
        assertEquals("127.0.0.1:5701", cluster.name(), "no nodeName: host:port");
    }

    @Test
    void everyKeyFromTheEnvironment() {
        HubConfig.ClusterConfig cluster = load(new JsonObject(), Map.of(
                "CERTSTREAM_CLUSTER_ENABLED", "true",
                "CERTSTREAM_CLUSTER_NODENAME", "n2",
                "CERTSTREAM_CLUSTER_HOST", "10.0.0.6",
                "CERTSTREAM_CLUSTER_PORT", "5801",
                "CERTSTREAM_CLUSTER_MEMBERS", "10.0.0.5:5801, 10.0.0.6:5801",
                "CERTSTREAM_CLUSTER_FAILOVERSECONDS", "20")).cluster();
        assertTrue(cluster.enabled());
        assertEquals("n2", cluster.name());
        assertEquals("10.0.0.6", cluster.host());
        assertEquals(5801, cluster.port());
        assertEquals(List.of("10.0.0.5:5801", "10.0.0.6:5801"), cluster.members());
        assertEquals(20, cluster.failoverSeconds());
    }

    @Test
    void badMembersAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(new JsonObject().put("cluster", new JsonObject()
                .put("enabled", true).put("members", new JsonArray().add("10.0.0.5"))), Map.of()));
        assertTrue(e.getMessage().contains("cluster.members") && e.getMessage().contains("\"10.0.0.5\""), e.getMessage());
    }

    @Test
    void enabledWithoutMembersOrFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(new JsonObject().put("cluster",
                new JsonObject().put("enabled", true)), Map.of()));
        assertTrue(e.getMessage().contains("cluster.members"), e.getMessage());
    }

    @Test
    void unknownClusterKeyAndTooShortFailover() {
        assertThrows(ConfigException.class, () -> load(new JsonObject().put("cluster", new JsonObject().put("multicast", true)), Map.of()));
        ConfigException e = assertThrows(ConfigException.class, () -> load(new JsonObject().put("cluster",
                new JsonObject().put("failoverSeconds", 1)), Map.of()));
        assertTrue(e.getMessage().contains("cluster.failoverSeconds"), e.getMessage());
    }
}
