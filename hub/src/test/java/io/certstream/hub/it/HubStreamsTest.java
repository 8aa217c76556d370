package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Fingerprints;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.UpdateType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a simulated RFC 6962 log, discovered through its log list, followed by the hub, whose three
 * websocket streams are read by real websocket clients and checked field by field against what the log issued.
 */
class HubStreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int INITIAL = 5;
    private static final int ISSUED = 40;

    private Vertx vertx;
    private SimulatedCtLog log;
    private RunningHub hub;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(INITIAL).withEntriesPerSecond(0).withBatchCap(16).withPrecertRatio(0.5).withSeed(42)));
        hub = await(RunningHub.start(vertx, new JsonObject()
                .put("server", new JsonObject().put("heartbeatSeconds", 1))
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                .put("watcher", new JsonObject().put("start", "head"))));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void everyStreamCarriesWhatTheSimulatedLogIssued() throws Exception {
        awaitWatcherAt(INITIAL);
        StreamRecorder lite = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        StreamRecorder full = await(StreamRecorder.connect(vertx, hub.port(), "/full-stream"));
        StreamRecorder domains = await(StreamRecorder.connect(vertx, hub.port(), "/domains-only"));
        long before = System.currentTimeMillis();

        await(log.append(ISSUED));

        full.await(m -> count(m, "certificate_update") >= ISSUED, WAIT);
        lite.await(m -> count(m, "certificate_update") >= ISSUED, WAIT);
        domains.await(m -> count(m, "dns_entries") >= ISSUED, WAIT);
        long after = System.currentTimeMillis();

        List<JsonObject> fullUpdates = full.messages("certificate_update");
        List<JsonObject> liteUpdates = lite.messages("certificate_update");
        List<JsonObject> domainLists = domains.messages("dns_entries");
        assertEquals(ISSUED, fullUpdates.size());
        assertEquals(ISSUED, liteUpdates.size());
        assertEquals(ISSUED, domainLists.size());
        boolean sawPrecert = false;
        boolean sawX509 = false;
        for (int i = 0; i < ISSUED; i++) {
            IssuedEntry issued = log.entry(INITIAL + i);
            JsonObject data = fullUpdates.get(i).getJsonObject("data");
            checkFullUpdate(data, issued, before, after);
            sawPrecert |= issued.type() == UpdateType.PrecertLogEntry;
            sawX509 |= issued.type() == UpdateType.X509LogEntry;

            JsonObject liteData = liteUpdates.get(i).getJsonObject("data");
            assertEquals(issued.index(), liteData.getLong("cert_index"));
            assertEquals(data.getJsonObject("leaf_cert").getJsonArray("all_domains"),
                    liteData.getJsonObject("leaf_cert").getJsonArray("all_domains"));
            assertFalse(liteData.getJsonObject("leaf_cert").containsKey("as_der"), "lite has no as_der");
            assertFalse(liteData.containsKey("chain"), "lite has no chain");

            assertEquals(new JsonArray(issued.domains()), domainLists.get(i).getJsonArray("data"));
        }
        assertTrue(sawPrecert && sawX509, "the simulated log issued both kinds of entry");
        await(full.close());
    }

    @Test
    void httpResourcesShowRecentCertificatesAndStats() throws Exception {
        awaitWatcherAt(INITIAL);
        StreamRecorder lite = await(StreamRecorder.connect(vertx, hub.port(), "/"));
        await(log.append(3));
        lite.await(m -> count(m, "certificate_update") >= 3, WAIT);
        WebClient http = WebClient.create(vertx);

        JsonObject example = await(http.get(hub.port(), "127.0.0.1", "/example.json").send()).bodyAsJsonObject();
        assertEquals("certificate_update", example.getString("message_type"));
        assertEquals(INITIAL + 2, example.getJsonObject("data").getLong("cert_index"), "the newest certificate");
        assertFalse(example.getJsonObject("data").getJsonObject("leaf_cert").containsKey("as_der"));

        JsonObject fullExample = await(http.get(hub.port(), "127.0.0.1", "/full-stream/example.json").send()).bodyAsJsonObject();
        assertNotNull(fullExample.getJsonObject("data").getJsonObject("leaf_cert").getString("as_der"));
        JsonObject domainsExample = await(http.get(hub.port(), "127.0.0.1", "/domains-only/example.json").send()).bodyAsJsonObject();
        assertEquals("dns_entries", domainsExample.getString("message_type"));

        JsonArray latest = await(http.get(hub.port(), "127.0.0.1", "/latest.json").send()).bodyAsJsonObject()
                .getJsonArray("messages");
        assertEquals(List.of((long) INITIAL + 2, (long) INITIAL + 1, (long) INITIAL),
                latest.stream().map(m -> ((JsonObject) m).getJsonObject("data").getLong("cert_index")).toList());

        JsonObject stats = await(http.get(hub.port(), "127.0.0.1", "/stats").send()).bodyAsJsonObject();
        JsonObject logStats = stats.getJsonArray("logs").getJsonObject(0);
        assertEquals(log.url(), logStats.getString("url"));
        assertEquals(INITIAL + 3, logStats.getLong("next_index"));
        assertEquals(0, logStats.getLong("lag"));
        assertEquals(3, stats.getLong("certificates"));
        assertEquals(1, stats.getJsonObject("endpoints").getJsonObject("lite").getLong("clients"));

        var missing = await(http.get(hub.port(), "127.0.0.1", "/nope").send());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.bodyAsJsonObject().getString("error").contains("/nope"));

        var page = await(http.get(hub.port(), "127.0.0.1", "/").send());
        assertEquals(200, page.statusCode());
        assertTrue(page.bodyAsString().contains("/full-stream"), "a browser at / learns how to connect");
    }

    @Test
    void clientsThatNeverPingGetHeartbeats() throws Exception {
        StreamRecorder domains = await(StreamRecorder.connect(vertx, hub.port(), "/domains-only"));
        List<JsonObject> messages = domains.await(m -> count(m, "heartbeat") >= 2, Duration.ofSeconds(10));
        JsonObject heartbeat = messages.stream().filter(m -> "heartbeat".equals(m.getString("message_type"))).findFirst().orElseThrow();
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(heartbeat.getLong("timestamp") - now) < 10, heartbeat.encode());
    }

    private void checkFullUpdate(JsonObject data, IssuedEntry issued, long before, long after) throws Exception {
        String where = "entry " + issued.index();
        assertEquals(issued.index(), data.getLong("cert_index"), where);
        assertEquals(issued.type().name(), data.getString("update_type"), where);
        assertEquals(log.url() + "/ct/v1/get-entries?start=" + issued.index() + "&end=" + issued.index(),
                data.getString("cert_link"), where);
        double seen = data.getDouble("seen");
        assertTrue(seen * 1000 >= before - 1000 && seen * 1000 <= after + 1000, where + ": seen " + seen);
        assertEquals(log.url(), data.getJsonObject("source").getString("url"), where);
        assertEquals(SimulatedLogOptions.defaults().description(), data.getJsonObject("source").getString("name"), where);

        JsonObject leaf = data.getJsonObject("leaf_cert");
        checkCertificate(leaf, issued.leafDer(), where + " leaf");
        assertEquals(new JsonArray(issued.domains()), leaf.getJsonArray("all_domains"), where);
        assertEquals(issued.type() == UpdateType.PrecertLogEntry,
                Boolean.TRUE.equals(leaf.getJsonObject("extensions").getValue("ctlPoisonByte")), where + ": ctlPoisonByte");
        assertNotNull(leaf.getJsonObject("extensions").getString("subjectAltName"), where);

        JsonArray chain = data.getJsonArray("chain");
        assertEquals(issued.chainDer().size(), chain.size(), where + ": chain length");
        for (int c = 0; c < chain.size(); c++) {
            checkCertificate(chain.getJsonObject(c), issued.chainDer().get(c), where + " chain[" + c + "]");
        }
        X509Certificate issuer = x509(issued.chainDer().get(0));
        assertEquals(chain.getJsonObject(0).getJsonObject("subject").getString("aggregated"),
                leaf.getJsonObject("issuer").getString("aggregated"), where + ": leaf issuer is chain[0]'s subject");
        assertTrue(issuer.getSubjectX500Principal().getName().contains("CN=" + leaf.getJsonObject("issuer").getString("CN")),
                where + ": issuer CN");
    }

    private static void checkCertificate(JsonObject cert, byte[] der, String where) throws Exception {
        X509Certificate x509 = x509(der);
        assertEquals(Base64.getEncoder().encodeToString(der), cert.getString("as_der"), where);
        assertEquals(Fingerprints.colonHex("SHA-256", der), cert.getString("sha256"), where);
        assertEquals(Fingerprints.colonHex("SHA-1", der), cert.getString("sha1"), where);
        assertEquals(cert.getString("sha1"), cert.getString("fingerprint"), where);
        assertEquals(x509.getSerialNumber(), new BigInteger(cert.getString("serial_number"), 16), where);
        assertEquals(cert.getString("serial_number").toUpperCase(), cert.getString("serial_number"), where);
        assertEquals(x509.getNotBefore().getTime() / 1000, cert.getLong("not_before"), where);
        assertEquals(x509.getNotAfter().getTime() / 1000, cert.getLong("not_after"), where);
        assertEquals(x509.getBasicConstraints() >= 0, cert.getBoolean("is_ca"), where);
        for (String key : List.of("C", "ST", "L", "O", "OU", "CN", "email_address", "aggregated")) {
            assertTrue(cert.getJsonObject("subject").containsKey(key), where + ": subject." + key);
            assertTrue(cert.getJsonObject("issuer").containsKey(key), where + ": issuer." + key);
        }
        // certstream-server-go spells RSA "sha256, rsa" but ECDSA "ecdsa, sha256"; the JDK reads the OID independently.
        String expectedAlgorithm = switch (x509.getSigAlgName()) {
            case "SHA256withRSA" -> "sha256, rsa";
            case "SHA384withRSA" -> "sha384, rsa";
            case "SHA256withECDSA" -> "ecdsa, sha256";
            case "SHA384withECDSA" -> "ecdsa, sha384";
            default -> throw new AssertionError(where + ": the simulator does not issue " + x509.getSigAlgName());
        };
        assertEquals(expectedAlgorithm, cert.getString("signature_algorithm"), where);
        assertNull(cert.getValue("unexpected"));
    }

    private static X509Certificate x509(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private void awaitWatcherAt(long index) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hub.metrics().logs().isEmpty() || hub.metrics().logs().values().iterator().next().nextIndex() != index) {
            assertTrue(System.nanoTime() < deadline, "watcher did not reach index " + index);
            Thread.sleep(20);
        }
    }

    private static long count(List<JsonObject> messages, String type) {
        return messages.stream().filter(m -> type.equals(m.getString("message_type"))).count();
    }

    static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
