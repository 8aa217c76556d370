package io.certstream.hub.it;

import io.certstream.hub.config.HubConfig.StartPosition;
import io.certstream.hub.config.LogSelection;
import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.LogList;
import io.certstream.hub.sim.LogListDocument;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.CtData;
import io.certstream.hub.testing.RunningHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code logList.urls} (a second list, e.g. Apple's, deduplicated by log id) and {@code logList.include},
 * {@code exclude} and {@code operators}, end to end against simulated logs; and the same on the real Chrome and
 * Apple lists when {@code ../shared/ctdata} is present.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogSelectionTest {
    private Path dir;
    private Vertx vertx;
    private SimulatedCtLog alpha;
    private SimulatedCtLog beta;
    private SimulatedCtLog gamma;
    private Path chromeLike;
    private Path appleLike;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        dir = Files.createTempDirectory("certstream-lists");
        alpha = Async.await(SimulatedCtLog.start(vertx, options(1, "Alpha 2026h1")));
        beta = Async.await(SimulatedCtLog.start(vertx, options(2, "Beta 2026h1")));
        gamma = Async.await(SimulatedCtLog.start(vertx, options(3, "Gamma 2026h2")));
        // Chrome-like: one operator with alpha and beta. Apple-like: beta again (same log id) under another
        // operator, and gamma.
        chromeLike = write("chrome.json", list("Operator One", List.of(alpha, beta)));
        JsonObject apple = list("Operator One", List.of(beta));
        apple.getJsonArray("operators").add(list("Operator Two", List.of(gamma)).getJsonArray("operators").getJsonObject(0));
        appleLike = write("apple.json", apple);
    }

    @AfterAll
    void stop() throws Exception {
        Async.await(vertx.close());
    }

    private static SimulatedLogOptions options(long seed, String description) {
        return SimulatedLogOptions.defaults().withSeed(seed).withDescription(description).withInitialSize(3).withEntriesPerSecond(0);
    }

    private static JsonObject list(String operator, List<SimulatedCtLog> logs) {
        JsonObject list = LogListDocument.forLogs(logs);
        list.getJsonArray("operators").getJsonObject(0).put("name", operator);
        return list;
    }

    private Path write(String name, JsonObject list) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, list.encodePrettily());
        return file;
    }

    private Set<String> watched(JsonObject logList) throws Exception {
        RunningHub hub = Async.await(RunningHub.start(vertx, new JsonObject().put("logList", logList.put("enabled", true))));
        try {
            Async.waitFor(Duration.ofSeconds(15), "the log list to be applied", () -> !hub.metrics().logs().isEmpty());
            Thread.sleep(300); // every watcher of one list is deployed in the same refresh
            return new TreeSet<>(hub.metrics().logs().keySet());
        } finally {
            Async.await(hub.stop());
        }
    }

    @Test
    void aSecondListAddsItsLogsOnceEach() throws Exception {
        Set<String> logs = watched(new JsonObject().put("url", chromeLike.toString())
                .put("urls", new JsonArray().add(appleLike.toString())));
        assertEquals(new TreeSet<>(Set.of(alpha.url(), beta.url(), gamma.url())), logs);
    }

    @Test
    void includeExcludeAndOperatorsSelectLogs() throws Exception {
        JsonObject both = new JsonObject().put("url", chromeLike.toString()).put("urls", new JsonArray().add(appleLike.toString()));
        assertEquals(Set.of(gamma.url()), watched(both.copy().put("operators", new JsonArray().add("operator two"))));
        assertEquals(Set.of(alpha.url(), gamma.url()), watched(both.copy().put("exclude", new JsonArray().add("Beta*"))));
        // A regex between slashes, found in the name: alpha's and gamma's descriptions, minus gamma's by URL port.
        String gammaPort = gamma.url().substring(gamma.url().lastIndexOf(':') + 1);
        assertEquals(Set.of(alpha.url()), watched(both.copy().put("include", new JsonArray().add("/^(alpha|gamma)/"))
                .put("exclude", new JsonArray().add("*:" + gammaPort + "*"))));
    }

    @Test
    void realChromeAndAppleListsAreDeduplicatedByLogId() {
        JsonObject chrome = CtData.json("loglists/chrome_v3_log_list_v81.14.json");
        JsonObject apple = CtData.json("loglists/apple_current_log_list.json");
        List<String> states = List.of("usable", "qualified", "readonly");
        List<CtLog> chromeOnly = LogList.parse(chrome, states, StartPosition.HEAD);
        List<CtLog> appleOnly = LogList.parse(apple, states, StartPosition.HEAD);
        Set<String> ids = new HashSet<>();
        List<CtLog> union = new java.util.ArrayList<>(LogList.parse(chrome, states, StartPosition.HEAD, LogSelection.ALL, ids));
        union.addAll(LogList.parse(apple, states, StartPosition.HEAD, LogSelection.ALL, ids));
        assertFalse(appleOnly.isEmpty());
        assertTrue(union.size() < chromeOnly.size() + appleOnly.size(), "the lists share logs: " + union.size());
        assertTrue(union.size() >= Math.max(chromeOnly.size(), appleOnly.size()));
        assertEquals(union.size(), union.stream().map(CtLog::url).distinct().count(), "no log twice");

        LogSelection googleOnly = new LogSelection(List.of(LogSelection.compile("Google*")), List.of(),
                List.of());
        List<CtLog> google = LogList.parse(chrome, states, StartPosition.HEAD, googleOnly, new HashSet<>());
        assertFalse(google.isEmpty());
        assertTrue(google.stream().allMatch(l -> l.name().startsWith("Google") || "Google".equals(l.operator())));
        LogSelection noTiled = new LogSelection(List.of(), List.of(Pattern.compile("static|tiled|sunlight", Pattern.CASE_INSENSITIVE)), List.of());
        assertTrue(LogList.parse(chrome, states, StartPosition.HEAD, noTiled, new HashSet<>()).size() <= chromeOnly.size());
    }
}
