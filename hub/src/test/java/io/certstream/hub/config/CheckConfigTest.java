package io.certstream.hub.config;

import io.certstream.hub.testing.HubProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --check-config} as a deployment script runs it, and the access keys' validation. */
class CheckConfigTest {
    private static final String SECRET = "very-secret-token-123";
    @TempDir
    Path dir;

    @Test
    void validConfigIsPrintedWithSecretsMaskedAndExits0() throws Exception {
        HubProcess.Exit exit = HubProcess.runUntilExit(dir, new JsonObject()
                .put("server", new JsonObject().put("port", 18080).put("maxConnectionsPerIp", 7)
                        .put("tokens", new JsonArray().add(SECRET).add(new JsonObject().put("name", "feed").put("token", SECRET + "2"))))
                .put("logList", new JsonObject().put("include", new JsonArray().add("*Argon*")))
                .put("plugins", new JsonArray().add(new JsonObject().put("type", "slack").put("name", "alerts")
                        .put("webhookUrl", "https://hooks.example/" + SECRET))), "check", "--check-config");
        assertEquals(0, exit.status(), exit.output());
        assertFalse(exit.output().contains(SECRET), exit.output());
        assertTrue(exit.output().contains("configuration OK"), exit.output());
        String json = exit.output().substring(exit.output().indexOf('{'), exit.output().lastIndexOf('}') + 1);
        JsonObject effective = new JsonObject(json);
        assertEquals(18080, effective.getJsonObject("server").getInteger("port"));
        assertEquals(7, effective.getJsonObject("server").getInteger("maxConnectionsPerIp"));
        assertEquals(10000, effective.getJsonObject("server").getInteger("maxConnections"), "defaults are shown too");
        assertEquals(new JsonArray().add("***").add(new JsonObject().put("name", "feed").put("token", "***")),
                effective.getJsonObject("server").getJsonArray("tokens"));
        assertEquals("alerts", effective.getJsonArray("plugins").getJsonObject(0).getString("name"));
        assertFalse(exit.output().contains("Watching"), "nothing started: " + exit.output());
    }

    @Test
    void invalidConfigExits2NamingTheKey() throws Exception {
        HubProcess.Exit exit = HubProcess.runUntilExit(dir, new JsonObject()
                .put("server", new JsonObject().put("allowedIps", new JsonArray().add("10.0.0.0/33"))), "check-bad", "--check-config");
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains("server.allowedIps") && exit.output().contains("10.0.0.0/33"), exit.output());
    }

    @Test
    void aBadTlsFileStopsTheHubAtStartUpNamingIt() throws Exception {
        Path cert = dir.resolve("cert.pem");
        java.nio.file.Files.writeString(cert, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
        HubProcess.Exit exit = HubProcess.runUntilExit(dir, new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("port", 0)
                        .put("tls", new JsonObject().put("certFile", cert.toString()).put("keyFile", dir.resolve("key.pem").toString())))
                .put("logList", new JsonObject().put("enabled", false))
                .put("stateDir", dir.resolve("state").toString()), "bad-tls");
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains("certstream-hub: configuration error: server.tls.certFile: " + cert), exit.output());
    }

    @Test
    void tokensFromAnEnvironmentVariable() {
        HubConfig config = ConfigLoader.load(null, Map.of("HUB_TOKENS", "abc-1, def-2"),
                new JsonObject().put("server", new JsonObject().put("tokensEnv", "HUB_TOKENS")), "test");
        assertEquals(2, config.server().access().tokens().size());
        assertEquals("def-2", config.server().access().tokens().get(1).secret());
        assertFalse(config.server().access().toString().contains("abc-1"));

        ConfigException unset = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
                new JsonObject().put("server", new JsonObject().put("tokensEnv", "HUB_TOKENS")), "test"));
        assertTrue(unset.getMessage().contains("server.tokensEnv") && unset.getMessage().contains("HUB_TOKENS"), unset.getMessage());

        ConfigException badStream = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
                new JsonObject().put("server", new JsonObject().put("tokens", new JsonArray().add(new JsonObject()
                        .put("token", SECRET).put("streams", new JsonArray().add("everything"))))), "test"));
        assertTrue(badStream.getMessage().contains("server.tokens[0].streams"), badStream.getMessage());
        assertFalse(badStream.getMessage().contains(SECRET), badStream.getMessage());

        ConfigException spaced = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
                new JsonObject().put("server", new JsonObject().put("tokens", new JsonArray().add("has space " + SECRET))), "test"));
        assertFalse(spaced.getMessage().contains(SECRET), spaced.getMessage());
    }

    @Test
    void selectionPatternsAreGlobsOrSlashedRegexes() {
        HubConfig config = ConfigLoader.load(null, Map.of(), new JsonObject().put("logList", new JsonObject()
                .put("include", new JsonArray().add("Google*").add("/argon20(25|26)/"))
                .put("exclude", new JsonArray().add("*2025h1*"))), "test");
        LogSelection selection = config.logList().selection();
        assertTrue(selection.selects("Google 'Argon2026h1'", "Google", "https://ct.googleapis.com/logs/us1/argon2026h1"));
        assertTrue(selection.selects("Some log", "Other", "https://ct.example/argon2025h2/"), "regex found in the URL");
        assertFalse(selection.selects("Google 'Xenon2025h1'", "Google", "https://x"), "excluded");
        assertFalse(selection.selects("Cloudflare 'Nimbus2026'", "Cloudflare", "https://ct.cloudflare.com/logs/nimbus2026"));
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
                new JsonObject().put("logList", new JsonObject().put("exclude", new JsonArray().add("/(/"))), "test"));
        assertTrue(bad.getMessage().contains("logList.exclude"), bad.getMessage());
    }
}
