package io.certstream.client;

/**
 * The three streams every CertStream server offers, with their conventional websocket paths.
 */
public enum StreamType {
    /** Every certificate without {@code as_der} and {@code chain}: path {@code /}. */
    LITE("/"),
    /** Every certificate with its DER encoding and chain: path {@code /full-stream}. */
    FULL("/full-stream"),
    /** Only the domains of each certificate ({@code dns_entries} messages): path {@code /domains-only}. */
    DOMAINS_ONLY("/domains-only");

    private final String path;

    StreamType(String path) {
        this.path = path;
    }

    /** The websocket path of this stream on a server that uses the default paths. */
    public String path() {
        return path;
    }
}
