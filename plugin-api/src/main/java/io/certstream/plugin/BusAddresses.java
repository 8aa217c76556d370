package io.certstream.plugin;

/**
 * The hub's public event-bus addresses. These names are a stable, documented contract (see README):
 * plugins, the SockJS/TCP bridges and embedding applications subscribe to them.
 */
public final class BusAddresses {

    /**
     * Every decoded certificate as a {@link io.certstream.model.CertificateUpdate} object.
     * Local to the hub's JVM (delivered by reference, never copied or serialized): the address plugins use.
     */
    public static final String UPDATES = "certstream.updates";

    /**
     * Full-stream messages: the exact JSON text of the {@code /full-stream} websocket, as a {@code Buffer}. The text
     * buffers of this and the other stream addresses are shared by every consumer (the hub serializes a message once):
     * read them, never write to them.
     */
    public static final String FULL = "certstream.full";

    /** Lite messages (no {@code as_der}, no {@code chain}): the JSON text of the {@code /} websocket, as a {@code Buffer}. */
    public static final String LITE = "certstream.lite";

    /** {@code {"message_type":"dns_entries","data":[...]}}: the JSON text of the {@code /domains-only} websocket, as a {@code Buffer}. */
    public static final String DOMAINS_ONLY = "certstream.domains-only";

    /** {@code {"message_type":"heartbeat","timestamp":...}} published every heartbeat interval, as a {@code Buffer}. */
    public static final String HEARTBEAT = "certstream.heartbeat";

    /** Alerts published by alerting plugins (e.g. keyword-alert), as JSON objects. */
    public static final String ALERTS = "certstream.alerts";

    /**
     * Integrity failures of a log, as JSON objects: a tree head whose signature does not verify with the log's key,
     * two tree heads that the log's consistency proof does not connect, or two different roots for one tree size.
     * {@code {"type":"sth_signature"|"sth_consistency"|"sth_fork","log":{"name":..,"url":..},"tree_size":..,
     * "timestamp":..,"root_hash":..,"previous_tree_size":..,"previous_root_hash":..,"message":..,"seen":..}}.
     */
    public static final String INTEGRITY = "certstream.integrity";

    private BusAddresses() {
    }
}
