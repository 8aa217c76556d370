package io.certstream.retry;

import io.certstream.retry.Backoff.Jitter;
import org.junit.jupiter.api.Test;

import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one backoff, with each caller's settings: the hub's watchers, the webhook, Slack and the client. */
class BackoffTest {
    private static final int DRAWS = 2000;

    private static LongSummaryStatistics draws(Backoff backoff, int attempt) {
        return LongStream.range(0, DRAWS).map(i -> backoff.delayMillis(attempt)).summaryStatistics();
    }

    @Test
    void watcherDelaysDoubleFromOneSecondWithJitterInTheUpperHalf() {
        Backoff watcher = new Backoff(1000, 300_000, Jitter.EQUAL); // as LogWatcher builds it
        long[] ceilings = {1000, 2000, 4000, 8000, 16_000, 32_000};
        for (int failure = 0; failure < ceilings.length; failure++) {
            long ceiling = ceilings[failure];
            LongSummaryStatistics delays = draws(watcher, failure + 1);
            assertTrue(delays.getMin() >= ceiling / 2 && delays.getMax() <= ceiling, "failure " + (failure + 1)
                    + ": delays within [" + ceiling / 2 + ", " + ceiling + "] ms, got " + delays);
            // Jitter: the draws spread over the range, they are not one fixed value.
            assertTrue(delays.getMax() - delays.getMin() > ceiling / 4, "failure " + (failure + 1) + ": jittered, got " + delays);
        }
    }

    @Test
    void delaysStopGrowingAtTheCeilingHoweverManyFailures() {
        Backoff watcher = new Backoff(1000, 5000, Jitter.EQUAL);
        for (int attempt = 1; attempt <= 100; attempt++) {
            long delay = watcher.delayMillis(attempt);
            assertTrue(delay <= 5000, "never above maxMillis: " + delay);
            if (attempt >= 4) {
                assertTrue(delay >= 2500, "at the ceiling after 4 failures, drawn from its upper half: " + delay);
            }
        }
        assertTrue(watcher.delayMillis(Integer.MAX_VALUE) <= 5000, "no overflow however many failures");
    }

    @Test
    void theFirstAttemptStartsFromTheInitialDelay() {
        // A watcher that recovered counts its failures from 1 again: its next wait is at most one second.
        Backoff watcher = new Backoff(1000, 300_000, Jitter.EQUAL);
        assertTrue(draws(watcher, 1).getMax() <= 1000);
        assertTrue(draws(watcher, 0).getMax() <= 1000, "attempt 0 counts as the first");
    }

    @Test
    void retryAfterIsHonouredAboveTheBackoffAndTheCeilingUpToAnHour() {
        Backoff watcher = new Backoff(1000, 1000, Jitter.EQUAL);
        assertEquals(3000, watcher.delayMillis(1, 3000), "Retry-After: 3 with maxBackoffSeconds=1 waits 3 s");
        assertEquals(RetryAfter.MAX_MILLIS, watcher.delayMillis(2, 86_400_000L), "a day is cut to an hour");
        long delay = watcher.delayMillis(3, 10);
        assertTrue(delay >= 500 && delay <= 1000, "a short Retry-After does not shorten the backoff: " + delay);
        delay = watcher.delayMillis(3, -1);
        assertTrue(delay >= 500 && delay <= 1000, "no Retry-After: the backoff: " + delay);
    }

    @Test
    void webhookDelaysDoubleUpToTheCapWithEqualJitter() {
        Backoff webhook = new Backoff(100, 3_000, Jitter.EQUAL);
        for (int attempt = 1; attempt <= 40; attempt++) {
            long capped = Math.min(3_000, 100L << Math.min(attempt - 1, 30));
            LongSummaryStatistics delays = draws(webhook, attempt);
            assertTrue(delays.getMin() >= capped / 2 && delays.getMax() <= capped,
                    "attempt " + attempt + ": " + delays + " outside [" + capped / 2 + ", " + capped + "]");
            // Jittered, not fixed: the delays spread over the random half.
            assertTrue(delays.getMin() < capped * 0.6 && delays.getMax() > capped * 0.9, "attempt " + attempt + ": " + delays);
        }
    }

    @Test
    void slackRetriesOnAFixedScheduleUpToAMinute() {
        Backoff slack = new Backoff(500, 60_000, Jitter.NONE);
        long[] expected = {500, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertEquals(expected[attempt - 1], slack.delayMillis(attempt), "attempt " + attempt);
        }
        assertEquals(60_000, slack.delayMillis(1000));
    }

    @Test
    void clientReconnectsWithinTwentyPercentOfTheDoublingDelay() {
        Backoff client = new Backoff(300, 3000, Jitter.PLUS_MINUS_20_PERCENT);
        for (int attempt = 1; attempt <= 40; attempt++) {
            long base = Math.min(3000, 300L << Math.min(attempt - 1, 30));
            LongSummaryStatistics delays = draws(client, attempt);
            assertTrue(delays.getMin() >= Math.round(base * 0.8) && delays.getMax() <= Math.round(base * 1.2),
                    "attempt " + attempt + ": " + delays + " outside " + base + " +-20 %");
            assertTrue(delays.getMin() < base * 0.9 && delays.getMax() > base * 1.1, "attempt " + attempt + ": " + delays);
        }
        assertEquals(1, new Backoff(1, 1, Jitter.PLUS_MINUS_20_PERCENT).delayMillis(1), "at least 1 ms");
    }

    @Test
    void aCapBelowTheInitialDelayWins() {
        assertEquals(200, new Backoff(1000, 200, Jitter.NONE).delayMillis(1));
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 1000, Jitter.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 0, Jitter.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 1000, null));
    }
}
