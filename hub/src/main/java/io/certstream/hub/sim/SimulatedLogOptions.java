package io.certstream.hub.sim;

import io.vertx.core.json.JsonObject;

/**
 * How a {@link SimulatedCtLog} behaves.
 *
 * @param initialSize      entries issued before the server answers
 * @param entriesPerSecond entries added per second while running; 0 keeps the tree static
 * @param batchCap         most entries one {@code get-entries} answer holds (real logs cap at 32..1024)
 * @param precertRatio     share of entries that are precertificates, 0..1
 * @param seed             makes domain names, serials and entry types reproducible
 * @param description      the log's description in {@code /log_list.json}
 */
public record SimulatedLogOptions(int initialSize, int entriesPerSecond, int batchCap, double precertRatio,
                                  long seed, String description) {

    public SimulatedLogOptions {
        if (initialSize < 0) {
            throw new IllegalArgumentException("initialSize must be >= 0, got " + initialSize);
        }
        if (entriesPerSecond < 0) {
            throw new IllegalArgumentException("entriesPerSecond must be >= 0, got " + entriesPerSecond);
        }
        if (batchCap < 1) {
            throw new IllegalArgumentException("batchCap must be >= 1, got " + batchCap);
        }
        if (!(precertRatio >= 0 && precertRatio <= 1)) {
            throw new IllegalArgumentException("precertRatio must be within [0, 1], got " + precertRatio);
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("description must not be blank");
        }
    }

    /** 64 initial entries, 5 new per second, 32 per get-entries, half precerts, seed 1. */
    public static SimulatedLogOptions defaults() {
        return new SimulatedLogOptions(64, 5, 32, 0.5, 1, "CertStream simulated log");
    }

    /** Reads the options from JSON keys named like the components; missing keys keep {@link #defaults()}. */
    public static SimulatedLogOptions fromJson(JsonObject json) {
        SimulatedLogOptions d = defaults();
        return new SimulatedLogOptions(
                json.getInteger("initialSize", d.initialSize()),
                json.getInteger("entriesPerSecond", d.entriesPerSecond()),
                json.getInteger("batchCap", d.batchCap()),
                json.getDouble("precertRatio", d.precertRatio()),
                json.getLong("seed", d.seed()),
                json.getString("description", d.description()));
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("initialSize", initialSize)
                .put("entriesPerSecond", entriesPerSecond)
                .put("batchCap", batchCap)
                .put("precertRatio", precertRatio)
                .put("seed", seed)
                .put("description", description);
    }

    public SimulatedLogOptions withInitialSize(int value) {
        return new SimulatedLogOptions(value, entriesPerSecond, batchCap, precertRatio, seed, description);
    }

    public SimulatedLogOptions withEntriesPerSecond(int value) {
        return new SimulatedLogOptions(initialSize, value, batchCap, precertRatio, seed, description);
    }

    public SimulatedLogOptions withBatchCap(int value) {
        return new SimulatedLogOptions(initialSize, entriesPerSecond, value, precertRatio, seed, description);
    }

    public SimulatedLogOptions withPrecertRatio(double value) {
        return new SimulatedLogOptions(initialSize, entriesPerSecond, batchCap, value, seed, description);
    }

    public SimulatedLogOptions withSeed(long value) {
        return new SimulatedLogOptions(initialSize, entriesPerSecond, batchCap, precertRatio, value, description);
    }

    public SimulatedLogOptions withDescription(String value) {
        return new SimulatedLogOptions(initialSize, entriesPerSecond, batchCap, precertRatio, seed, value);
    }
}
