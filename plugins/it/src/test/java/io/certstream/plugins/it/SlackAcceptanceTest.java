package io.certstream.plugins.it;

import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.HubOnSimulatedLog;
import io.certstream.hub.testing.RunningHub;
import io.certstream.plugins.testkit.HttpReceiver;
import io.certstream.plugins.testkit.HttpReceiver.Response;
import io.certstream.plugins.testkit.SlackPayload;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.certstream.plugins.it.KeywordWebhookAcceptanceTest.get;
import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Slack plugin in the hub: a burst of certificates from the simulated log raises alerts faster than
 * Slack's one message per second; a fake Slack on 127.0.0.1 checks every payload's shape and answers 429 with
 * {@code Retry-After} now and then. Every alert arrives once, batched into few messages.
 */
class SlackAcceptanceTest {
    private static final String HOOK_PATH = "/services/T0IT/B0IT/itS3cret";
    private static final Pattern ALERT = Pattern.compile("matched rule `([^`]+)`.*?entry <[^|]*\\|(\\d+)>", Pattern.DOTALL);

    @TempDir
    Path dir;
    private HttpReceiver slack;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    /** When each request reached the fake Slack (System.nanoTime), in order. */
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    /** The log and the fake Slack outside the hub; the hub in a Vert.x of its own. */
    @RegisterExtension
    final HubOnSimulatedLog fixture = HubOnSimulatedLog.of(SimulatedLogOptions.defaults()
                    .withInitialSize(0).withEntriesPerSecond(0).withBatchCap(32).withSeed(99))
            .beforeStart(outside -> {
                AtomicInteger calls = new AtomicInteger();
                slack = get(new HttpReceiver(outside).start()).respond(r -> {
                    List<String> wrong = SlackPayload.problems(r, HOOK_PATH);
                    problems.addAll(wrong);
                    arrivals.add(System.nanoTime());
                    int n = calls.incrementAndGet();
                    // Like Slack under a burst: every third message is refused with 429 and a Retry-After.
                    Response answer = !wrong.isEmpty() ? new Response(400, Map.of(), "invalid_blocks")
                            : n % 3 == 2 ? Response.tooManyRequests(2) : Response.ok();
                    statuses.add(answer.status());
                    return answer;
                });
            })
            .config(log -> new JsonObject()
                    .put("logs", new JsonArray().add(new JsonObject().put("url", log.url()).put("start", 0)))
                    .put("stateDir", dir.resolve("state").toString())
                    .put("pluginDir", dir.resolve("plugins").toString())
                    .put("plugins", new JsonArray()
                            .add(new JsonObject().put("type", "keyword-alert").put("rules", Rules.JSON))
                            // Slack's real pace (the default minIntervalMillis, 1 s); the URL from the environment in production.
                            .add(new JsonObject().put("type", "slack").put("webhookUrl", slack.url(HOOK_PATH)))))
            .restartable()
            .awaitHead(false);

    /** {@code <rule>#<cert index>} of each alert in each message Slack accepted. */
    private List<List<String>> messages() {
        List<List<String>> out = new ArrayList<>();
        for (var request : slack.accepted()) {
            List<String> alerts = new ArrayList<>();
            for (Object b : request.json().getJsonArray("blocks")) {
                JsonObject block = (JsonObject) b;
                if ("section".equals(block.getString("type"))) {
                    Matcher m = ALERT.matcher(block.getJsonObject("text").getString("text"));
                    assertTrue(m.find(), block.encode());
                    alerts.add(m.group(1) + "#" + m.group(2));
                }
            }
            out.add(alerts);
        }
        return out;
    }

    @Test
    void aBurstOfAlertsIsBatchedIntoFewSlackMessagesAndSurvives429s() throws Exception {
        RunningHub hub = fixture.hub();

        get(fixture.log().append(120));
        Set<String> expected = Rules.expectedAlerts(fixture.log(), 0, 120);
        assertTrue(expected.size() > 20, "a burst: " + expected.size() + " alerts");

        await(expected.size() + " alerts in Slack", 90_000,
                () -> messages().stream().mapToInt(List::size).sum() >= expected.size());
        Thread.sleep(500);

        List<List<String>> messages = messages();
        List<String> delivered = messages.stream().flatMap(List::stream).toList();
        assertEquals(List.of(), problems, "every payload has Slack's shape");
        assertEquals(expected, new TreeSet<>(delivered));
        assertEquals(expected.size(), delivered.size(), "every alert exactly once");
        // Batching, whatever the pace at which the alerts come in: fewer messages than alerts, at most 10 in each
        // (maxAlertsPerMessage), never two requests within the 1 s interval, nor within Retry-After: 2 s of a 429.
        // On a slow machine the alerts trickle in and the messages are smaller; the pace holds all the same.
        assertTrue(messages.size() < expected.size(), messages.size() + " messages for " + expected.size() + " alerts");
        assertTrue(messages.stream().allMatch(m -> !m.isEmpty() && m.size() <= 10), "1 to 10 alerts per message: " + messages);
        assertTrue(messages.stream().anyMatch(m -> m.size() > 1), "alerts that came fast were batched: " + messages);
        assertTrue(statuses.contains(429), "the fake Slack rate-limited some messages");
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
        }
        for (int i = 0; i < gaps.size(); i++) {
            long least = statuses.get(i) == 429 ? 1_900 : 900;
            assertTrue(gaps.get(i) >= least, "request " + (i + 2) + " came " + gaps.get(i) + " ms after a " + statuses.get(i)
                    + " (at most one request per second, Retry-After honoured); gaps " + gaps + ", statuses " + statuses);
        }
        JsonObject stats = hub.metrics().toJson().getJsonObject("plugins").getJsonObject("slack#1");
        assertEquals(statuses.stream().filter(s -> s == 429).count(), stats.getLong("rate_limited"));
        assertEquals(expected.size(), stats.getLong("alerts_sent"));
        assertEquals(0, stats.getLong("dropped_failed"));
    }
}
