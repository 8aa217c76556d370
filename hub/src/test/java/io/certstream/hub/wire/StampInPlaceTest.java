package io.certstream.hub.wire;

import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.publish.Published;
import io.certstream.hub.publish.UpdatePublisher;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.model.CertificateUpdate;
import io.certstream.model.LogSource;
import io.certstream.model.UpdateType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cursor is written into the messages in place at publication ({@link EncodedUpdate#stamp}): the stamped bytes
 * of all three streams must be exactly those of the copy the hub made before (the message without cursor, the
 * {@code "cursor"} field spliced in after {@code message_type}), for certificates and precertificates, with and
 * without operator, small and large indexes.
 */
class StampInPlaceTest {
    private static final LogSource WITH_OPERATOR = new LogSource("Sim A", "https://a.ct.example/", "Example Op", LogSource.RFC6962);
    private static final LogSource WITHOUT_OPERATOR = new LogSource("Sim B", "https://b.ct.example/", null, LogSource.TILED);
    private static final List<CertificateUpdate> UPDATES = new ArrayList<>();
    private static Vertx vertx;

    @BeforeAll
    static void issue() throws Exception {
        vertx = Vertx.vertx();
        SimulatedCtLog log = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults().withInitialSize(40)
                .withEntriesPerSecond(0).withSeed(18)).await();
        LogEntryDecoder decoder = new LogEntryDecoder();
        for (int i = 0; i < 40; i++) {
            RawEntry raw = log.entry(i).raw();
            // A few indexes with many digits: the cursor's index part has no fixed width.
            long index = i % 5 == 0 ? 123_456_789_012L + i : i;
            UPDATES.add(decoder.decode(new RawEntry(index, raw.leafInput(), raw.extraData()),
                    i % 2 == 0 ? WITH_OPERATOR : WITHOUT_OPERATOR, "https://a.ct.example/ct/v1/get-entries?start=" + i,
                    1_764_844_800_123L + i));
        }
        log.close().await();
        assertTrue(UPDATES.stream().anyMatch(u -> u.updateType() == UpdateType.PrecertLogEntry));
        assertTrue(UPDATES.stream().anyMatch(u -> u.updateType() == UpdateType.X509LogEntry));
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void stampedMessagesAreTheBytesTheCopyMade() {
        long stamp = Cursor.stamp(1_764_844_800_123L, 0);
        for (CertificateUpdate u : UPDATES) {
            int log = Cursor.logId(u.source().url());
            Cursor cursor = EncodedUpdate.of(u, log).stamp(stamp);
            EncodedUpdate stamped = EncodedUpdate.of(u, log);
            assertEquals(new Cursor(stamp, log, u.certIndex()), stamped.stamp(stamp));
            assertEquals(new Cursor(stamp, log, u.certIndex()), cursor);
            String text = cursor.toString();
            assertBytes(spliced(WireFormat.full(u), text), stamped.full(), "full-stream, index " + u.certIndex());
            assertBytes(spliced(WireFormat.lite(u), text), stamped.lite(), "lite, index " + u.certIndex());
            assertBytes(spliced(WireFormat.domainsOnly(u), text), stamped.domainsOnly(), "domains-only, index " + u.certIndex());
            // Counters within a millisecond, a stamp with every hex digit, the largest stamp.
            stamp = stamp == Long.MAX_VALUE ? 1 : u.certIndex() % 3 == 0 ? 0xfedcba9876543210L : stamp + 0x10001;
        }
        EncodedUpdate last = EncodedUpdate.of(UPDATES.get(0), 7);
        Cursor max = last.stamp(-1L);
        assertEquals("ffffffffffffffff-00000007-" + UPDATES.get(0).certIndex(), max.toString());
        assertBytes(spliced(WireFormat.lite(UPDATES.get(0)), max.toString()), last.lite(), "all-f stamp");
    }

    @Test
    void aMessageIsStampedOnce() {
        EncodedUpdate u = EncodedUpdate.of(UPDATES.get(1));
        u.stamp(Cursor.stamp(1_764_844_800_123L, 0));
        byte[] before = u.full().getBytes();
        assertThrows(IllegalStateException.class, () -> u.stamp(Cursor.stamp(1_764_844_800_124L, 0)));
        assertArrayEquals(before, u.full().getBytes(), "the first stamp stays");
        EncodedUpdate noCursor = new EncodedUpdate(UPDATES.get(1), WireFormat.full(UPDATES.get(1)),
                WireFormat.lite(UPDATES.get(1)), WireFormat.domainsOnly(UPDATES.get(1)));
        assertThrows(IllegalStateException.class, () -> noCursor.stamp(1));
    }

    /** Through the publisher: what the stream addresses and the web front receive is the copy path's bytes. */
    @Test
    void publishedMessagesAreTheBytesTheCopyMade() throws Exception {
        UpdatePublisher.registerCodec(vertx);
        UpdatePublisher publisher = new UpdatePublisher(vertx, new HubMetrics());
        List<Buffer> full = new CopyOnWriteArrayList<>();
        List<Buffer> lite = new CopyOnWriteArrayList<>();
        List<Buffer> domains = new CopyOnWriteArrayList<>();
        List<Published> published = new CopyOnWriteArrayList<>();
        vertx.eventBus().<Buffer>consumer(StreamType.FULL.address(), m -> full.add(m.body()));
        vertx.eventBus().<Buffer>consumer(StreamType.LITE.address(), m -> lite.add(m.body()));
        vertx.eventBus().<Buffer>consumer(StreamType.DOMAINS_ONLY.address(), m -> domains.add(m.body()));
        vertx.eventBus().<Published>consumer(UpdatePublisher.PUBLISHED, m -> published.add(m.body()));
        List<EncodedUpdate> batch = UPDATES.stream().map(EncodedUpdate::of).toList();
        vertx.runOnContext(v -> publisher.publish(batch));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (published.size() < UPDATES.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(UPDATES.size(), published.size());
        for (int i = 0; i < UPDATES.size(); i++) {
            CertificateUpdate u = UPDATES.get(i);
            Published p = published.get(i);
            assertEquals(new Cursor(p.cursor().stamp(), Cursor.logId(u.source().url()), u.certIndex()), p.cursor());
            assertEquals(p.cursor().toString(), p.cursorText());
            assertBytes(spliced(WireFormat.full(u), p.cursorText()), full.get(i), "full-stream " + i);
            assertBytes(spliced(WireFormat.lite(u), p.cursorText()), lite.get(i), "lite " + i);
            assertBytes(spliced(WireFormat.domainsOnly(u), p.cursorText()), domains.get(i), "domains-only " + i);
            assertBytes(full.get(i), p.full(), "same full bytes to the web front " + i);
            assertBytes(lite.get(i), p.lite(), "same lite bytes to the web front " + i);
            assertBytes(domains.get(i), p.domainsOnly(), "same domains-only bytes to the web front " + i);
            if (i > 0) {
                assertTrue(published.get(i - 1).cursor().compareTo(p.cursor()) < 0, "cursor order at " + i);
            }
        }
    }

    /**
     * How the hub inserted the cursor before (WireFormat.withCursor): a copy of {@code message} with
     * {@code "cursor":"<cursor>"} after {@code message_type}, whose value holds no comma.
     */
    private static Buffer spliced(Buffer message, String cursor) {
        int comma = 0;
        while (message.getByte(comma) != ',') {
            comma++;
        }
        byte[] field = ("\"cursor\":\"" + cursor + "\",").getBytes(StandardCharsets.US_ASCII);
        return Buffer.buffer(message.length() + field.length)
                .appendBuffer(message, 0, comma + 1)
                .appendBytes(field, 0, field.length - 1)
                .appendBuffer(message, comma, message.length() - comma);
    }

    private static void assertBytes(Buffer expected, Buffer actual, String what) {
        assertEquals(expected.toString(StandardCharsets.UTF_8), actual.toString(StandardCharsets.UTF_8), what);
        assertArrayEquals(expected.getBytes(), actual.getBytes(), what);
    }
}
