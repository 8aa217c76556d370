package io.certstream.model;

/**
 * The CT log an update came from.
 *
 * @param name     the log's description from the log list (e.g. "Google 'Argon2025h2' log")
 * @param url      the log's base URL (RFC 6962 URL, or monitoring URL for tiled logs)
 * @param operator the operator's name, or {@code null} when unknown
 * @param kind     {@code "rfc6962"} or {@code "tiled"}
 */
public record LogSource(String name, String url, String operator, String kind) {
    public static final String RFC6962 = "rfc6962";
    public static final String TILED = "tiled";
}
