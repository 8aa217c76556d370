package io.certstream.hub.ct;

/**
 * A request to a log that failed. {@code kind} is the metric label ({@code timeout}, {@code connection},
 * {@code http_429}, {@code http_5xx}, {@code http_4xx}, {@code bad_response}); {@code retryAfterMillis} is the
 * log's {@code Retry-After}, or 0.
 */
public final class LogFetchException extends RuntimeException {
    private final String kind;
    private final long retryAfterMillis;

    public LogFetchException(String kind, String message, long retryAfterMillis) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterMillis = retryAfterMillis;
    }

    public String kind() {
        return kind;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
