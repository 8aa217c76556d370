package io.certstream.client;

import java.util.List;
import java.util.Objects;

/**
 * A {@code dns_entries} message from the domains-only stream: the domains of one certificate.
 *
 * @param domains the certificate's {@code all_domains}, never null
 * @param rawJson the message as the server sent it
 */
public record DomainsMessage(List<String> domains, String rawJson) implements CertStreamMessage {

    /** The wire value of {@code message_type} for this message. */
    public static final String TYPE = "dns_entries";

    public DomainsMessage {
        domains = domains == null ? List.of() : List.copyOf(domains);
        Objects.requireNonNull(rawJson, "rawJson");
    }

    @Override
    public String messageType() {
        return TYPE;
    }
}
