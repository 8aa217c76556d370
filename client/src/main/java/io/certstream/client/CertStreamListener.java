package io.certstream.client;

/**
 * Callbacks of a {@link CertStreamClient}, all called on the client's Vert.x event loop: keep them
 * short and never block. Implement the ones you need; the others do nothing.
 */
public interface CertStreamListener {

    /** A {@code certificate_update} arrived (lite and full streams). */
    default void onCertificate(CertificateMessage message) {
    }

    /** A {@code dns_entries} message arrived (domains-only stream). */
    default void onDomains(DomainsMessage message) {
    }

    /** The server sent a {@code heartbeat}. */
    default void onHeartbeat(HeartbeatMessage message) {
    }

    /**
     * This project's hub could not resume from the client's cursor: what was published during
     * {@link GapMessage#missing()} is lost to this client (the certificates that follow start at the oldest the hub
     * still keeps). The client has already logged a warning for it (logger {@code io.certstream.client.CertStreamClient},
     * level WARNING); override this to report it your way (and silence that logger if you like).
     */
    default void onGap(GapMessage gap) {
    }

    /** The connection changed state (connecting, connected, disconnected with retry delay, closed). */
    default void onConnectionEvent(ConnectionEvent event) {
    }

    /**
     * A message could not be parsed; the client skips it and keeps going.
     *
     * @param rawJson the text received
     * @param error   what was wrong with it
     */
    default void onMalformedMessage(String rawJson, IllegalArgumentException error) {
    }
}
