package io.certstream.client;

import java.net.URI;
import java.time.Duration;

/**
 * A change in the client's connection, for status lines and logs.
 *
 * @param state    the new state
 * @param endpoint the URL the client connects to
 * @param reason   why the connection failed or closed (e.g. {@code "connection refused"}); null for
 *                 {@link State#CONNECTING}, {@link State#CONNECTED} and {@link State#CLOSED}
 * @param retryIn  delay before the next attempt when {@link State#DISCONNECTED}; null otherwise
 * @param attempt  the number of the connection attempt since the last successful connection (1, 2,
 *                 ...); 0 in a {@link State#DISCONNECTED} event means an established connection dropped
 */
public record ConnectionEvent(State state, URI endpoint, String reason, Duration retryIn, int attempt) {

    /** Connection states, in the order a client goes through them. */
    public enum State {
        /** A connection attempt started. */
        CONNECTING,
        /** The websocket is open; messages flow. */
        CONNECTED,
        /** The attempt failed or the connection dropped; the client will retry after {@code retryIn}. */
        DISCONNECTED,
        /** {@link CertStreamClient#close()} was called; nothing more will happen. */
        CLOSED
    }

    /**
     * A one-line description, e.g. {@code "cannot connect to ws://localhost:8080/: connection refused;
     * retrying in 2 s"}.
     */
    public String describe() {
        return switch (state) {
            case CONNECTING -> "connecting to " + endpoint + (attempt > 1 ? " (attempt " + attempt + ")" : "");
            case CONNECTED -> "connected to " + endpoint;
            case DISCONNECTED -> (attempt > 0 ? "cannot connect to " : "disconnected from ") + endpoint + ": " + reason
                    + "; retrying in " + formatDelay(retryIn);
            case CLOSED -> "closed connection to " + endpoint;
        };
    }

    static String formatDelay(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return (millis + 500) / 1000 + " s";
    }
}
