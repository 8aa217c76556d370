package io.certstream.hub.publish;

import io.certstream.hub.wire.Cursor;
import io.certstream.model.UpdateType;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class ClusterOrderTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long DELAY = 250;

    private static Published message(long millis, int log, long index) {
        Cursor c = new Cursor(Cursor.stamp(millis, 0), log, index);
        Buffer bytes = Buffer.buffer("{}");
        return new Published(c, c.toString(), false, new Published.Facts(List.of("a.example"), UpdateType.X509LogEntry,
                "log", "https://log" + log + ".example"), bytes, bytes, bytes);
    }

    private static List<Long> indexes(List<ClusterOrder.Held> held) {
        return held.stream().map(h -> h.published().cursor().index()).toList();
    }

    @Test
    void twoArrivalOrdersLeaveInTheSameCursorOrder() {
        // Node x and node y get the same messages from two publishers in different interleavings.
        List<Published> fromP = List.of(message(T0, 1, 1), message(T0 + 20, 1, 2), message(T0 + 40, 1, 3));
        List<Published> fromQ = List.of(message(T0 + 10, 2, 11), message(T0 + 30, 2, 12), message(T0 + 50, 2, 13));
        ClusterOrder x = new ClusterOrder(DELAY, 1000);
        ClusterOrder y = new ClusterOrder(DELAY, 1000);
        long arrival = T0 + 60;
        for (Published p : fromP) {
            assertNull(x.add(p, 1, arrival));
        }
        for (Published p : fromQ) {
            assertNull(x.add(p, 1, arrival));
            assertNull(y.add(p, 1, arrival));
        }
        for (Published p : fromP) {
            assertNull(y.add(p, 1, arrival));
        }
        assertEquals(List.of(), x.due(T0 + DELAY - 1), "nothing before the delay");
        assertEquals(List.of(1L, 11L, 2L), indexes(x.due(T0 + 20 + DELAY)), "due ones, smallest cursor first");
        assertEquals(List.of(1L, 11L, 2L, 12L, 3L, 13L), indexes(y.due(T0 + 50 + DELAY)));
        assertEquals(List.of(12L, 3L, 13L), indexes(x.due(T0 + 50 + DELAY)));
        assertEquals(0, x.held());
        assertEquals(0, x.late());
    }

    @Test
    void aNodeClockFarAheadHoldsNoLongerThanTheDelay() {
        ClusterOrder order = new ClusterOrder(DELAY, 1000);
        // Stamped an hour in the future: due at arrival + delay, not at its stamp + delay.
        assertNull(order.add(message(T0 + 3_600_000, 1, 7), 1, T0));
        assertEquals(List.of(7L), indexes(order.due(T0 + DELAY)));
    }

    @Test
    void aLateArrivalLeavesAtOnceAndIsCounted() {
        ClusterOrder order = new ClusterOrder(DELAY, 1000);
        order.add(message(T0 + 100, 1, 1), 1, T0 + 100);
        assertEquals(List.of(1L), indexes(order.due(T0 + 100 + DELAY)));
        // Stamped before what already left, arriving only now: delivered, never dropped, counted.
        ClusterOrder.Held late = order.add(message(T0 + 50, 2, 5), 9, T0 + 400);
        assertNotNull(late);
        assertEquals(9, late.dedupKey());
        assertEquals(1, order.late());
        assertEquals(0, order.held());
        // Not late: after what left.
        assertNull(order.add(message(T0 + 101, 2, 6), 1, T0 + 401));
        assertEquals(1, order.late());
    }

    @Test
    void beyondMaxHeldTheSmallestCursorsLeaveEarly() {
        ClusterOrder order = new ClusterOrder(DELAY, 3);
        for (int i = 5; i >= 1; i--) {
            order.add(message(T0 + i, 1, i), 1, T0);
        }
        assertEquals(List.of(1L, 2L), indexes(order.due(T0)), "bounded: two over the cap leave now");
        assertEquals(List.of(3L, 4L, 5L), indexes(order.drain()));
    }
}
