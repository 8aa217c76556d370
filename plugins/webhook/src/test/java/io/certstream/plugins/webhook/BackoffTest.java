package io.certstream.plugins.webhook;

import org.junit.jupiter.api.Test;

import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    @Test
    void delaysDoubleUpToTheCapWithEqualJitter() {
        Backoff backoff = new Backoff(100, 3_000);
        for (int attempt = 1; attempt <= 40; attempt++) {
            long capped = Math.min(3_000, 100L << Math.min(attempt - 1, 30));
            int a = attempt;
            LongSummaryStatistics delays = LongStream.range(0, 2_000).map(i -> backoff.delayMillis(a)).summaryStatistics();
            assertTrue(delays.getMin() >= capped / 2 && delays.getMax() <= capped,
                    "attempt " + attempt + ": " + delays + " outside [" + capped / 2 + ", " + capped + "]");
            // Jittered, not fixed: the delays spread over the random half.
            assertTrue(delays.getMin() < capped * 0.6 && delays.getMax() > capped * 0.9, "attempt " + attempt + ": " + delays);
        }
    }
}
