package io.certstream.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The CT log a certificate came from ({@code data.source}).
 *
 * @param name      the log's description, e.g. {@code "Google 'Argon2025h2' log"}
 * @param url       the log's URL (CaliDog sends it without scheme)
 * @param timestamp certstream-server-go and this project's hub: the log's timestamp of the entry, epoch
 *                  seconds; null elsewhere
 * @param type      certstream-server-go and this project's hub: {@code rfc6962} or {@code tiled}; null elsewhere
 * @param operator  this project's hub only, when the log list names the operator; null elsewhere
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Source(
        @JsonProperty("name") String name,
        @JsonProperty("url") String url,
        @JsonProperty("timestamp") Double timestamp,
        @JsonProperty("type") String type,
        @JsonProperty("operator") String operator) {
}
