package io.certstream.hub.ct;

import io.certstream.hub.metrics.FaultKind;

/**
 * A request to a log that failed. {@code kind} says what failed (its {@link FaultKind#label() label} is the metric's);
 * {@code retryAfterMillis} is the log's {@code Retry-After}, or 0;
 * {@code status} the HTTP status when the log answered with an error, else 0.
 */
public final class LogFetchException extends RuntimeException {
    private final FaultKind kind;
    private final long retryAfterMillis;
    private final int status;

    public LogFetchException(FaultKind kind, String message, long retryAfterMillis) {
        this(kind, message, retryAfterMillis, 0);
    }

    public LogFetchException(FaultKind kind, String message, long retryAfterMillis, int status) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterMillis = retryAfterMillis;
        this.status = status;
    }

    public FaultKind kind() {
        return kind;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    public int status() {
        return status;
    }
}
