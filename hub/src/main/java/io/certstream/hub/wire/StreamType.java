package io.certstream.hub.wire;

import io.certstream.plugin.BusAddresses;
import io.vertx.core.buffer.Buffer;

/** The three CertStream streams: websocket path, bus address, and the name used in stats. */
public enum StreamType {
    LITE("/", BusAddresses.LITE, "lite"),
    FULL("/full-stream", BusAddresses.FULL, "full-stream"),
    DOMAINS_ONLY("/domains-only", BusAddresses.DOMAINS_ONLY, "domains-only");

    private final String path;
    private final String address;
    private final String label;

    StreamType(String path, String address, String label) {
        this.path = path;
        this.address = address;
        this.label = label;
    }

    public String path() {
        return path;
    }

    public String address() {
        return address;
    }

    public String label() {
        return label;
    }

    /** This channel's serialized message for {@code update}. */
    public Buffer message(EncodedUpdate update) {
        return switch (this) {
            case LITE -> update.lite();
            case FULL -> update.full();
            case DOMAINS_ONLY -> update.domainsOnly();
        };
    }

    /** Prefix of the channel's HTTP resources: {@code ""} for lite, else the path ({@code /full-stream/example.json}). */
    public String resourcePrefix() {
        return this == LITE ? "" : path;
    }
}
