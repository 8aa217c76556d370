package io.certstream.client.it;

import static io.certstream.hub.testing.HubOnSimulatedLog.WAIT;
import static io.certstream.hub.testing.HubOnSimulatedLog.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certstream.client.CertStreamClient;
import io.certstream.client.CertStreamMessage;
import io.certstream.client.CertStreamMessages;
import io.certstream.client.CertStreamOptions;
import io.certstream.client.CertificateMessage;
import io.certstream.client.GapMessage;
import io.certstream.client.testing.CliProcess;
import io.certstream.client.testing.Recorder;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real gap: the hub keeps at most 1 MB of messages for resumes (its smallest {@code server.replayMaxMegabytes}),
 * a client resumes from a cursor that has fallen out of it (given with {@code since=}, or its last one when it
 * reconnects after the hub was down), and the hub's {@code gap} notice reaches the library's listener, its
 * {@code ReadStream} and its log, and the CLI's stderr (never its stdout).
 */
class GapNoticeTest {

    /** About 3 MB of messages on the simulated log (1 MB keeps about 96), so the first are dropped from the buffer. */
    private static final int OVERFLOW = 300;

    @RegisterExtension
    final HubOnSimulatedLog hub = HubOnSimulatedLog.of(HubOnSimulatedLog.growingOnDemand(2).withSeed(8))
            .config(log -> {
                JsonObject config = HubOnSimulatedLog.followLogList(log);
                // Memory only (no replay segments on disk, which would keep all of it): 1 MB, so the oldest go.
                config.getJsonObject("server").put("replayMaxMegabytes", 1).put("replayMaxDiskMegabytes", 0);
                return config;
            })
            .restartable();

