package io.certstream.hub.sim;

import java.util.EnumSet;
import java.util.Set;

/**
 * Faults a {@link SimulatedCtLog} injects into its RFC 6962 API while the plan is active
 * ({@link SimulatedCtLog#injectFaults}, switched off again with {@link SimulatedCtLog#stopFaults}).
 *
 * @param rate       share of requests that get a fault, 0..1; each faulty request gets one kind drawn uniformly
 * @param kinds      the faults to draw from
 * @param slowMillis how long a {@link Fault#SLOW} reply waits before it is answered normally
 * @param seed       makes the sequence of faults reproducible
 */
public record FaultPlan(double rate, Set<Fault> kinds, long slowMillis, long seed) {

    /** What can go wrong with a request, as real CT logs show it. */
    public enum Fault {
        /** HTTP 429 with {@code Retry-After: 1}. */
        RATE_LIMIT,
        /** HTTP 500. */
        SERVER_ERROR,
        /** The connection is closed without an answer. */
        RESET,
        /** The normal answer, {@code slowMillis} late. */
        SLOW,
        /** HTTP 200 with a body that is not the expected JSON. */
        GARBAGE,
        /** HTTP 200 with the normal JSON cut in the middle. */
        TRUNCATED
    }

    public FaultPlan {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("fault rate must be within [0, 1], got " + rate);
        }
        if (kinds == null || kinds.isEmpty()) {
            throw new IllegalArgumentException("a fault plan needs at least one kind of fault");
        }
        if (slowMillis < 0) {
            throw new IllegalArgumentException("slowMillis must be >= 0, got " + slowMillis);
        }
        kinds = Set.copyOf(kinds);
    }

    /** Every kind of fault at {@code rate}, slow replies 2 s late. */
    public static FaultPlan all(double rate) {
        return new FaultPlan(rate, EnumSet.allOf(Fault.class), 2000, 1);
    }

    /** Only {@code fault}, at {@code rate}. */
    public static FaultPlan only(Fault fault, double rate) {
        return new FaultPlan(rate, EnumSet.of(fault), 2000, 1);
    }

    public FaultPlan withSlowMillis(long value) {
        return new FaultPlan(rate, kinds, value, seed);
    }
}
