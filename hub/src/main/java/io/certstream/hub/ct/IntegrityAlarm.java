package io.certstream.hub.ct;

import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.logging.Logger;

/**
 * Says loudly that a log failed an integrity check, the same way for every kind of log: a SEVERE log line, an
 * {@code integrity_*} error in the log's metrics and a JSON event on {@link BusAddresses#INTEGRITY}. The same
 * failure seen again (a log serves a bad head until it grows) is raised once only. Used from one watcher's event loop.
 */
public final class IntegrityAlarm {
    private static final Logger LOG = Logger.getLogger(IntegrityAlarm.class.getName());

    private final Vertx vertx;
    private final CtLog log;
    private final LogMetrics metrics;
    private String lastRaised;

    public IntegrityAlarm(Vertx vertx, CtLog log, LogMetrics metrics) {
        this.vertx = vertx;
        this.log = log;
        this.metrics = metrics;
    }

    /**
     * @param type     the event type, e.g. {@code sth_signature}; the metric is {@code integrity_} and what follows
     *                 the first underscore ({@link #fault})
     * @param sth      the tree head that failed (for a tiled log, the checkpoint's size and root; timestamp 0 when
     *                 unknown)
     * @param previous the trusted head it was checked against, or null
     * @return whether the alarm was raised (false: the same failure was raised last time)
     */
    public boolean raise(String type, SignedTreeHead sth, SignedTreeHead previous, String problem) {
        Base64.Encoder b64 = Base64.getEncoder();
        String key = type + " " + sth.treeSize() + " " + b64.encodeToString(sth.rootHash()) + " " + problem;
        if (key.equals(lastRaised)) {
            return false;
        }
        lastRaised = key;
        String message = log.url() + ": INTEGRITY FAILURE (" + type + ") at tree size " + sth.treeSize()
                + (previous == null ? "" : " (previous tree size " + previous.treeSize() + ")") + ": " + problem;
        metrics.error(fault(type), message);
        LOG.severe(() -> log.name() + ": " + message + ". This log may be misbehaving or compromised; see "
                + BusAddresses.INTEGRITY + " and /metrics.");
        JsonObject event = new JsonObject()
                .put("type", type)
                .put("log", new JsonObject().put("name", log.name()).put("url", log.url()).put("kind", log.kind()))
                .put("tree_size", sth.treeSize())
                .put("timestamp", sth.timestamp())
                .put("root_hash", b64.encodeToString(sth.rootHash()))
                .put("message", message)
                .put("seen", System.currentTimeMillis() / 1000.0);
        if (previous != null) {
            event.put("previous_tree_size", previous.treeSize())
                    .put("previous_root_hash", b64.encodeToString(previous.rootHash()));
        }
        vertx.eventBus().publish(BusAddresses.INTEGRITY, event);
        return true;
    }

    /** {@code sth_fork} -> {@link FaultKind#INTEGRITY_FORK}: every event type must name a known fault. */
    static FaultKind fault(String type) {
        FaultKind kind = FaultKind.ofLabel("integrity_" + type.substring(type.indexOf('_') + 1));
        if (kind == null) {
            throw new IllegalArgumentException("integrity event type " + type + " has no integrity_* FaultKind");
        }
        return kind;
    }
}
