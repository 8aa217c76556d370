package io.certstream.hub.ct;

/**
 * A request to a log that failed. {@code kind} is the metric label ({@code timeout}, {@code connection},
 * {@code http_429}, {@code http_5xx}, {@code http_4xx}, {@code bad_response}, {@code too_large} (an answer over
 * {@link LogHttp#MAX_RESPONSE_BYTES}), {@code bad_signature} (a tree head or checkpoint the log's key did not
 * sign), and for tiled logs {@code bad_checkpoint}, {@code bad_key}, {@code bad_tree}, {@code bad_tile}, {@code issuer_missing}, {@code bad_issuer};
 * {@code sth_shrunk} for any log); {@code retryAfterMillis} is the log's {@code Retry-After}, or 0;
 * {@code status} the HTTP status when the log answered with an error, else 0.
 */
public final class LogFetchException extends RuntimeException {
    private final String kind;
    private final long retryAfterMillis;
    private final int status;

    public LogFetchException(String kind, String message, long retryAfterMillis) {
        this(kind, message, retryAfterMillis, 0);
    }

    public LogFetchException(String kind, String message, long retryAfterMillis, int status) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterMillis = retryAfterMillis;
        this.status = status;
    }

    public String kind() {
        return kind;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    public int status() {
        return status;
    }
}
