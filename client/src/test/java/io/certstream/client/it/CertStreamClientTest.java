package io.certstream.client.it;

import static io.certstream.hub.testing.HubOnSimulatedLog.WAIT;
import static io.certstream.hub.testing.HubOnSimulatedLog.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certstream.client.CertStreamClient;
import io.certstream.client.CertStreamMessage;
import io.certstream.client.CertStreamOptions;
import io.certstream.client.CertificateData;
import io.certstream.client.CertificateMessage;
import io.certstream.client.ConnectionEvent;
import io.certstream.client.HeartbeatMessage;
import io.certstream.client.LeafCert;
import io.certstream.client.StreamType;
import io.certstream.client.testing.Recorder;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.sim.IssuedEntry;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.Fingerprints;
import io.certstream.model.UpdateType;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The library against the real hub on a simulated CT log: typed updates, flow control, reconnects. */
class CertStreamClientTest {

    /** The real hub on a simulated log that grows when the test says so, restartable on its port. */
    @RegisterExtension
    final HubOnSimulatedLog hub = HubOnSimulatedLog.of(HubOnSimulatedLog.growingOnDemand(2).withSeed(8)).restartable();

    @Test
    void deliversTypedUpdatesOfEveryStream() throws Exception {
        Recorder lite = new Recorder();
        Recorder domains = new Recorder();
        List<CertStreamMessage> full = new CopyOnWriteArrayList<>();
        CertStreamClient liteClient = client(StreamType.LITE).listener(lite).start();
        CertStreamClient domainsClient = client(StreamType.DOMAINS_ONLY).listener(domains).start();
        CertStreamClient fullClient = client(StreamType.FULL);
        Recorder fullEvents = new Recorder();
        fullClient.listener(fullEvents).messages().handler(full::add);
        fullClient.start();
        for (Recorder r : List.of(lite, domains, fullEvents)) {
            Async.waitFor(WAIT, "connected", () -> r.connected() == 1);
        }
        assertEquals(hub.url("/full-stream"), fullClient.endpoint().toString(), "the stream's path is added to the URL");

        long first = hub.append(10);

        Async.waitFor(WAIT, "10 updates on each stream", () -> lite.certificates().size() >= 10 && domains.domains.size() >= 10
                && full.stream().filter(CertificateMessage.class::isInstance).count() >= 10);
        List<CertificateMessage> fullUpdates = full.stream()
                .filter(CertificateMessage.class::isInstance).map(CertificateMessage.class::cast).toList();
        for (int i = 0; i < 10; i++) {
            IssuedEntry entry = hub.entry(first + i);
            checkLeaf(lite.certificates().get(i).data(), entry, false);
            checkLeaf(fullUpdates.get(i).data(), entry, true);
            assertEquals(entry.domains(), domains.domains.get(i).domains());
        }
        // The hub sends heartbeats every second to every client; the listener sees them as such.
        Async.waitFor(WAIT, "heartbeats", () -> lite.heartbeats.size() >= 1 && domains.heartbeats.size() >= 1);
        assertTrue(Math.abs(lite.heartbeats.get(0).timestamp() - System.currentTimeMillis() / 1000.0) < 30);
        assertTrue(full.stream().anyMatch(HeartbeatMessage.class::isInstance), "the ReadStream carries heartbeats too");
        assertEquals(List.of(), lite.malformed);

        CountDownLatch ended = new CountDownLatch(1);
        fullClient.messages().endHandler(v -> ended.countDown());
        await(fullClient.close());
        assertTrue(ended.await(10, TimeUnit.SECONDS), "close() ends the ReadStream");
        assertEquals(ConnectionEvent.State.CLOSED, fullEvents.events.get(fullEvents.events.size() - 1).state());
        await(liteClient.close());
        await(domainsClient.close());
    }

    @Test
    void readStreamDeliversOnlyWhatTheConsumerAsksFor() throws Exception {
        CertStreamClient client = client(StreamType.LITE);
        Recorder events = new Recorder();
        List<CertStreamMessage> received = new CopyOnWriteArrayList<>();
        client.listener(events).messages().handler(received::add);
        client.messages().pause();
        client.start();
        Async.waitFor(WAIT, "connected", () -> events.connected() == 1);

        long first = hub.append(6);
        Thread.sleep(1500);
        assertEquals(List.of(), received, "a paused stream delivers nothing");

        client.messages().fetch(2);
        Async.waitFor(WAIT, "2 fetched messages", () -> received.size() >= 2);
        Thread.sleep(500);
        assertEquals(2, received.size(), "fetch(2) delivers exactly two messages");

        client.messages().resume();
        Async.waitFor(WAIT, "the rest after resume()", () -> certificates(received).size() >= 6);
        assertEquals(List.of(first, first + 1, first + 2, first + 3, first + 4, first + 5),
                certificates(received).stream().map(m -> m.data().certIndex()).toList(), "in order, nothing lost");
        await(client.close());
    }

