package io.certstream.hub.wire;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code seen} and {@code source.timestamp} are spelled as BigDecimal spelled them (Go's float64 of milliseconds / 1000). */
class SecondsTest {

    private static String viaBigDecimal(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    @Test
    void secondsAreSpelledAsBefore() {
        assertEquals("1659301203.904", WireFormat.seconds(1659301203904L));
        assertEquals("1659301203.9", WireFormat.seconds(1659301203900L));
        assertEquals("1659301203", WireFormat.seconds(1659301203000L));
        long[] edges = {0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1010, 1100, 10_000, -1, -10, -1500, -1000, 5,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long millis : edges) {
            assertEquals(viaBigDecimal(millis), WireFormat.seconds(millis), "millis " + millis);
        }
        Random random = new Random(18);
        for (int i = 0; i < 100_000; i++) {
            long millis = i % 2 == 0 ? 1_700_000_000_000L + random.nextInt(1_000_000_000) : random.nextLong() / (1 + random.nextInt(1000));
            assertEquals(viaBigDecimal(millis), WireFormat.seconds(millis), "millis " + millis);
        }
    }
}
