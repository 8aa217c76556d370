package io.certstream.retry;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static String httpDate(Instant at) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
    }

    @Test
    void delaySeconds() {
        assertEquals(3000, RetryAfter.millis("3", NOW));
        assertEquals(3000, RetryAfter.millis(" 3 ", NOW), "trimmed");
        assertEquals(1500, RetryAfter.millis("1.5", NOW), "a fraction is tolerated");
        assertEquals(0, RetryAfter.millis("0", NOW));
        assertEquals(0, RetryAfter.millis("-5", NOW), "never negative");
    }

    @Test
    void anHttpDate() {
        assertEquals(120_000, RetryAfter.millis(httpDate(NOW.plusSeconds(120)), NOW));
        assertEquals(0, RetryAfter.millis(httpDate(NOW.minusSeconds(120)), NOW), "a date in the past: now");
        assertEquals(5000, RetryAfter.millis("Fri, 04 Dec 2026 12:00:05 GMT", NOW));
    }

    @Test
    void atMostAnHour() {
        assertEquals(RetryAfter.MAX_MILLIS, RetryAfter.millis("86400", NOW));
        assertEquals(RetryAfter.MAX_MILLIS, RetryAfter.millis(httpDate(NOW.plusSeconds(86_400)), NOW));
        assertEquals(3_600_000, RetryAfter.MAX_MILLIS);
    }

    @Test
    void absentOrUnreadableIsMinusOne() {
        assertEquals(-1, RetryAfter.millis(null, NOW));
        assertEquals(-1, RetryAfter.millis("", NOW));
        assertEquals(-1, RetryAfter.millis("soon", NOW));
        assertEquals(-1, RetryAfter.millis("NaN", NOW));
        assertEquals(-1, RetryAfter.millis("Infinity", NOW));
    }
}
