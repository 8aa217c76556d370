package io.certstream.hub.metrics;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What went wrong with a log, once for the whole hub. {@link #label()} is the name users see: the {@code kind} label
 * of {@code certstream_log_errors_total} in {@code /metrics}, the key under {@code errors} in {@code /stats} and the
 * {@code [kind]} at the end of a fault's log line. Labels are public: never rename one.
 */
public enum FaultKind {
    /** A request to the log had no answer within {@code watcher.requestTimeoutSeconds}. */
    TIMEOUT("timeout"),
    /** The log could not be reached (refused, reset, DNS). */
    CONNECTION("connection"),
    /** The log asked us to slow down. */
    HTTP_429("http_429"),
    HTTP_5XX("http_5xx"),
    HTTP_4XX("http_4xx"),
    /** An answer that is not what RFC 6962 promises (not JSON, a bad STH, a malformed proof or entry list). */
    BAD_RESPONSE("bad_response"),
    /** An answer over {@code LogHttp.MAX_RESPONSE_BYTES}. */
    TOO_LARGE("too_large"),
    /** A tree head or checkpoint the log's key did not sign. */
    BAD_SIGNATURE("bad_signature"),
    /** A tree head smaller than one the log served before. */
    STH_SHRUNK("sth_shrunk"),
    /** Tiled logs: a checkpoint that cannot be parsed or changed its origin. */
    BAD_CHECKPOINT("bad_checkpoint"),
    /** Tiled logs: the configured key cannot verify checkpoints. */
    BAD_KEY("bad_key"),
    /** Tiled logs: hash tiles that do not give the checkpoint's root, or do not extend the previous tree. */
    BAD_TREE("bad_tree"),
    /** Tiled logs: a tile of the wrong size or that does not match its parent. */
    BAD_TILE("bad_tile"),
    /** Tiled logs: the log does not serve an issuer its entries name. */
    ISSUER_MISSING("issuer_missing"),
    /** Tiled logs: the issuer served does not hash to the fingerprint its entries name. */
    BAD_ISSUER("bad_issuer"),
    /** An entry that cannot be decoded; the watcher moves past it. */
    DECODE("decode"),
    /**
     * The decoder failed on an entry by a bug of its own. Only the log line says {@code decode_bug}: the metric counts
     * it as {@link #DECODE}, as it always has.
     */
    DECODE_BUG("decode_bug"),
    /** Anything else: a bug of the hub, logged with its stack trace at FINE. */
    INTERNAL("internal"),
    /** Integrity failures ({@code IntegrityAlarm}): a tree head whose signature does not verify. */
    INTEGRITY_SIGNATURE("integrity_signature"),
    /** Integrity failures: a tree that does not extend the previous one. */
    INTEGRITY_CONSISTENCY("integrity_consistency"),
    /** Integrity failures: two different heads of the same size. */
    INTEGRITY_FORK("integrity_fork"),
    /** Integrity failures (event {@code final_tree_head}): a read-only log's tree is not the final tree head its list names. */
    INTEGRITY_TREE_HEAD("integrity_tree_head");

    private static final Map<String, FaultKind> BY_LABEL =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(FaultKind::label, Function.identity()));

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    /** The metric and stats label, e.g. {@code http_429}. */
    public String label() {
        return label;
    }

    /** The kind for an HTTP error status. */
    public static FaultKind ofHttpStatus(int status) {
        return status == 429 ? HTTP_429 : status >= 500 ? HTTP_5XX : HTTP_4XX;
    }

    /** The kind with this label, or null. */
    public static FaultKind ofLabel(String label) {
        return BY_LABEL.get(label);
    }

    @Override
    public String toString() {
        return label;
    }
}
