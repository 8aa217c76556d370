package io.certstream.hub.sim;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedLogOptionsTest {

    @Test
    void defaultsDescribeASmallGrowingLog() {
        assertEquals(new SimulatedLogOptions(64, 5, 32, 0.5, 1, "CertStream simulated log"), SimulatedLogOptions.defaults());
    }

    @Test
    void missingJsonKeysKeepTheDefaults() {
        SimulatedLogOptions options = SimulatedLogOptions.fromJson(new JsonObject().put("initialSize", 500).put("seed", 7));
        assertEquals(SimulatedLogOptions.defaults().withInitialSize(500).withSeed(7), options);
        assertEquals(options, SimulatedLogOptions.fromJson(options.toJson()));
    }

    @Test
    void rejectsNonsenseWithTheOffendingValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SimulatedLogOptions.defaults().withBatchCap(0));
        assertTrue(error.getMessage().contains("batchCap"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimulatedLogOptions.defaults().withPrecertRatio(1.5));
        assertThrows(IllegalArgumentException.class, () -> SimulatedLogOptions.defaults().withEntriesPerSecond(-1));
    }
}
