package io.certstream.hub.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CursorTest {

    @Test
    void textRoundTripsAndStringOrderIsCursorOrder() {
        List<Cursor> cursors = new ArrayList<>();
        long now = 1_764_844_800_123L;
        cursors.add(new Cursor(Cursor.stamp(now, 0), 0xfedcba98, 5));
        cursors.add(new Cursor(Cursor.stamp(now, 1), 0x00000001, 3));
        cursors.add(new Cursor(Cursor.stamp(now, 1), 0x80000000, 2));
        cursors.add(new Cursor(Cursor.stamp(now + 1, 0), 7, 123_456_789_012L));
        for (Cursor c : cursors) {
            assertEquals(c, Cursor.parse(c.toString()));
        }
        List<String> texts = new ArrayList<>(cursors.stream().map(Cursor::toString).toList());
        Collections.shuffle(texts);
        Collections.sort(texts);
        List<Cursor> byCursor = new ArrayList<>(cursors);
        Collections.shuffle(byCursor);
        Collections.sort(byCursor);
        assertEquals(byCursor.stream().map(Cursor::toString).toList(), texts);
        assertEquals(now, cursors.get(0).millis());
    }

    @Test
    void textIsSpelledAsWithAStringBuilder() {
        long[] stamps = {0, 1, Cursor.stamp(1_764_844_800_123L, 7), 0xfedcba9876543210L, -1L};
        int[] logs = {0, 1, 0x7fffffff, 0x80000000, -1};
        long[] indexes = {0, 9, 10, 99, 100, 123_456_789_012L, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        for (long stamp : stamps) {
            for (int log : logs) {
                for (long index : indexes) {
                    String expected = String.format("%016x-%08x-%d", stamp, log, index);
                    assertEquals(expected, new Cursor(stamp, log, index).toString());
                }
            }
        }
    }

    @Test
    void rejectsWhatIsNotACursor() {
        for (String bad : new String[] {"", "abc", "0190000000000000-0000000-1", "0190000000000000-00000000-", "zz90000000000000-00000000-1"}) {
            assertThrows(IllegalArgumentException.class, () -> Cursor.parse(bad), bad);
        }
    }

    @Test
    void theCursorGoesRightAfterMessageTypeAndTheRestIsUnchanged() {
        Buffer message = Buffer.buffer("{\"message_type\":\"dns_entries\",\"cursor\":\"" + Cursor.unstamped(1, 7)
                + "\",\"data\":[\"a.example\"]}");
        assertEquals("{\"message_type\":\"dns_entries\",\"cursor\":\"0000000000000000-00000001-7\",\"data\":[\"a.example\"]}",
                message.toString());
        WireFormat.checkUnstamped(message, WireFormat.DNS_STAMP_AT);
        message.setBytes(WireFormat.DNS_STAMP_AT, Cursor.stampDigits(0x0190000000000000L));
        assertThrows(IllegalStateException.class, () -> WireFormat.checkUnstamped(message, WireFormat.DNS_STAMP_AT));
        assertEquals("{\"message_type\":\"dns_entries\",\"cursor\":\"0190000000000000-00000001-7\",\"data\":[\"a.example\"]}",
                message.toString());
        assertTrue(new JsonObject(message).getJsonArray("data").contains("a.example"));
    }
}
