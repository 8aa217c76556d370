package io.certstream.hub.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The labels are public (the {@code kind} of {@code /metrics}, the keys of {@code /stats}): pinned here, byte by byte. */
class FaultKindTest {
    @Test
    void labelsAreThoseUsersAlreadySee() {
        assertEquals(List.of("timeout", "connection", "http_429", "http_5xx", "http_4xx", "bad_response", "too_large",
                        "bad_signature", "sth_shrunk", "bad_checkpoint", "bad_key", "bad_tree", "bad_tile", "issuer_missing",
                        "bad_issuer", "decode", "decode_bug", "internal", "integrity_signature", "integrity_consistency",
                        "integrity_fork", "integrity_tree_head"),
                Arrays.stream(FaultKind.values()).map(FaultKind::label).toList());
    }

    @Test
    void httpStatusesAndLabelsMapBack() {
        assertEquals(FaultKind.HTTP_429, FaultKind.ofHttpStatus(429));
        assertEquals(FaultKind.HTTP_5XX, FaultKind.ofHttpStatus(503));
        assertEquals(FaultKind.HTTP_4XX, FaultKind.ofHttpStatus(404));
        for (FaultKind kind : FaultKind.values()) {
            assertEquals(kind, FaultKind.ofLabel(kind.label()));
            assertEquals(kind.label(), kind.toString(), "log lines print the label");
        }
        assertNull(FaultKind.ofLabel("no_such_fault"));
    }

    @Test
    void errorsAreCountedUnderTheirLabel() {
        LogMetrics metrics = new LogMetrics("log", "https://ct.example", "rfc6962");
        metrics.error(FaultKind.HTTP_429, "https://ct.example/ct/v1/get-sth: HTTP 429");
        metrics.error(FaultKind.HTTP_429, "again");
        assertEquals(2, metrics.errors(FaultKind.HTTP_429));
        assertEquals(2L, metrics.toJson().getJsonObject("errors").getLong("http_429"));
        assertEquals("again", metrics.toJson().getString("last_error"));
    }
}
