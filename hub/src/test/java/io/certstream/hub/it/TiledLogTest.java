package io.certstream.hub.it;

import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.wire.WireFormat;
import io.certstream.hub.testing.LogCapture;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.CtData;
import io.certstream.hub.testing.Fingerprints;
import io.certstream.hub.testing.NavigliTiledLog;
import io.certstream.hub.testing.RunningHub;
import io.certstream.model.Certificate;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.UpdateType;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.stream.LongStream;

import static io.certstream.hub.it.HubStreamsTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Navigli 2025h2 tiles and issuers, served on 127.0.0.1 with a checkpoint signed by a test key that the
 * test's log list names, followed by the hub's tiled watcher: every entry arrives once, in order, with the right
 * names, fingerprints and chain, exactly as the same entries read through RFC 6962 get-entries; faults of the log
 * are counted and logged, and never cost an entry.
 */
class TiledLogTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, List<CertificateUpdate>> received = new ConcurrentHashMap<>();
    private LogCapture output;
    private final List<JsonObject> integrityEvents = new CopyOnWriteArrayList<>();
    private Vertx vertx;
    private NavigliTiledLog navigli;
    private RunningHub hub;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        output = LogCapture.of("io.certstream.hub.ct");
        // Listening before the hub starts: not a single published entry can be missed by the test.
        vertx.eventBus().<JsonObject>localConsumer(BusAddresses.INTEGRITY, m -> integrityEvents.add(m.body()));
        vertx.eventBus().<CertificateUpdate>localConsumer(BusAddresses.UPDATES, m -> received
                .computeIfAbsent(m.body().source().url(), u -> new CopyOnWriteArrayList<>()).add(m.body()));
    }

    @AfterEach
    void stop() throws Exception {
        output.close();
        await(vertx.close());
    }

    @Test
    void allNavigliEntriesArriveInOrderWithTheirDomainsFingerprintsAndIssuers() throws Exception {
        startLogAndHub(1024);
        List<CertificateUpdate> updates = awaitEntries(navigli.tiledUrl(), 1024);

        List<JsonObject> names = namesTiles();
        JsonArray derived = CtData.json("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json").getJsonArray("entries");
        JsonObject issuers = navigli.expected().getJsonObject("issuers");
        for (int i = 0; i < 1024; i++) {
            CertificateUpdate u = updates.get(i);
            String where = "entry " + i;
            assertEquals(i, u.certIndex(), where);
            assertEquals(UpdateType.PrecertLogEntry, u.updateType(), where);
            assertEquals(navigli.tiledUrl() + "/tile/data/00" + (i / 256), u.certLink(), where + ": a fetchable data tile");
            assertEquals(NavigliTiledLog.DESCRIPTION, u.source().name());

            // Names from Sunlight's own names tiles, written by the log: DNS SANs, then the CN unless listed.
            JsonObject expectedNames = names.get(i);
            List<String> domains = new ArrayList<>(expectedNames.getJsonArray("DNS").stream().map(String::valueOf).toList());
            JsonObject subject = expectedNames.getJsonObject("Subject", new JsonObject()); // absent when there is no CN
            String cn = subject.getString("CommonName");
            if (cn != null && !domains.contains(cn)) {
                domains.add(cn);
            }
            assertEquals(domains, u.leaf().allDomains(), where);
            assertEquals(expectedNames.getLong("Timestamp"), u.logTimestamp(), where);

            // SHA-256 of the pre_certificate, framed independently from the RFC 6962 re-encoding of the entry.
            byte[] extra = Base64.getDecoder().decode(derived.getJsonObject(i).getString("extra_data"));
            int length = ((extra[0] & 0xFF) << 16) | ((extra[1] & 0xFF) << 8) | (extra[2] & 0xFF);
            byte[] preCertificate = Arrays.copyOfRange(extra, 3, 3 + length);
            assertEquals(Fingerprints.colonHex("SHA-256", preCertificate), u.leaf().sha256(), where);

            // The chain is [intermediate, root], each one of the issuers the log serves, under its own name.
            assertEquals(2, u.chain().size(), where);
            for (Certificate c : u.chain()) {
                String hex = c.sha256().replace(":", "").toLowerCase();
                assertTrue(issuers.containsKey(hex), where + ": chain certificate " + hex + " is one of the log's issuers");
                String issuerSubject = issuers.getJsonObject(hex).getString("subject");
                assertEquals(issuerSubject.substring(3, issuerSubject.indexOf(",O=")), c.subject().cn(), where);
            }
            assertEquals(u.chain().get(0).subject().aggregated(), u.leaf().issuer().aggregated(), where);
        }
        LogMetrics metrics = hub.metrics().logs().get(navigli.tiledUrl());
        assertEquals(1024, metrics.nextIndex());
        assertEquals(0, metrics.lag());
        assertEquals(new JsonObject(), metrics.toJson().getJsonObject("errors"), "no fault on a healthy log");
    }

    @Test
    void theSameEntriesThroughGetEntriesGiveIdenticalMessagesButForSource() throws Exception {
        startLogAndHub(1024);
        List<CertificateUpdate> tiled = awaitEntries(navigli.tiledUrl(), 1024);
        List<CertificateUpdate> rfc6962 = awaitEntries(navigli.rfc6962Url(), 1024);
        for (int i = 0; i < 1024; i++) {
            JsonObject a = new JsonObject(WireFormat.full(tiled.get(i)).toString()).getJsonObject("data");
            JsonObject b = new JsonObject(WireFormat.full(rfc6962.get(i)).toString()).getJsonObject("data");
            JsonObject sourceA = a.getJsonObject("source");
            JsonObject sourceB = b.getJsonObject("source");
            assertEquals("tiled", sourceA.getString("type"));
            assertEquals("rfc6962", sourceB.getString("type"));
            assertEquals(sourceB.getValue("timestamp"), sourceA.getValue("timestamp"), "entry " + i + ": log timestamp");
            // Where the entry can be fetched and when the hub saw it are different by nature; everything else is equal.
            assertEquals(navigli.rfc6962Url() + "/ct/v1/get-entries?start=" + i + "&end=" + i, b.getString("cert_link"));
            for (JsonObject data : List.of(a, b)) {
                data.remove("source");
                data.remove("cert_link");
                data.remove("seen");
            }
            assertEquals(b, a, "entry " + i);
        }
    }

    @Test
    void partialTileThenGrowthThenAShrinkingCheckpointIsRejected() throws Exception {
        startLogAndHub(778);
        List<CertificateUpdate> first = awaitEntries(navigli.tiledUrl(), 778);
        assertEquals(navigli.tiledUrl() + "/tile/data/003.p/10", first.get(777).certLink(), "read from the partial tile");

        navigli.publish(1024);
        List<CertificateUpdate> all = awaitEntries(navigli.tiledUrl(), 1024);
        assertEquals(navigli.tiledUrl() + "/tile/data/003", all.get(778).certLink(), "the rest from the full tile");

        navigli.publish(778);
        LogMetrics metrics = hub.metrics().logs().get(navigli.tiledUrl());
        awaitError(metrics, FaultKind.STH_SHRUNK);
        awaitWarning("sth_shrunk", "smaller than the 1024");
        navigli.publish(1024);
        int requests = navigli.checkpointRequests();
        Async.waitFor(WAIT, () -> "the watcher stopped polling", () -> navigli.checkpointRequests() >= requests + 2);
        assertEquals(LongStream.range(0, 1024).boxed().toList(),
                received.get(navigli.tiledUrl()).stream().map(CertificateUpdate::certIndex).toList(), "every entry once");
        assertEquals(1024, metrics.treeSize(), "the larger tree head is kept");
        assertEquals(1, metrics.checks("consistency_verified"), "778 -> 1024, shown with the log's own hash tiles");
    }

    @Test
    void aTiledLogConfiguredByHandStartsAtItsConfiguredIndexInTheMiddleOfATile() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 1024));
        hub = await(RunningHub.start(vertx, new JsonObject().put("logs", new JsonArray().add(new JsonObject()
                .put("url", navigli.tiledUrl()).put("kind", "tiled").put("key", navigli.keyBase64())
                .put("name", "Navigli by hand").put("start", 300)))));
        Async.waitFor(WAIT, () -> "entries 300..1023", () -> received.getOrDefault(navigli.tiledUrl(), List.of()).size() >= 724);
        Thread.sleep(300);
        assertEquals(LongStream.range(300, 1024).boxed().toList(),
                received.get(navigli.tiledUrl()).stream().map(CertificateUpdate::certIndex).toList());
        assertEquals("Navigli by hand", received.get(navigli.tiledUrl()).get(0).source().name());
    }

    @Test
    void aPartialTileTheLogNoLongerServesIsReadFromTheFullTile() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 778));
        navigli.deletePartialTiles();
        startHub();
        List<CertificateUpdate> updates = awaitEntries(navigli.tiledUrl(), 778);
        assertEquals(navigli.tiledUrl() + "/tile/data/003", updates.get(777).certLink());
        assertEquals(0, hub.metrics().logs().get(navigli.tiledUrl()).errors(FaultKind.HTTP_4XX), "no failure: the fallback is silent");
    }

    @Test
    void aForgedCheckpointSignatureIsRejectedUntilAValidOneComes() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 1024));
        navigli.publishForged(1024);
        startHub();
        LogMetrics metrics = hub.awaitWatcher(navigli.tiledUrl(), WAIT);
        awaitError(metrics, FaultKind.BAD_SIGNATURE);
        awaitWarning("bad_signature", navigli.tiledUrl() + "/checkpoint");
        assertTrue(received.getOrDefault(navigli.tiledUrl(), List.of()).isEmpty(), "nothing from an unverified checkpoint");
        assertEquals(-1, metrics.treeSize(), "the forged tree head was not taken");
        assertIntegrityEvent("sth_signature", navigli.tiledUrl() + "/checkpoint");
        assertEquals(1, metrics.errors(FaultKind.INTEGRITY_SIGNATURE), "raised once however often it is served");

        navigli.publish(1024);
        awaitEntries(navigli.tiledUrl(), 1024);
        awaitEntries(navigli.rfc6962Url(), 1024); // the other log of the list streamed all along
    }

    @Test
    void aCheckpointWhoseRootTheHashTilesDoNotGiveIsRejected() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 1024));
        navigli.publishWrongRoot(1024);
        startHub();
        LogMetrics metrics = hub.awaitWatcher(navigli.tiledUrl(), WAIT);
        awaitError(metrics, FaultKind.BAD_TREE);
        awaitWarning("bad_tree", "do not hash to the checkpoint's root");
        assertTrue(received.getOrDefault(navigli.tiledUrl(), List.of()).isEmpty(), "nothing from a tree that does not add up");
        assertIntegrityEvent("tree_consistency", "do not hash to the checkpoint's root");
        assertEquals(1, metrics.errors(FaultKind.INTEGRITY_CONSISTENCY), "raised once however often it is served");

        navigli.publish(1024);
        awaitEntries(navigli.tiledUrl(), 1024);
    }

    @Test
    void aDataTileThatDoesNotHashToTheTreeIsRetriedWithoutSkippingAnEntry() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 1024));
        navigli.tamperDataTile("001", 2);
        startHub();
        awaitEntries(navigli.tiledUrl(), 1024);
        LogMetrics metrics = hub.metrics().logs().get(navigli.tiledUrl());
        assertEquals(2, metrics.errors(FaultKind.BAD_TILE));
        awaitWarning("bad_tile", navigli.tiledUrl() + "/tile/data/001", "do not hash to the log's tree");
    }

    @Test
    void aTruncatedTileIsRetriedWithoutSkippingAnEntry() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 1024));
        navigli.truncateDataTile("001", 2);
        startHub();
        awaitEntries(navigli.tiledUrl(), 1024);
        LogMetrics metrics = hub.metrics().logs().get(navigli.tiledUrl());
        assertEquals(2, metrics.errors(FaultKind.BAD_TILE));
        awaitWarning("bad_tile", navigli.tiledUrl() + "/tile/data/001");
        awaitEntries(navigli.rfc6962Url(), 1024);
    }

    @Test
    void aMissingIssuerIsRetriedWithoutSkippingAnEntry() throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, 1024));
        for (String hex : navigli.expected().getJsonObject("issuers").fieldNames()) {
            navigli.hideIssuer(hex, 2);
        }
        startHub();
        awaitEntries(navigli.tiledUrl(), 1024);
        LogMetrics metrics = hub.metrics().logs().get(navigli.tiledUrl());
        assertTrue(metrics.errors(FaultKind.ISSUER_MISSING) >= 2, metrics.toJson().encode());
        awaitWarning("issuer_missing", navigli.tiledUrl() + "/issuer/");
        awaitEntries(navigli.rfc6962Url(), 1024);
    }

    /** Exactly one event on certstream.integrity so far: of {@code type}, for the tiled log, with {@code detail}. */
    private void assertIntegrityEvent(String type, String detail) throws InterruptedException {
        Async.waitFor(WAIT, () -> "no event on " + BusAddresses.INTEGRITY + "; warnings: " + warnings(), () -> !integrityEvents.isEmpty());
        Thread.sleep(2500); // a few more polls of the same bad checkpoint: none may raise it again
        assertEquals(1, integrityEvents.size(), integrityEvents.toString());
        JsonObject event = integrityEvents.get(0);
        assertEquals(type, event.getString("type"), event.encode());
        assertEquals(navigli.tiledUrl(), event.getJsonObject("log").getString("url"), event.encode());
        assertEquals(1024L, event.getLong("tree_size"), event.encode());
        assertTrue(event.getString("message").contains(detail), event.encode());
    }

    private void startLogAndHub(long treeSize) throws Exception {
        navigli = await(NavigliTiledLog.start(vertx, treeSize));
        startHub();
    }

    private void startHub() throws Exception {
        hub = await(RunningHub.start(vertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", navigli.logListUrl()))
                .put("watcher", new JsonObject().put("start", 0))));
    }

    /** Waits for {@code count} entries of a log, then long enough for a duplicate to show; checks order. */
    private List<CertificateUpdate> awaitEntries(String url, int count) throws InterruptedException {
        Async.waitFor(WAIT, () -> "timed out waiting for " + count + " entries of " + url + ", got "
                + received.getOrDefault(url, List.of()).size() + "; warnings: " + warnings(),
                () -> received.getOrDefault(url, List.of()).size() >= count);
        Thread.sleep(300);
        List<CertificateUpdate> updates = received.get(url);
        assertEquals(LongStream.range(0, count).boxed().toList(), updates.stream().map(CertificateUpdate::certIndex).toList(),
                "every index once, in order");
        return updates;
    }

    private static void awaitError(LogMetrics metrics, FaultKind kind) throws InterruptedException {
        Async.waitFor(WAIT, () -> "no " + kind + " error counted: " + metrics.toJson().encode(), () -> metrics.errors(kind) > 0);
    }

    /** A warning line that names the fault and where it happened. */
    private void awaitWarning(String... parts) throws InterruptedException {
        Async.waitFor(WAIT, () -> "no warning with " + List.of(parts) + " in " + warnings(),
                () -> warnings().stream().anyMatch(w -> List.of(parts).stream().allMatch(w::contains)));
    }

    private static List<JsonObject> namesTiles() throws Exception {
        List<JsonObject> names = new ArrayList<>();
        for (String tile : List.of("000", "001", "002", "003")) {
            for (String line : Files.readAllLines(CtData.file("static-ct/navigli2025h2/tile/names/" + tile))) {
                names.add(new JsonObject(line));
            }
        }
        assertNotEquals(0, names.size());
        return names;
    }

    /** What the watchers logged at WARNING or above, messages only. */
    private List<String> warnings() {
        return output.messages(Level.WARNING);
    }
}
