package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.model.UpdateType;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayBufferTest {
    private static final long T0 = System.currentTimeMillis() + 1000;

    private static Published message(long millis, long index, int size) {
        Cursor c = new Cursor(Cursor.stamp(millis, 0), 1, index);
        Buffer bytes = Buffer.buffer(new byte[size]);
        return new Published(c, c.toString(), false, new Published.Facts(List.of("a.example"), UpdateType.X509LogEntry,
                "log", "https://log.example"), bytes, bytes, bytes);
    }

    @Test
    void pagesAfterACursorInOrder() {
        ReplayBuffer buffer = new ReplayBuffer(600_000, 1 << 30);
        for (int i = 0; i < 10; i++) {
            buffer.append(message(T0 + i, i, 100), T0 + i);
        }
        ReplayBuffer.Page page = buffer.after(message(T0 + 3, 3, 0).cursor(), 4);
        assertEquals(List.of(4L, 5L, 6L, 7L), page.entries().stream().map(p -> p.cursor().index()).toList());
        assertTrue(page.more());
        assertNull(page.gap(), "nothing after the cursor was dropped");
        assertTrue(buffer.after(message(T0 + 9, 9, 0).cursor(), 4).entries().isEmpty(), "caught up");
    }

    @Test
    void dropsByAgeAndBytesAndSaysWhatIsMissing() {
        long max = 40_000;
        ReplayBuffer buffer = new ReplayBuffer(60_000, max);
        for (int i = 0; i < 20; i++) {
            buffer.append(message(T0 + i * 1000L, i, 1000), T0 + i * 1000L);
            assertTrue(buffer.bytes() <= max, "the byte bound holds: " + buffer.bytes());
        }
        assertTrue(buffer.size() < 20 && buffer.size() >= 10, "about max / 3.5 KB kept: " + buffer.size());
        ReplayBuffer.Page page = buffer.after(message(T0, 0, 0).cursor(), 100);
        assertEquals(page.entries().get(0).cursor(), page.gap().oldest());
        assertEquals(20 - buffer.size(), page.gap().missingSeconds(), 0.01);

        buffer.append(message(T0 + 200_000, 99, 10), T0 + 200_000);
        assertEquals(1, buffer.size(), "older than replayMinutes are gone");
    }

    @Test
    void aCursorFromBeforeTheStartGetsAGapEvenWithNothingKept() {
        ReplayBuffer buffer = new ReplayBuffer(60_000, 1 << 20);
        ReplayBuffer.Page page = buffer.after(message(T0 - 120_000, 5, 0).cursor(), 10);
        assertNull(page.gap().oldest());
        assertTrue(page.gap().missingSeconds() > 100, "from the cursor to the hub's start: " + page.gap().missingSeconds());
        assertFalse(page.more());
    }

    @Test
    void aReplayOvertakenByTheMemoryBoundGetsAGapNoticeMidStream() {
        ReplayBuffer buffer = new ReplayBuffer(600_000, 40_000);
        for (int i = 0; i < 10; i++) {
            buffer.append(message(T0 + i, i, 1000), T0 + i);
        }
        ReplayBuffer.Page first = buffer.after(message(T0, 0, 0).cursor(), 2);
        assertEquals(List.of(1L, 2L), first.entries().stream().map(p -> p.cursor().index()).toList());
        assertNull(first.gap());
        // The client is slow; meanwhile the bound pushes out what it has not read yet.
        for (int i = 10; i < 30; i++) {
            buffer.append(message(T0 + i, i, 1000), T0 + i);
        }
        ReplayBuffer.Page next = buffer.fromMemory(first.next(), first.entries().get(1).cursor(), 100);
        assertEquals(first.entries().get(1).cursor(), next.gap().since(), "the gap starts after what it got");
        assertEquals(next.entries().get(0).cursor(), next.gap().oldest());
        assertEquals(29L, next.entries().get(next.entries().size() - 1).cursor().index());
        assertFalse(next.more());
    }
}
