package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.model.UpdateType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay buffer with its disk part, on real files in a temp folder. */
class ReplaySegmentsTest {
    private static final long MINUTES_10 = 600_000;
    private static final long T0 = System.currentTimeMillis();

    @TempDir
    Path dir;
    private final List<ReplaySegments> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(ReplaySegments::close);
    }

    private static Published message(long millis, long index, int size) {
        Cursor c = new Cursor(Cursor.stamp(millis, 0), 1, index);
        return new Published(c, c.toString(), false, new Published.Facts(List.of("n" + index + ".example"),
                UpdateType.X509LogEntry, "log", "https://log.example"),
                Buffer.buffer(filled(size, 'f')), Buffer.buffer(filled(size / 4, 'l')), Buffer.buffer(filled(40, 'd')));
    }

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) c);
        return b;
    }

    /** A buffer whose memory tail holds only a few messages, with segments of 64 KB (the smallest) on disk. */
    private ReplayBuffer buffer(Path at, long maxDiskBytes, long now) throws IOException {
        ReplayBuffer buffer = new ReplayBuffer(MINUTES_10, 20_000);
        ReplaySegments disk = ReplaySegments.open(at, MINUTES_10, maxDiskBytes, 64 << 10, now);
        opened.add(disk);
        buffer.attach(disk);
        return buffer;
    }

    private static void written(ReplayBuffer buffer, long n) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (buffer.diskMessages() + buffer.diskDropped() < n && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertEquals(n, buffer.diskMessages(), "messages on disk");
    }

    /** Everything a resume from {@code since} gets, as a client sees it: gap notices as "gap", entries by index. */
    private static List<String> resume(ReplayBuffer buffer, Cursor since) {
        List<String> seen = new ArrayList<>();
        ReplayBuffer.Page page = buffer.after(since, 37, null);
        Cursor last = since;
        while (true) {
            if (page.gap() != null) {
                seen.add("gap");
                assertEquals(last, page.gap().since(), "a gap starts at the last message the client saw");
                if (!page.entries().isEmpty()) {
                    assertEquals(page.entries().get(0).cursor(), page.gap().oldest());
                }
            }
            for (Published p : page.entries()) {
                seen.add(String.valueOf(p.cursor().index()));
                last = p.cursor();
            }
            if (page.entries().isEmpty() && !page.more()) {
                return seen;
            }
            page = buffer.from(page.next(), last, 37, null);
        }
    }

    private static List<String> indexes(long from, long to) {
        return LongStream.range(from, to).mapToObj(String::valueOf).toList();
    }

    @Test
    void aCursorOlderThanTheMemoryTailResumesFromDiskInOrderAcrossManySegments() throws Exception {
        ReplayBuffer buffer = buffer(dir, 1 << 30, T0);
        for (int i = 0; i < 500; i++) {
            // 50 ms apart: 25 s of messages, rolled by size (64 KB) and by time (10 s).
            buffer.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        written(buffer, 500);
        assertTrue(buffer.readsDisk(message(T0 + 150, 3, 0).cursor()), "the memory tail no longer holds the 4th");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.filter(f -> f.toString().endsWith(".seg")).count() >= 15, "many segments");
        }
        assertEquals(indexes(4, 500), resume(buffer, message(T0 + 150, 3, 0).cursor()), "after the cursor, each once");
        assertEquals(indexes(0, 500), resume(buffer, new Cursor(Cursor.stamp(T0, 0), 0, 0)),
                "a cursor from before the first message but not before the hub's start: everything, no gap");
        List<String> beforeStart = resume(buffer, new Cursor(Cursor.stamp(T0 - 10, 0), 0, 0));
        assertEquals("gap", beforeStart.get(0), "from before the hub's start something may be missing");
        assertEquals(indexes(0, 500), beforeStart.subList(1, beforeStart.size()));
        assertEquals(List.of(), resume(buffer, message(T0 + 499 * 50L, 499, 0).cursor()), "caught up");
        ReplayBuffer.Page fromDisk = buffer.after(message(T0 + 150, 3, 0).cursor(), 10,
                io.certstream.hub.wire.StreamType.LITE);
        assertEquals(500, fromDisk.entries().get(0).lite().length(), "a page read from disk for one stream");
        assertEquals(0, fromDisk.entries().get(0).full().length(), "carries only that stream's bytes");
    }

    @Test
    void aLateArrivalOutOfCursorOrderIsNeitherSkippedNorRepeated() throws Exception {
        ReplayBuffer buffer = buffer(dir, 1 << 30, T0);
        for (int i = 0; i < 300; i++) {
            // Position 150 holds a message stamped before position 149's (a late arrival from another node).
            long millis = i == 150 ? T0 + 148 * 50L + 10 : T0 + i * 50L;
            buffer.append(message(millis, i, 2000), T0 + i * 50L);
        }
        written(buffer, 300);
        Cursor at149 = message(T0 + 149 * 50L, 149, 0).cursor();
        assertEquals(indexes(150, 300), resume(buffer, at149), "from disk");
        Cursor at148 = message(T0 + 148 * 50L, 148, 0).cursor();
        assertEquals(indexes(149, 300), resume(buffer, at148));

        ReplayBuffer memory = new ReplayBuffer(MINUTES_10, 1 << 30);
        for (int i = 0; i < 300; i++) {
            long millis = i == 150 ? T0 + 148 * 50L + 10 : T0 + i * 50L;
            memory.append(message(millis, i, 100), T0 + i * 50L);
        }
        assertEquals(indexes(150, 300), resume(memory, at149), "from memory");
    }

    @Test
    void theDiskBoundDropsWholeOldestSegmentsAndAResumeFromThemGetsAGap() throws Exception {
        long bound = 256 << 10;
        ReplayBuffer buffer = buffer(dir, bound, T0);
        for (int i = 0; i < 500; i++) {
            buffer.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        long until = System.currentTimeMillis() + 10_000;
        while ((buffer.disk().handledBefore() < 500 || buffer.diskBytes() > bound) && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertTrue(buffer.diskBytes() <= bound, "the disk bound holds: " + buffer.diskBytes());
        long kept = buffer.diskMessages();
        assertTrue(kept > 50 && kept < 200, "about 256 KB / 2.6 KB: " + kept);
        List<String> seen = resume(buffer, message(T0, 0, 0).cursor());
        assertEquals("gap", seen.get(0));
        assertEquals(indexes(500 - kept, 500), seen.subList(1, seen.size()), "the oldest kept, then all");
        ReplayBuffer.Gap gap = buffer.after(message(T0, 0, 0).cursor(), 10, null).gap();
        assertNotNull(gap);
        assertEquals((500 - kept) * 0.05, gap.missingSeconds(), 0.01);
    }

    @Test
    void anOrderlyRestartResumesWithoutAGap() throws Exception {
        ReplayBuffer first = buffer(dir, 1 << 30, T0);
        for (int i = 0; i < 100; i++) {
            first.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        first.disk().close();
        assertTrue(Files.readString(dir.resolve("index")).contains(" stopped "), "the stop is marked clean");

        long restart = T0 + 100 * 50L;
        ReplayBuffer second = buffer(dir, 1 << 30, restart);
        assertEquals(100, second.diskMessages(), "all written at the stop");
        assertEquals(message(T0 + 99 * 50L, 99, 0).cursor(), second.newest(), "the publisher continues after it");
        for (int i = 100; i < 120; i++) {
            second.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        assertEquals(indexes(11, 120), resume(second, message(T0 + 10 * 50L, 10, 0).cursor()),
                "from the previous run's segments into this run's, no gap");
    }

    @Test
    void aCrashLeavesAGapNoticeNotAHoleAndADamagedTailIsCut() throws Exception {
        Path running = dir.resolve("running");
        ReplayBuffer first = buffer(running, 1 << 30, T0);
        for (int i = 0; i < 100; i++) {
            first.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        written(first, 100);
        // kill -9: the files as they are now, the writer never closing them; the last record cut mid-write.
        Path crashed = dir.resolve("crashed");
        Files.createDirectories(crashed);
        Path newestSegment;
        try (Stream<Path> files = Files.list(running)) {
            List<Path> all = files.sorted().toList();
            for (Path f : all) {
                Files.copy(f, crashed.resolve(f.getFileName()));
            }
            newestSegment = crashed.resolve(all.stream().filter(f -> f.toString().endsWith(".seg"))
                    .reduce((a, b) -> b).orElseThrow().getFileName());
        }
        try (FileChannel ch = FileChannel.open(newestSegment, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        long restart = T0 + 100 * 50L;
        ReplayBuffer second = buffer(crashed, 1 << 30, restart);
        assertEquals(99, second.diskMessages(), "the cut message is gone, the 99 before it are served");
        for (int i = 100; i < 110; i++) {
            second.append(message(T0 + 200 + i * 50L, i, 2000), T0 + i * 50L);
        }
        List<String> expected = new ArrayList<>(indexes(6, 99));
        expected.add("gap");
        expected.addAll(indexes(100, 110));
        assertEquals(expected, resume(second, message(T0 + 5 * 50L, 5, 0).cursor()),
                "what was published but never written reads as a gap");

        // A restart of the crashed folder again: the damaged tail stays cut.
        second.disk().close();
        opened.remove(second.disk());
        ReplayBuffer third = buffer(crashed, 1 << 30, restart + 1000);
        assertEquals(109, third.diskMessages());
    }

    @Test
    void aDamagedMessageInsideASegmentIsLoggedAndTheRestOfThatSegmentReadsAsAGap() throws Exception {
        ReplayBuffer first = buffer(dir, 1 << 30, T0);
        for (int i = 0; i < 100; i++) {
            first.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        first.disk().close();
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
        }
        Path oldest = segments.get(0);
        int perSegment = Integer.parseInt(segments.get(1).getFileName().toString().replace(".seg", ""), 16);
        // One byte flipped in the 11th message (records are about the same size here): the file keeps its length.
        long recordSize = Files.size(oldest) / perSegment;
        try (FileChannel ch = FileChannel.open(oldest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            long at = 10 * recordSize + 500;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x55)).rewind();
            ch.write(b, at);
        }
        ReplayBuffer second = buffer(dir, 1 << 30, T0 + 100 * 50L);
        assertEquals(100, second.diskMessages(), "the index vouches for the file; the damage is found when read");
        List<String> seen = resume(second, message(T0, 0, 0).cursor());
        List<String> expected = new ArrayList<>(indexes(1, 10));
        expected.add("gap");
        expected.addAll(indexes(perSegment, 100));
        assertEquals(expected, seen, "1..9, the gap, then the next segment");
        assertEquals(100 - (perSegment - 10), second.diskMessages(), "the damaged part no longer counts");
    }

    @Test
    void whenTheWriterFallsBehindPublishingGoesOnAndAResumeGetsGapNoticesNeverAHole() throws Exception {
        ReplayBuffer buffer = buffer(dir, 1 << 30, T0);
        // 6,000 messages of 6 KB at once: far more than the writer's queue (4,096 messages, 8 MB) takes.
        long start = System.nanoTime();
        for (int i = 0; i < 6000; i++) {
            buffer.append(message(T0 + i, i, 4800), T0 + i);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 5, "publishing never waits for the disk: " + seconds + " s");
        long until = System.currentTimeMillis() + 20_000;
        while (buffer.diskMessages() + buffer.diskDropped() < 6000 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertTrue(buffer.diskDropped() > 0, "some were not written");
        assertEquals(6000, buffer.diskMessages() + buffer.diskDropped(), "each message written or counted");
        // Nothing more is published: the memory tail keeps at most its bound plus the writer's queue.
        assertTrue(buffer.bytes() <= 20_000 + ReplaySegments.QUEUE_BYTES, "memory bound: " + buffer.bytes());

        List<String> seen = resume(buffer, new Cursor(Cursor.stamp(T0, 0), 0, 0));
        long previous = -1;
        boolean gapBefore = false;
        int gaps = 0;
        for (String s : seen) {
            if (s.equals("gap")) {
                gapBefore = true;
                gaps++;
                continue;
            }
            long index = Long.parseLong(s);
            assertTrue(index > previous, "in order, once: " + index + " after " + previous);
            assertTrue(index == previous + 1 || gapBefore, "no silent hole before " + index);
            previous = index;
            gapBefore = false;
        }
        assertEquals(5999, previous, "up to the newest");
        assertTrue(gaps > 0);
    }

    @Test
    void diskPagesAreNeverReadOnAnEventLoop() throws Exception {
        ReplayBuffer buffer = buffer(dir, 1 << 30, T0);
        for (int i = 0; i < 100; i++) {
            buffer.append(message(T0 + i * 50L, i, 2000), T0 + i * 50L);
        }
        written(buffer, 100);
        Cursor since = message(T0, 0, 0).cursor();
        assertTrue(buffer.readsDisk(since));
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> onLoop = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                try {
                    buffer.after(since, 10, null);
                    onLoop.complete(null);
                } catch (IllegalStateException e) {
                    onLoop.complete(e);
                }
            });
            assertNotNull(onLoop.get(10, TimeUnit.SECONDS), "a disk read on an event loop is refused");
            // The tail is served right there.
            Cursor recent = message(T0 + 98 * 50L, 98, 0).cursor();
            assertFalse(buffer.readsDisk(recent));
            CompletableFuture<ReplayBuffer.Page> tail = new CompletableFuture<>();
            vertx.runOnContext(v -> tail.complete(buffer.after(recent, 10, null)));
            assertEquals(1, tail.get(10, TimeUnit.SECONDS).entries().size());
            assertNull(tail.get().gap());
        } finally {
            vertx.close().await();
        }
    }
}
