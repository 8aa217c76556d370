package io.certstream.client;

import java.util.Objects;

/**
 * A {@code certificate_update} message: one certificate or precertificate seen in a CT log.
 *
 * @param data    the typed {@code data} object
 * @param rawJson the message as the server sent it
 */
public record CertificateMessage(CertificateData data, String rawJson) implements CertStreamMessage {

    /** The wire value of {@code message_type} for this message. */
    public static final String TYPE = "certificate_update";

    public CertificateMessage {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(rawJson, "rawJson");
    }

    @Override
    public String messageType() {
        return TYPE;
    }
}
