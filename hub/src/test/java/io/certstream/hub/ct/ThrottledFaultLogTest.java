package io.certstream.hub.ct;

import io.certstream.hub.metrics.FaultKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThrottledFaultLogTest {
    @Test
    void firstFaultOfEachKindIsLoggedThenOneLinePerWindowSayingHowManyWereLeftOut() {
        Logger logger = Logger.getLogger("fault-log-test");
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        ThrottledFaultLog faults = new ThrottledFaultLog(logger, "Argon", 60_000);
        faults.report(FaultKind.HTTP_429, "https://ct.example/ct/v1/get-entries?start=5&end=9: HTTP 429; retrying from index 5", 0);
        for (int i = 1; i <= 7; i++) {
            faults.report(FaultKind.HTTP_429, "again", i * 1000);
        }
        faults.report(FaultKind.TIMEOUT, "https://ct.example/ct/v1/get-sth: no answer in time", 2000);
        faults.report(FaultKind.HTTP_429, "https://ct.example/ct/v1/get-entries?start=10&end=14: HTTP 429", 61_000);

        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("Argon: https://ct.example/ct/v1/get-entries?start=5&end=9") && lines.get(0).endsWith("[http_429]"), lines.get(0));
        assertTrue(lines.get(1).contains("[timeout]"), lines.get(1));
        assertTrue(lines.get(2).contains("start=10") && lines.get(2).contains("(7 more http_429 faults since the last such line)"), lines.get(2));
    }
}
