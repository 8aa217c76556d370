package io.certstream.plugins.webhook;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

import java.util.List;

/**
 * One POST: consecutive queue items in the body
 * {@code {"webhook": <name>, "batch_id": <id>, "items": [{"id": <item id>, "data": <item>}, ...]}}.
 * Item ids never change, even across restarts and replays, so a receiver that must not count an item twice (the
 * hub crashed between the receiver's 2xx and recording it, or replayed entries after a crash) can deduplicate: a
 * certificate's is {@code certificate:<log url>:<cert_index>}, an alert's its own {@code id}
 * ({@code <plugin>:<rule>:<log url>:<cert_index>}); both are stored with the item ({@code {"id":..,"data":..}}).
 * An item stored without one (an older queue, or a message without log and index) gets {@code <queue id>-<seq>}.
 */
final class Batch {
    /** How an item stored with its own id starts (a bare message starts with {@code {"message_type"}). */
    static final String STORED_WITH_ID = "{\"id\":";
    private final String id;
    private final long lastSeq;
    private final int size;
    private final Buffer body;
    private int attempts;

    private Batch(String id, long lastSeq, int size, Buffer body) {
        this.id = id;
        this.lastSeq = lastSeq;
        this.size = size;
        this.body = body;
    }

    static Batch of(String webhook, String queueId, List<DurableQueue.Entry> entries) {
        long first = entries.get(0).seq();
        long last = entries.get(entries.size() - 1).seq();
        String id = queueId + "-" + first + "-" + last;
        // Items are stored as JSON text: splice them in rather than parse and re-encode each one.
        StringBuilder json = new StringBuilder(64 + entries.size() * 1024)
                .append("{\"webhook\":").append(Json.encode(webhook))
                .append(",\"batch_id\":\"").append(id).append("\",\"items\":[");
        for (int i = 0; i < entries.size(); i++) {
            DurableQueue.Entry e = entries.get(i);
            json.append(i == 0 ? "" : ",");
            if (e.payload().startsWith(STORED_WITH_ID)) {
                json.append(e.payload());
            } else {
                json.append("{\"id\":\"").append(queueId).append('-').append(e.seq())
                        .append("\",\"data\":").append(e.payload()).append('}');
            }
        }
        json.append("]}");
        return new Batch(id, last, entries.size(), Buffer.buffer(json.toString()));
    }

    String id() {
        return id;
    }

    long lastSeq() {
        return lastSeq;
    }

    int size() {
        return size;
    }

    Buffer body() {
        return body;
    }

    /** Counts one more attempt and returns the count (1 for the first). */
    int nextAttempt() {
        return ++attempts;
    }

    int attempts() {
        return attempts;
    }
}
