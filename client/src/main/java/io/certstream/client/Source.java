package io.certstream.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The CT log a certificate came from ({@code data.source}).
 *
 * @param name      the log's description, e.g. {@code "Google 'Argon2025h2' log"}
 * @param url       the log's URL (CaliDog sends it without scheme)
 * @param timestamp certstream-server-go only: when the log was last seen, epoch seconds; null elsewhere
 * @param type      certstream-server-go only: {@code rfc6962} or {@code tiled}; null elsewhere
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Source(
    @JsonProperty("name") String name,
    @JsonProperty("url") String url,
    @JsonProperty("timestamp") Double timestamp,
    @JsonProperty("type") String type) {
}
