package io.certstream.client;

/**
 * One message received from a CertStream server.
 *
 * <p>Switch on the concrete type:
 * <pre>{@code
 * switch (message) {
 *   case CertificateMessage c -> ...   // Java 21; on 17 use instanceof
 * }
 * }</pre>
 * Every message keeps the exact JSON text it was parsed from in {@link #rawJson()}, so it can be
 * forwarded unchanged (the CLI's {@code --json} prints it).
 */
public sealed interface CertStreamMessage permits CertificateMessage, DomainsMessage, HeartbeatMessage, GapMessage {

    /**
     * The wire {@code message_type}: {@code certificate_update}, {@code dns_entries}, {@code heartbeat} or
     * {@code gap} (this project's hub only).
     */
    String messageType();

    /** The JSON text of the message exactly as the server sent it. */
    String rawJson();
}