    @Test
    void reconnectsWithGrowingBackoffUntilTheServerIsBack() throws Exception {
        Recorder recorder = new Recorder();
        CertStreamClient client = CertStreamClient.create(hub.vertx(), CertStreamOptions.defaults()
                .withUrl(hub.url("/")).withBackoff(Duration.ofMillis(300), Duration.ofSeconds(3))).listener(recorder).start();
        Async.waitFor(WAIT, "connected", () -> recorder.connected() == 1);
        long before = hub.append(2);
        Async.waitFor(WAIT, "2 updates", () -> recorder.certificates().size() >= 2);

        hub.stopHub();
        Async.waitFor(WAIT, "three disconnections (one drop, two refused attempts)", () -> recorder.disconnected().size() >= 3);
        List<ConnectionEvent> down = recorder.disconnected();
        assertEquals(0, down.get(0).attempt(), "the first is the drop of an established connection");
        assertTrue(down.get(1).reason().contains("connection refused"), down.get(1).describe());
        assertTrue(down.get(2).retryIn().compareTo(down.get(1).retryIn()) > 0,
                "the delay grows: " + down.get(1).retryIn() + " then " + down.get(2).retryIn());

        hub.startHub();
        Async.waitFor(WAIT, "connected again", () -> recorder.connected() == 2);
        long after = hub.append(3);
        Async.waitFor(WAIT, "3 updates after the restart", () -> recorder.certificates().size() >= 5);
        assertEquals(List.of(before, before + 1, after, after + 1, after + 2),
                recorder.certificates().stream().map(m -> m.data().certIndex()).toList());
        await(client.close());
    }

    @Test
    void resumesFromTheLastCursorSoNothingPublishedWhileAwayIsLost() throws Exception {
        Recorder recorder = new Recorder();
        CertStreamClient client = CertStreamClient.create(hub.vertx(), CertStreamOptions.defaults()
                .withUrl(hub.url("/")).withBackoff(Duration.ofMillis(300), Duration.ofSeconds(2))).listener(recorder).start();
        Async.waitFor(WAIT, "connected", () -> recorder.connected() == 1);
        long first = hub.append(3);
        Async.waitFor(WAIT, "3 updates", () -> recorder.certificates().size() >= 3);
        String cursor = client.lastCursor();
        assertTrue(cursor != null && cursor.endsWith("-" + (first + 2)), "the last message's cursor: " + cursor);

        hub.stopHub();
        // Logged while the hub is down; the restarted hub publishes them before the client is back.
        hub.append(4);
        hub.startHub();
        Async.waitFor(WAIT, "connected again", () -> recorder.connected() == 2);
        hub.append(2);
        Async.waitFor(WAIT, "9 updates", () -> recorder.certificates().size() >= 9);
        Thread.sleep(300);
        assertEquals(java.util.stream.LongStream.range(first, first + 9).boxed().toList(),
                recorder.certificates().stream().map(m -> m.data().certIndex()).toList(),
                "each certificate once, in order: the reconnect resumed with since=<last cursor>");
        await(client.close());
    }

    private CertStreamClient client(StreamType stream) {
        return CertStreamClient.create(hub.vertx(), CertStreamOptions.defaults().withUrl(hub.url("/")).withStream(stream));
    }

    private void checkLeaf(CertificateData data, IssuedEntry entry, boolean full) throws Exception {
        String where = "entry " + entry.index() + (full ? " (full)" : " (lite)");
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(entry.leafDer()));
        assertEquals(entry.index(), data.certIndex(), where);
        assertEquals(entry.type().name(), data.updateType(), where);
        assertEquals(hub.log().url() + "/ct/v1/get-entries?start=" + entry.index() + "&end=" + entry.index(), data.certLink());
        assertEquals(hub.log().url(), data.source().url(), where);
        assertEquals("rfc6962", data.source().type(), where);
        assertTrue(Math.abs(data.seen() - System.currentTimeMillis() / 1000.0) < 120, where + ": seen " + data.seen());
        LeafCert leaf = data.leafCert();
        assertEquals(entry.domains(), leaf.allDomains(), where);
        assertEquals(Fingerprints.colonHex("SHA-256", entry.leafDer()), leaf.sha256(), where);
        assertEquals(Fingerprints.colonHex("SHA-1", entry.leafDer()), leaf.sha1(), where);
        assertEquals(leaf.sha1(), leaf.fingerprint(), where);
        assertEquals(x509.getSerialNumber(), new BigInteger(leaf.serialNumber(), 16), where);
        assertEquals(x509.getNotBefore().getTime() / 1000, leaf.notBefore(), where);
        assertEquals(x509.getNotAfter().getTime() / 1000, leaf.notAfter(), where);
        assertEquals(entry.type() == UpdateType.PrecertLogEntry, leaf.isPrecertificate(), where);
        assertTrue(leaf.subjectAltName().startsWith("DNS:"), where);
        assertTrue(x509.getIssuerX500Principal().getName().contains("CN=" + leaf.issuer().commonName()), where);
        assertEquals(x509.getBasicConstraints() >= 0, leaf.isCa(), where);
        if (full) {
            assertEquals(Base64.getEncoder().encodeToString(entry.leafDer()), leaf.asDer(), where);
            assertEquals(entry.chainDer().size(), data.chain().size(), where);
            for (int c = 0; c < data.chain().size(); c++) {
                assertEquals(Base64.getEncoder().encodeToString(entry.chainDer().get(c)), data.chain().get(c).asDer(), where);
            }
            assertEquals(data.chain().get(0).subject().aggregated(), leaf.issuer().aggregated(), where);
        } else {
            assertNull(leaf.asDer(), where);
            assertEquals(List.of(), data.chain(), where);
        }
    }

    private static List<CertificateMessage> certificates(List<CertStreamMessage> messages) {
        return messages.stream().filter(CertificateMessage.class::isInstance).map(CertificateMessage.class::cast).toList();
    }
}
