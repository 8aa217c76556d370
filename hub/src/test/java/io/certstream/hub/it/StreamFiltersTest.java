package io.certstream.hub.it;

import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.UpdateType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream query parameters end to end: a simulated log followed by a hub, real websocket clients with filters,
 * each compared with what the log issued (the expected set is computed here from the issued names, independently
 * of the hub's matching code), and every bad value refused with HTTP 400 before the upgrade.
 */
class StreamFiltersTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ISSUED = 300;

    private Vertx vertx;
    private SimulatedCtLog log;
    private RunningHub hub;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(64).withPrecertRatio(0.5).withSeed(7)));
        hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logs", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", log.url())
                        .put("name", "Sim Filters Log")))
                .put("watcher", new JsonObject().put("start", 0))));
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void eachFilterGetsExactlyTheCertificatesItAsksFor() throws Exception {
        StreamRecorder all = connect("/");
        StreamRecorder tlds = connect("/?domain=DE,fr&domain=co.uk.");
        // рф and 中国 in Unicode: the certificates carry them as xn--p1ai and xn--fiqs8s.
        StreamRecorder idn = connect("/?domain=" + enc("рф,中国"));
        StreamRecorder regex = connect("/domains-only?match=" + enc("^(www|api)\\.[a-z]+-1"));
        StreamRecorder precerts = connect("/full-stream?type=precert&log=" + enc("SIM filters"));
        StreamRecorder combined = connect("/?type=x509&domain=com&match=" + enc("^amber|^BIRCH"));
        StreamRecorder otherLog = connect("/?log=no-such-log");

        await(log.append(ISSUED));
        all.await(m -> updates(m) >= ISSUED, WAIT);

        List<IssuedEntry> issued = new ArrayList<>();
        for (int i = 0; i < ISSUED; i++) {
            issued.add(log.entry(i));
        }
        Pattern wwwApi = Pattern.compile("^(www|api)\\.[a-z]+-1", Pattern.CASE_INSENSITIVE);
        Pattern amberBirch = Pattern.compile("^amber|^birch", Pattern.CASE_INSENSITIVE);
        expect(tlds, issued, e -> under(e, "de", "fr", "co.uk"));
        expect(idn, issued, e -> under(e, "xn--p1ai", "xn--fiqs8s"));
        expect(regex, issued, e -> e.domains().stream().anyMatch(d -> wwwApi.matcher(d).find()));
        expect(precerts, issued, e -> e.type() == UpdateType.PrecertLogEntry);
        expect(combined, issued, e -> e.type() == UpdateType.X509LogEntry && under(e, "com")
                && e.domains().stream().anyMatch(d -> amberBirch.matcher(d).find()));
        assertEquals(0, updates(otherLog.messages()), "log=no-such-log matches no log");
        // The precert stream is the full one: its filtered clients get the full bytes.
        assertTrue(precerts.messages("certificate_update").get(0).getJsonObject("data").containsKey("chain"));
    }

    @Test
    void everyMessageCarriesAnOrderedCursor() throws Exception {
        StreamRecorder lite = connect("/");
        StreamRecorder full = connect("/full-stream");
        StreamRecorder domains = connect("/domains-only");
        await(log.append(50));
        lite.await(m -> updates(m) >= 50, WAIT);
        full.await(m -> updates(m) >= 50, WAIT);
        domains.await(m -> updates(m) >= 50, WAIT);
        List<String> cursors = cursors(lite);
        assertEquals(50, cursors.size());
        for (int i = 1; i < cursors.size(); i++) {
            assertTrue(cursors.get(i - 1).compareTo(cursors.get(i)) < 0, "cursors increase: " + cursors);
        }
        // The same message has the same cursor on every stream.
        assertEquals(cursors, cursors(full));
        assertEquals(cursors, cursors(domains));
        JsonObject first = lite.messages("certificate_update").get(0);
        assertEquals(List.of("message_type", "cursor", "data"), new ArrayList<>(first.fieldNames()));
    }

    @Test
    void refusesBadValuesWithA400BeforeTheUpgrade() throws Exception {
        assertRefused("/?colour=blue", "unknown parameter \"colour\"");
        assertRefused("/?match=" + enc("(unclosed"), "match: not a Java regex");
        assertRefused("/full-stream?type=certificate", "type: unknown type \"certificate\"");
        assertRefused("/?type=x509&type=precert", "type: given 2 times");
        assertRefused("/domains-only?domain=", "domain: empty name");
        assertRefused("/?domain=" + enc("a..b"), "domain: \"a..b\" is not a domain name");
        assertRefused("/?dedup=maybe", "dedup: \"maybe\" is not true or false");
        assertRefused("/?since=yesterday", "since: not a cursor");
        assertRefused("/?log=", "log: empty");
        assertRefused("/sse?stream=everything", "stream: unknown stream \"everything\"");
        assertRefused("/sse?match=" + enc("[z-a]"), "match: not a Java regex");
        // A good query on the same paths is upgraded.
        StreamRecorder ok = connect("/?domain=example.com&type=x509&dedup=true");
        await(ok.close());
    }

    private void assertRefused(String uri, String reason) throws Exception {
        WebClient client = WebClient.create(vertx);
        HttpResponse<Buffer> response = await(client.request(HttpMethod.GET, hub.port(), "127.0.0.1", uri)
                .putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
                .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .send());
        assertEquals(400, response.statusCode(), uri + ": " + response.bodyAsString());
        String body = response.bodyAsString();
        assertTrue(body.startsWith(reason), uri + ": expected \"" + reason + "...\", got \"" + body + "\"");
        assertEquals(1, body.strip().lines().count(), "one line: " + body);
        client.close();
    }

    private void expect(StreamRecorder recorder, List<IssuedEntry> issued, Predicate<IssuedEntry> wanted)
            throws InterruptedException {
        List<Long> expected = issued.stream().filter(wanted).map(IssuedEntry::index).toList();
        assertTrue(expected.size() >= 3 && expected.size() < issued.size(),
                "the seed gives this filter a real test: " + expected.size() + " of " + issued.size());
        recorder.await(m -> updates(m) >= expected.size(), WAIT);
        List<Long> got = new ArrayList<>();
        for (JsonObject m : recorder.messages()) {
            if (!"certificate_update".equals(m.getString("message_type")) && !"dns_entries".equals(m.getString("message_type"))) {
                continue;
            }
            got.add(m.getString("cursor") != null ? Long.parseLong(m.getString("cursor").split("-")[2]) : -1);
        }
        assertEquals(expected, got);
    }

    private static boolean under(IssuedEntry e, String... names) {
        for (String d : e.domains()) {
            String n = d.toLowerCase(Locale.ROOT).replaceFirst("^\\*\\.", "");
            for (String name : names) {
                if (n.equals(name) || n.endsWith("." + name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private StreamRecorder connect(String path) throws Exception {
        return await(StreamRecorder.connect(vertx, hub.port(), path));
    }

    static List<String> cursors(StreamRecorder r) {
        return r.messages().stream().filter(m -> m.containsKey("cursor")).map(m -> m.getString("cursor")).toList();
    }

    static int updates(List<JsonObject> messages) {
        return (int) messages.stream().filter(m -> "certificate_update".equals(m.getString("message_type"))
                || "dns_entries".equals(m.getString("message_type"))).count();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
