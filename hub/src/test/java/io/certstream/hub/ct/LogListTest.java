package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.StartPosition;
import io.certstream.hub.testing.CtData;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogListTest {

    @Test
    void keepsOnlyTheRequestedStatesAndKnowsBothKinds() throws IOException {
        JsonObject list = new JsonObject(Files.readString(CtData.file("loglists/gstatic_v3_all_logs_list.json")));
        List<CtLog> all = LogList.parse(list, List.of("pending", "qualified", "usable", "readonly", "retired", "rejected"),
                StartPosition.HEAD);
        List<CtLog> usable = LogList.parse(list, List.of("usable", "qualified", "readonly"), StartPosition.HEAD);
        assertTrue(usable.size() < all.size(), "retired and rejected logs are left out");
        assertTrue(usable.stream().anyMatch(l -> l.kind().equals("rfc6962")));
        assertTrue(usable.stream().anyMatch(l -> l.kind().equals("tiled")));
        for (CtLog log : usable) {
            assertFalse(log.url().endsWith("/"), log.url());
            assertTrue(log.url().startsWith("https://"), log.url());
            assertNotNull(log.operator());
            assertNotNull(log.keyBase64(), log.url());
        }
    }

    @Test
    void readonlyLogsCarryTheirFinalTreeSize() throws IOException {
        JsonObject list = new JsonObject(Files.readString(CtData.file("loglists/gstatic_v3_all_logs_list.json")));
        List<CtLog> readonly = LogList.parse(list, List.of("readonly"), StartPosition.HEAD);
        assertFalse(readonly.isEmpty());
        assertTrue(readonly.stream().allMatch(l -> l.finalTreeSize() != null && l.finalTreeSize() > 0));
    }

    @Test
    void parsesAMinimalListWithoutSharedData() {
        JsonObject list = new JsonObject("""
                {"operators":[{"name":"Example","logs":[
                  {"description":"Example 2026","log_id":"aWQ=","key":"a2V5","url":"https://ct.example/2026/","mmd":86400,
                   "state":{"usable":{"timestamp":"2026-01-01T00:00:00Z"}}},
                  {"description":"Old","key":"a2V5","url":"https://ct.example/old/","state":{"retired":{"timestamp":"2020-01-01T00:00:00Z"}}}],
                 "tiled_logs":[{"description":"Tiled","key":"a2V5","submission_url":"https://s.example/","monitoring_url":"https://m.example/",
                   "state":{"qualified":{"timestamp":"2026-01-01T00:00:00Z"}}}]}]}
                """);
        List<CtLog> logs = LogList.parse(list, List.of("usable", "qualified"), new StartPosition(7));
        assertEquals(2, logs.size());
        assertEquals(new CtLog("https://ct.example/2026", "Example 2026", "Example", "rfc6962", "a2V5", null, new StartPosition(7)),
                logs.get(0));
        assertEquals("https://m.example", logs.get(1).url());
        assertEquals("tiled", logs.get(1).kind());
    }
}
