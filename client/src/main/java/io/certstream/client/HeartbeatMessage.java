package io.certstream.client;

import java.util.Objects;

/**
 * A {@code heartbeat} message: the server is alive even when no certificate arrives.
 *
 * @param timestamp server time in epoch seconds (fractional in CaliDog's server), 0 when absent
 * @param rawJson   the message as the server sent it
 */
public record HeartbeatMessage(double timestamp, String rawJson) implements CertStreamMessage {

    /** The wire value of {@code message_type} for this message. */
    public static final String TYPE = "heartbeat";

    public HeartbeatMessage {
        Objects.requireNonNull(rawJson, "rawJson");
    }

    @Override
    public String messageType() {
        return TYPE;
    }
}
