package io.certstream.plugins.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retrying: exponential from {@code initialMillis}, capped at {@code maxMillis},
 * with "equal jitter" (half fixed, half random) so that many hubs recovering from one outage of a shared
 * receiver do not retry in lock step. A receiver's {@code Retry-After} wins when present.
 */
record Backoff(long initialMillis, long maxMillis) {
    /** A receiver asking for more than this is treated as asking for this (and will be asked again). */
    static final long MAX_RETRY_AFTER_MILLIS = Duration.ofHours(1).toMillis();

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    long delayMillis(int attempt) {
        long exp = initialMillis << Math.min(attempt - 1, 30);
        long capped = Math.min(maxMillis, exp < 0 ? maxMillis : exp);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /**
     * A {@code Retry-After} header (delta seconds or an HTTP date) in milliseconds from {@code now},
     * or {@code -1} when absent or unreadable.
     */
    static long retryAfterMillis(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String value = header.trim();
        try {
            return Math.min(MAX_RETRY_AFTER_MILLIS, Math.max(0, Math.round(Double.parseDouble(value) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.min(MAX_RETRY_AFTER_MILLIS, Math.max(0, Duration.between(now, at).toMillis()));
            } catch (DateTimeParseException unreadable) {
                return -1;
            }
        }
    }
}
