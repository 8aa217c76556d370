package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Fingerprints;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.testing.RawWebSocket;
import io.certstream.model.UpdateType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(HubOnSimulatedLog.growingOnDemand(INITIAL).withSeed(42))
            .awaitHead(false);

    @Test
    void everyStreamCarriesWhatTheSimulatedLogIssued() throws Exception {
        fixture.awaitWatcherAt(INITIAL);
        StreamRecorder lite = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/"));
        StreamRecorder full = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/full-stream"));
        StreamRecorder domains = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/domains-only"));
        long before = System.currentTimeMillis();

        await(fixture.log().append(ISSUED));

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
        boolean sawIpSan = false;
        boolean sawIdn = false;
        boolean sawOrganization = false;
        for (int i = 0; i < ISSUED; i++) {
            IssuedEntry issued = fixture.log().entry(INITIAL + i);
            JsonObject data = fullUpdates.get(i).getJsonObject("data");
            checkFullUpdate(data, issued, before, after);
            sawPrecert |= issued.type() == UpdateType.PrecertLogEntry;
            sawX509 |= issued.type() == UpdateType.X509LogEntry;

            JsonObject liteData = liteUpdates.get(i).getJsonObject("data");
            checkLiteUpdate(liteData, issued, before, after);
            X509Certificate leafX509 = x509(issued.leafDer());
            sawIpSan |= !sanValues(leafX509, 7).isEmpty();
            sawIdn |= sanValues(leafX509, 2).stream().anyMatch(n -> n.contains("xn--"));
            sawOrganization |= liteData.getJsonObject("leaf_cert").getJsonObject("subject").getString("O") != null;

            assertEquals(new JsonArray(issued.domains()), domainLists.get(i).getJsonArray("data"));
        }
        assertTrue(sawPrecert && sawX509, "the simulated log issued both kinds of entry");
        // Without these the name and SAN checks above would only have seen the easy cases.
        assertTrue(sawIpSan, "the simulated log issued a certificate with IP SANs");
        assertTrue(sawIdn, "the simulated log issued a certificate with an xn-- name");
        assertTrue(sawOrganization, "the simulated log issued a certificate with an organization in its subject");
        await(full.close());
    }

    @Test
    void httpResourcesShowRecentCertificatesAndStats() throws Exception {
        fixture.awaitWatcherAt(INITIAL);
        StreamRecorder lite = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/"));
        await(fixture.log().append(3));
        lite.await(m -> count(m, "certificate_update") >= 3, WAIT);
        WebClient http = WebClient.create(fixture.vertx());

        JsonObject example = await(http.get(fixture.port(), "127.0.0.1", "/example.json").send()).bodyAsJsonObject();
        assertEquals("certificate_update", example.getString("message_type"));
        assertEquals(INITIAL + 2, example.getJsonObject("data").getLong("cert_index"), "the newest certificate");
        assertFalse(example.getJsonObject("data").getJsonObject("leaf_cert").containsKey("as_der"));

        JsonObject fullExample = await(http.get(fixture.port(), "127.0.0.1", "/full-stream/example.json").send()).bodyAsJsonObject();
        assertNotNull(fullExample.getJsonObject("data").getJsonObject("leaf_cert").getString("as_der"));
        JsonObject domainsExample = await(http.get(fixture.port(), "127.0.0.1", "/domains-only/example.json").send()).bodyAsJsonObject();
        assertEquals("dns_entries", domainsExample.getString("message_type"));

        JsonArray latest = await(http.get(fixture.port(), "127.0.0.1", "/latest.json").send()).bodyAsJsonObject()
                .getJsonArray("messages");
        assertEquals(List.of((long) INITIAL + 2, (long) INITIAL + 1, (long) INITIAL),
                latest.stream().map(m -> ((JsonObject) m).getJsonObject("data").getLong("cert_index")).toList());

        JsonObject stats = await(http.get(fixture.port(), "127.0.0.1", "/stats").send()).bodyAsJsonObject();
        JsonObject logStats = stats.getJsonArray("logs").getJsonObject(0);
        assertEquals(fixture.log().url(), logStats.getString("url"));
        assertEquals(INITIAL + 3, logStats.getLong("next_index"));
        assertEquals(0, logStats.getLong("lag"));
        assertEquals(3, stats.getLong("certificates"));
        assertEquals(1, stats.getJsonObject("endpoints").getJsonObject("lite").getLong("clients"));

        var missing = await(http.get(fixture.port(), "127.0.0.1", "/nope").send());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.bodyAsJsonObject().getString("error").contains("/nope"));

        var page = await(http.get(fixture.port(), "127.0.0.1", "/").send());
        assertEquals(200, page.statusCode());
        assertTrue(page.bodyAsString().contains("/full-stream"), "a browser at / learns how to connect");
    }

    @Test
    void clientsThatNeverPingGetHeartbeats() throws Exception {
        StreamRecorder domains = await(StreamRecorder.connect(fixture.vertx(), fixture.port(), "/domains-only"));
        List<JsonObject> messages = domains.await(m -> count(m, "heartbeat") >= 2, Duration.ofSeconds(10));
        JsonObject heartbeat = messages.stream().filter(m -> "heartbeat".equals(m.getString("message_type"))).findFirst().orElseThrow();
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(heartbeat.getLong("timestamp") - now) < 10, heartbeat.encode());
    }

    @Test
    void answersAWebsocketPingWithAPong() throws Exception {
        byte[] payload = "are you there?".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket socket = RawWebSocket.connect(fixture.port(), "/domains-only", 0)) {
            socket.sendFrame(0x89, payload, true); // FIN + ping
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            RawWebSocket.Frame frame;
            do {
                assertTrue(System.nanoTime() < deadline, "no pong within 10 s");
                frame = socket.readFrame(); // heartbeats may come first
                assertTrue(frame.opcode() != 0x8, "the hub closed the connection instead: " + frame.closeCode());
            } while (frame.opcode() != 0xA);
            assertArrayEquals(payload, frame.payload(), "a pong carries the ping's payload (RFC 6455 5.5.3)");
        }
    }

    private void checkFullUpdate(JsonObject data, IssuedEntry issued, long before, long after) throws Exception {
        String where = "entry " + issued.index();
        JsonObject leaf = checkUpdate(data, issued, before, after, true, where);
        JsonArray chain = data.getJsonArray("chain");
        assertEquals(issued.chainDer().size(), chain.size(), where + ": chain length");
        for (int c = 0; c < chain.size(); c++) {
            checkCertificate(chain.getJsonObject(c), issued.chainDer().get(c), true, where + " chain[" + c + "]");
        }
        X509Certificate issuer = x509(issued.chainDer().get(0));
        assertEquals(chain.getJsonObject(0).getJsonObject("subject").getString("aggregated"),
                leaf.getJsonObject("issuer").getString("aggregated"), where + ": leaf issuer is chain[0]'s subject");
        assertTrue(issuer.getSubjectX500Principal().getName().contains("CN=" + leaf.getJsonObject("issuer").getString("CN")),
                where + ": issuer CN");
    }

    /** The lite stream: everything of the full stream but {@code as_der} and {@code chain}, checked against the issued DER. */
    private void checkLiteUpdate(JsonObject data, IssuedEntry issued, long before, long after) throws Exception {
        String where = "lite entry " + issued.index();
        JsonObject leaf = checkUpdate(data, issued, before, after, false, where);
        assertFalse(leaf.containsKey("as_der"), where + ": lite has no as_der");
        assertFalse(data.containsKey("chain"), where + ": lite has no chain");
    }

    /** What both streams carry: the update's header, its source and the leaf certificate; returns the leaf. */
    private JsonObject checkUpdate(JsonObject data, IssuedEntry issued, long before, long after, boolean withDer,
                                   String where) throws Exception {
        assertEquals(issued.index(), data.getLong("cert_index"), where);
        assertEquals(issued.type().name(), data.getString("update_type"), where);
        assertEquals(fixture.log().url() + "/ct/v1/get-entries?start=" + issued.index() + "&end=" + issued.index(),
                data.getString("cert_link"), where);
        double seen = data.getDouble("seen");
        assertTrue(seen * 1000 >= before - 1000 && seen * 1000 <= after + 1000, where + ": seen " + seen);
        assertEquals(fixture.log().url(), data.getJsonObject("source").getString("url"), where);
        assertEquals(SimulatedLogOptions.defaults().description(), data.getJsonObject("source").getString("name"), where);
        checkSourceTimestamp(data, issued, where);
        JsonObject leaf = data.getJsonObject("leaf_cert");
        checkCertificate(leaf, issued.leafDer(), withDer, where + " leaf");
        checkSubjectAltName(leaf, issued.leafDer(), where);
        assertEquals(new JsonArray(issued.domains()), leaf.getJsonArray("all_domains"), where);
        assertEquals(issued.type() == UpdateType.PrecertLogEntry,
                Boolean.TRUE.equals(leaf.getJsonObject("extensions").getValue("ctlPoisonByte")), where + ": ctlPoisonByte");
        return leaf;
    }

    /** {@code source.timestamp}: the entry's timestamp in the log (epoch seconds with millis), as the simulator recorded it. */
    private static void checkSourceTimestamp(JsonObject data, IssuedEntry issued, String where) {
        double timestamp = data.getJsonObject("source").getDouble("timestamp");
        assertEquals(issued.timestamp(), Math.round(timestamp * 1000), where + ": source.timestamp " + timestamp);
    }

    /** Every DNS SAN (IDN {@code xn--} names as they are) and every IP SAN, OpenSSL-style, as the JDK reads the DER. */
    private static void checkSubjectAltName(JsonObject leaf, byte[] der, String where) throws Exception {
        X509Certificate x509 = x509(der);
        String san = leaf.getJsonObject("extensions").getString("subjectAltName");
        assertNotNull(san, where + ": subjectAltName");
        List<String> parts = List.of(san.split(", "));
        for (String dns : sanValues(x509, 2)) {
            assertTrue(parts.contains("DNS:" + dns), where + ": subjectAltName " + san + " lacks DNS:" + dns);
        }
        // The JDK spells IPv6 in full (2001:db8:0:0:...), the hub in RFC 5952 form: compare the addresses themselves.
        List<InetAddress> expectedIps = new ArrayList<>();
        for (String ip : sanValues(x509, 7)) {
            expectedIps.add(InetAddress.getByName(ip));
        }
        List<InetAddress> ips = new ArrayList<>();
        for (String part : parts) {
            if (part.startsWith("IP Address:")) {
                ips.add(InetAddress.getByName(part.substring("IP Address:".length())));
            }
        }
        assertEquals(expectedIps, ips, where + ": IP SANs in " + san);
    }

    /** The JDK's values of one GeneralName type (2 dNSName, 7 iPAddress) of the certificate's SAN extension. */
    private static List<String> sanValues(X509Certificate x509, int type) throws Exception {
        List<String> values = new ArrayList<>();
        if (x509.getSubjectAlternativeNames() != null) {
            for (List<?> name : x509.getSubjectAlternativeNames()) {
                if ((Integer) name.get(0) == type) {
                    values.add((String) name.get(1));
                }
            }
        }
        return values;
    }

    /**
     * The subject or issuer as the JDK parses it (X500Principal, RFC 2253, read back RDN by RDN): each key's values in
     * certificate order joined with ",", the last CN, and {@code aggregated} in the anchors' fixed order.
     */
    private static void checkName(JsonObject name, X500Principal principal, String where) throws Exception {
        Map<String, List<String>> values = new LinkedHashMap<>();
        // RFC 2253 writes the RDNs last to first; LdapName numbers them from the right: the DER's order, the hub's.
        List<Rdn> rdns = new ArrayList<>(new LdapName(principal.getName(X500Principal.RFC2253)).getRdns());
        for (Rdn rdn : rdns) {
            var attributes = rdn.toAttributes().getAll();
            while (attributes.hasMore()) {
                var attribute = attributes.next();
                for (int v = 0; v < attribute.size(); v++) {
                    values.computeIfAbsent(attribute.getID().toUpperCase(), k -> new ArrayList<>()).add(attribute.get(v).toString());
                }
            }
        }
        StringBuilder aggregated = new StringBuilder();
        for (String key : List.of("C", "CN", "L", "O", "OU", "ST")) {
            List<String> expected = values.get(key);
            String value = expected == null ? null : key.equals("CN") ? expected.get(expected.size() - 1) : String.join(",", expected);
            assertEquals(value, name.getString(key), where + "." + key + " of " + principal);
            if (value != null) {
                aggregated.append('/').append(key).append('=').append(value);
            }
        }
        assertEquals(aggregated.toString(), name.getString("aggregated"), where + ".aggregated of " + principal);
        // The simulator puts no emailAddress in any name.
        assertNull(name.getValue("email_address"), where + ".email_address");
        assertTrue(name.containsKey("email_address"), where + ".email_address is there, null");
    }

    private static void checkCertificate(JsonObject cert, byte[] der, boolean withDer, String where) throws Exception {
        X509Certificate x509 = x509(der);
        if (withDer) {
            assertEquals(Base64.getEncoder().encodeToString(der), cert.getString("as_der"), where);
        }
        assertEquals(Fingerprints.colonHex("SHA-256", der), cert.getString("sha256"), where);
        assertEquals(Fingerprints.colonHex("SHA-1", der), cert.getString("sha1"), where);
        assertEquals(Fingerprints.colonHex("SHA-1", der), cert.getString("fingerprint"), where);
        assertEquals(x509.getSerialNumber(), new BigInteger(cert.getString("serial_number"), 16), where);
        assertEquals(cert.getString("serial_number").toUpperCase(), cert.getString("serial_number"), where);
        assertEquals(x509.getNotBefore().getTime() / 1000, cert.getLong("not_before"), where);
        assertEquals(x509.getNotAfter().getTime() / 1000, cert.getLong("not_after"), where);
        assertEquals(x509.getBasicConstraints() >= 0, cert.getBoolean("is_ca"), where);
        checkName(cert.getJsonObject("subject"), x509.getSubjectX500Principal(), where + ": subject");
        checkName(cert.getJsonObject("issuer"), x509.getIssuerX500Principal(), where + ": issuer");
        // certstream-server-go spells RSA "sha256, rsa" but ECDSA "ecdsa, sha256"; the JDK reads the OID independently.
        String expectedAlgorithm = switch (x509.getSigAlgName()) {
            case "SHA256withRSA" -> "sha256, rsa";
            case "SHA384withRSA" -> "sha384, rsa";
            case "SHA256withECDSA" -> "ecdsa, sha256";
            case "SHA384withECDSA" -> "ecdsa, sha384";
            default -> throw new AssertionError(where + ": the simulator does not issue " + x509.getSigAlgName());
        };
        assertEquals(expectedAlgorithm, cert.getString("signature_algorithm"), where);
    }

    private static X509Certificate x509(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static long count(List<JsonObject> messages, String type) {
        return messages.stream().filter(m -> type.equals(m.getString("message_type"))).count();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
