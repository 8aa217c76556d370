package io.certstream.hub.ct;

import io.certstream.hub.metrics.FaultKind;

import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Logs a watcher's faults without flooding the output: the first fault of each kind is logged at once, then at most
 * one line per kind per {@code windowMillis}, which says how many were left out in between. Metrics count them all.
 * Used from one watcher's event loop (or its worker) at a time.
 */
public final class ThrottledFaultLog {
    private final Logger logger;
    private final String logName;
    private final long windowMillis;
    private final Map<FaultKind, long[]> byKind = new EnumMap<>(FaultKind.class);

    public ThrottledFaultLog(Logger logger, String logName, long windowMillis) {
        this.logger = logger;
        this.logName = logName;
        this.windowMillis = windowMillis;
    }

    /** @param message says what failed and where: the URL and the entry index */
    public synchronized void report(FaultKind kind, String message, long nowMillis) {
        long[] state = byKind.get(kind); // {time of the last line, faults left out since}
        if (state == null) {
            state = new long[] {nowMillis, 0};
            byKind.put(kind, state);
        } else if (nowMillis - state[0] < windowMillis) {
            state[1]++;
            return;
        }
        long suppressed = state[1];
        state[0] = nowMillis;
        state[1] = 0;
        log(kind, message, suppressed);
    }

    private void log(FaultKind kind, String message, long suppressed) {
        logger.warning(() -> logName + ": " + message + " [" + kind + "]"
                + (suppressed > 0 ? " (" + suppressed + " more " + kind + " faults since the last such line)" : ""));
    }
}
