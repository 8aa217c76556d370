package io.certstream.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 10.2.3): delay seconds (fractions tolerated) or an HTTP date.
 * The one parser of the project: CT logs, webhook receivers and Slack all answer 429 with it.
 */
public final class RetryAfter {
    /**
     * The longest wait honoured: one hour. A server asking for more is treated as asking for this (and is asked
     * again then), so a broken header cannot park a watcher or a plugin for days.
     */
    public static final long MAX_MILLIS = Duration.ofHours(1).toMillis();

    private RetryAfter() {
    }

    /**
     * The header in milliseconds from {@code now}, between 0 and {@link #MAX_MILLIS}; {@code -1} when the header is
     * absent or unreadable (each caller decides what that means: no wait, or its own default).
     */
    public static long millis(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String value = header.trim();
        try {
            double seconds = Double.parseDouble(value);
            if (!Double.isFinite(seconds)) {
                return -1;
            }
            return Math.min(MAX_MILLIS, Math.max(0, Math.round(seconds * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.min(MAX_MILLIS, Math.max(0, Duration.between(now, at).toMillis()));
            } catch (DateTimeParseException unreadable) {
                return -1;
            }
        }
    }
}
