package io.certstream.hub.ct;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static final int DRAWS = 2000;

    @Test
    void delaysDoubleFromOneSecondWithJitterInTheUpperHalf() {
        long[] ceilings = {1000, 2000, 4000, 8000, 16_000, 32_000};
        for (int failure = 0; failure < ceilings.length; failure++) {
            long ceiling = ceilings[failure];
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < DRAWS; i++) {
                Backoff backoff = new Backoff(300_000);
                for (int f = 0; f < failure; f++) {
                    backoff.nextDelay(0);
                }
                long delay = backoff.nextDelay(0);
                min = Math.min(min, delay);
                max = Math.max(max, delay);
                assertEquals(failure + 1, backoff.failures());
            }
            assertTrue(min >= ceiling / 2 && max <= ceiling, "failure " + (failure + 1) + ": delays within ["
                    + ceiling / 2 + ", " + ceiling + "] ms, got " + min + ".." + max);
            // Jitter: the draws spread over the range, they are not one fixed value.
            assertTrue(max - min > ceiling / 4, "failure " + (failure + 1) + ": jittered, got " + min + ".." + max);
        }
    }

    @Test
    void delaysStopGrowingAtTheCeilingHoweverManyFailures() {
        Backoff backoff = new Backoff(5000);
        for (int i = 0; i < 100; i++) {
            long delay = backoff.nextDelay(0);
            assertTrue(delay <= 5000, "never above maxMillis: " + delay);
            if (i >= 3) {
                assertTrue(delay >= 2500, "at the ceiling after 4 failures, drawn from its upper half: " + delay);
            }
        }
        assertEquals(100, backoff.failures());
    }

    @Test
    void resetStartsOverFromOneSecond() {
        Backoff backoff = new Backoff(300_000);
        for (int i = 0; i < 10; i++) {
            backoff.nextDelay(0);
        }
        backoff.reset();
        assertEquals(0, backoff.failures());
        assertTrue(backoff.nextDelay(0) <= 1000);
    }

    @Test
    void retryAfterIsHonouredAboveTheBackoffAndTheCeilingUpToAnHour() {
        Backoff backoff = new Backoff(1000);
        assertEquals(3000, backoff.nextDelay(3000), "Retry-After: 3 with maxBackoffSeconds=1 waits 3 s");
        assertEquals(Backoff.MAX_RETRY_AFTER_MILLIS, backoff.nextDelay(86_400_000L), "a day is cut to an hour");
        long delay = backoff.nextDelay(10);
        assertTrue(delay >= 500 && delay <= 1000, "a short Retry-After does not shorten the backoff: " + delay);
    }
}