    @Test
    void theListenerTheReadStreamAndTheLogGetTheGapThenTheOldestKept() throws Exception {
        String cursor = cursorThatFellOutOfTheBuffer();
        long lostFrom = hub.log().size() - OVERFLOW;

        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger clientLog = Logger.getLogger(CertStreamClient.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        clientLog.addHandler(handler);
        List<CertStreamMessage> stream = new CopyOnWriteArrayList<>();
        CertStreamClient client = CertStreamClient.create(hub.vertx(), CertStreamOptions.defaults()
                .withUrl(hub.url("/?since=" + cursor)));
        Recorder recorder = new Recorder();
        List<GapMessage> gaps = recorder.gaps;
        client.listener(recorder).messages().handler(stream::add);
        try {
            client.start();
            Async.waitFor(WAIT, "the replay up to the newest entry", () -> !recorder.certificates.isEmpty()
                    && last(recorder.certificates()).data().certIndex() == hub.log().size() - 1);
            List<CertificateMessage> certificates = recorder.certificates();

            assertEquals(1, gaps.size(), "one gap notice: " + gaps);
            GapMessage gap = gaps.get(0);
            CertificateMessage oldestKept = certificates.get(0);
            assertEquals(cursor, gap.since());
            assertEquals(CertStreamMessages.cursor(oldestKept.rawJson()), gap.oldest(), "the next message is the oldest kept");
            long firstKept = oldestKept.data().certIndex();
            assertTrue(firstKept > lostFrom && firstKept < hub.log().size() - 50,
                    "the buffer dropped the oldest entries and kept the newest: replay starts at " + firstKept);
            assertEquals(LongStream.range(firstKept, hub.log().size()).boxed().toList(),
                    certificates.stream().map(c -> c.data().certIndex()).toList(), "after the gap, everything kept, in order");
            assertTrue(gap.missingSeconds() >= 0 && gap.missingSeconds() < WAIT.toSeconds(), gap.rawJson());
            assertEquals(gap.missingSeconds(), gap.missing().toMillis() / 1000.0, 0.001);
            assertTrue(gap.text().contains("server.replayMinutes"), gap.text());

            assertInstanceOf(GapMessage.class, stream.get(0), "the ReadStream carries the gap before the replay");
            assertEquals(oldestKept.rawJson(), stream.get(1).rawJson());

            List<LogRecord> warnings = logged.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
            assertEquals(1, warnings.size(), "the library warns once by itself: " + logged);
            String warning = warnings.get(0).getMessage();
            assertTrue(warning.contains(hub.url("/")) && warning.contains("missed about ") && warning.contains(cursor)
                    && warning.contains("server.replayMinutes"), warning);
        } finally {
            clientLog.removeHandler(handler);
            await(client.close());
        }
    }

    @Test
    void aClientAwayLongerThanTheBufferGetsTheGapWhenItReconnects() throws Exception {
        // A long reconnect delay: the hub is back and has published the overflow before the client tries again.
        CertStreamClient client = CertStreamClient.create(hub.vertx(), CertStreamOptions.defaults()
                .withUrl(hub.url("/")).withBackoff(Duration.ofSeconds(20), Duration.ofSeconds(20)));
        Recorder recorder = new Recorder();
        client.listener(recorder).start();
        try {
            Async.waitFor(WAIT, "connected", () -> recorder.connected() == 1);
            long first = hub.append(1);
            Async.waitFor(WAIT, "one certificate", () -> recorder.certificates.size() == 1);
            String cursor = client.lastCursor();

            hub.stopHub();
            Async.waitFor(WAIT, "the drop", () -> !recorder.disconnected().isEmpty());
            hub.append(OVERFLOW);
            hub.startHub();
            Async.waitFor(WAIT, "the restarted hub published the " + OVERFLOW, () -> hub.hub().metrics().published() >= OVERFLOW);
            assertEquals(1, recorder.connected(), "the client must still be waiting to reconnect (20 s) for this test to mean anything");

            Async.waitFor(WAIT, "the reconnect's replay up to the newest entry",
                    () -> last(recorder.certificates()).data().certIndex() == hub.log().size() - 1);
            List<GapMessage> gaps = recorder.gaps;
            List<CertificateMessage> certificates = recorder.certificates();
            assertEquals(1, gaps.size(), "one gap notice: " + gaps);
            assertEquals(cursor, gaps.get(0).since(), "the reconnect resumed from the last cursor the client had");
            CertificateMessage afterGap = certificates.get(1);
            assertEquals(CertStreamMessages.cursor(afterGap.rawJson()), gaps.get(0).oldest());
            assertTrue(afterGap.data().certIndex() > first + 1, "entries were lost: the replay resumes at "
                    + afterGap.data().certIndex() + " after " + first);
        } finally {
            await(client.close());
        }
    }

    private static CertificateMessage last(List<CertificateMessage> certificates) {
        return certificates.get(certificates.size() - 1);
    }

    @Test
    void theCliWarnsOnStderrWithWhatWasMissedAndKeepsStdoutForCertificates() throws Exception {
        String cursor = cursorThatFellOutOfTheBuffer();
        try (CliProcess cli = CliProcess.start(getClass().getSimpleName() + "-cli", Map.of(),
                "--json", "--since", cursor, "--url", hub.url("/"))) {
            cli.awaitStdout(l -> !l.isEmpty() && l.get(l.size() - 1).contains("\"cert_index\":" + (hub.log().size() - 1) + ","),
                    WAIT, "the replay up to the newest entry");
            List<String> warnings = cli.stderrLines().stream().filter(l -> l.contains("missed")).toList();
            assertEquals(1, warnings.size(), cli.describe());
            Matcher m = Pattern.compile("certstream: warning: missed about (\\d+\\.\\d s|\\d+ s|\\d+ min( \\d+ s)?) of certificates: the server no longer"
                    + " keeps what was published after cursor " + Pattern.quote(cursor)
                    + "; replay continues from the oldest it keeps \\(reconnect sooner, or raise the hub's"
                    + " server.replayMinutes and server.replayMaxDiskMegabytes\\)").matcher(warnings.get(0));
            assertTrue(m.matches(), warnings.get(0));
            for (String line : cli.stdoutLines()) {
                assertTrue(line.startsWith("{\"message_type\":\"certificate_update\""), "stdout is certificates only: " + line);
            }
            assertEquals(0, cli.signalAndWait("INT", Duration.ofSeconds(15)), cli.describe());
        }
    }

    /**
     * The cursor of a certificate the hub published and has since dropped from its replay buffer: a client connects,
     * takes the cursor of the one certificate it gets, leaves, and {@link #OVERFLOW} more are published.
     */
    private String cursorThatFellOutOfTheBuffer() throws Exception {
        CertStreamClient first = CertStreamClient.create(hub.vertx(), CertStreamOptions.defaults().withUrl(hub.url("/")));
        Recorder recorder = new Recorder();
        first.listener(recorder).start();
        Async.waitFor(WAIT, "connected", () -> recorder.connected() > 0);
        hub.append(1);
        Async.waitFor(WAIT, "one certificate", () -> recorder.certificates.size() == 1);
        String cursor = first.lastCursor();
        await(first.close());

        hub.append(OVERFLOW);
        long total = hub.log().size() - 2;  // the log started with 2 entries, before the hub followed its head
        Async.waitFor(WAIT, "the hub published all " + total, () -> hub.hub().metrics().published() >= total);
        return cursor;
    }
}
