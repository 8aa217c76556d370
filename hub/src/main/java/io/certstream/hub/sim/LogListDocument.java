package io.certstream.hub.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Builds a Chrome log list v3 document ({@code log_list.json}) naming simulated logs. */
public final class LogListDocument {

    public static final String OPERATOR = "CertStream Simulation";

    private LogListDocument() {
    }

    /** A list with one operator that runs {@code logs}. */
    public static JsonObject forLogs(List<SimulatedCtLog> logs) {
        return forLogs(logs, List.of());
    }

    /** A list with one operator that runs the RFC 6962 APIs of {@code logs} and the tiled views of {@code tiled}. */
    public static JsonObject forLogs(List<SimulatedCtLog> logs, List<SimulatedCtLog> tiled) {
        JsonArray entries = new JsonArray();
        for (SimulatedCtLog log : logs) {
            entries.add(logEntry(log.options().description(), log.logId(), log.publicKeyBase64(), log.url() + "/"));
        }
        JsonArray tiledEntries = new JsonArray();
        for (SimulatedCtLog log : tiled) {
            JsonObject entry = logEntry(log.options().description(), log.logId(), log.publicKeyBase64(), log.url() + "/");
            entry.remove("url");
            tiledEntries.add(entry.put("submission_url", log.url() + "/").put("monitoring_url", log.tiledUrl() + "/"));
        }
        return new JsonObject()
                .put("version", "1.0")
                .put("log_list_timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("operators", new JsonArray().add(new JsonObject()
                        .put("name", OPERATOR)
                        .put("email", new JsonArray())
                        .put("logs", entries)
                        .put("tiled_logs", tiledEntries)));
    }

    // A wide temporal interval keeps the log accepting whatever expiry the mint picks.
    static JsonObject logEntry(String description, String logIdBase64, String keyBase64, String url) {
        return new JsonObject()
                .put("description", description)
                .put("log_id", logIdBase64)
                .put("key", keyBase64)
                .put("url", url)
                .put("mmd", 86400)
                .put("state", new JsonObject().put("usable", new JsonObject().put("timestamp", "2020-01-01T00:00:00Z")))
                .put("temporal_interval", new JsonObject()
                        .put("start_inclusive", "2020-01-01T00:00:00Z")
                        .put("end_exclusive", "2100-01-01T00:00:00Z"));
    }
}
