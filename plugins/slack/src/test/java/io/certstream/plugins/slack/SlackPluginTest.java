package io.certstream.plugins.slack;

import io.certstream.plugin.Alert;
import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.CertificateSummary;
import io.certstream.plugin.PluginConfigException;
import io.certstream.plugins.testkit.Certificates;
import io.certstream.plugins.testkit.HttpReceiver;
import io.certstream.plugins.testkit.HttpReceiver.Response;
import io.certstream.plugins.testkit.RunningPlugin;
import io.certstream.plugins.testkit.SlackPayload;
import io.certstream.plugins.testkit.TestPluginContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static io.certstream.plugins.testkit.HttpReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Slack plugin against a fake Slack incoming webhook on 127.0.0.1 that checks what Slack would check. */
class SlackPluginTest {
    private static final String HOOK_PATH = "/services/T0TEST/B0TEST/s3cretT0ken";

    private Vertx vertx;
    private WebClient client;
    private HttpReceiver slack;
    /** Every request the fake Slack got, accepted or not, with what was wrong with its payload. */
    private final List<String> payloadProblems = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        slack = get(new HttpReceiver(vertx).start());
    }

    @AfterEach
    void close() throws Exception {
        get(vertx.close());
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private RunningPlugin slackPlugin(JsonObject config, Map<String, String> env) throws Exception {
        var context = new TestPluginContext(vertx, client, "slack#1", config, Path.of("unused"), env);
        return get(RunningPlugin.start(new SlackFactory(), context));
    }

    private JsonObject config() {
        return new JsonObject().put("webhookUrl", slack.url(HOOK_PATH)).put("minIntervalMillis", 200);
    }

    private void publishAlert(int index) {
        String domain = "login-" + index + ".paypal-verify.example";
        var summary = CertificateSummary.of(Certificates.update(index, domain, "*.paypal-verify.example"));
        vertx.eventBus().publish(BusAddresses.ALERTS, Alert.of("keyword-alert#1", "paypal", "keyword", domain, summary).toJson());
    }

    /** The fake Slack: answers like Slack, 400 for a payload Slack would refuse. */
    private Response slackChecks(HttpReceiver.Request r) {
        List<String> problems = SlackPayload.problems(r, HOOK_PATH);
        payloadProblems.addAll(problems);
        return problems.isEmpty() ? Response.ok() : new Response(400, Map.of(), "invalid_blocks");
    }

    /** The matched domains of the alerts in each accepted message, read back from the section blocks. */
    private List<List<String>> deliveredMessages() {
        List<List<String>> out = new ArrayList<>();
        for (var r : slack.accepted()) {
            List<String> domains = new ArrayList<>();
            for (Object b : r.json().getJsonArray("blocks")) {
                JsonObject block = (JsonObject) b;
                if ("section".equals(block.getString("type"))) {
                    String text = block.getJsonObject("text").getString("text");
                    domains.add(text.substring(text.indexOf('|') + 1, text.indexOf('>')));
                }
            }
            out.add(domains);
        }
        return out;
    }

    private static List<String> domains(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "login-" + i + ".paypal-verify.example").toList();
    }

    @Test
    void oneAlertIsOneSlackMessageWithDomainsIssuerLogAndCrtShLink() throws Exception {
        slack.respond(this::slackChecks);
        slackPlugin(config(), Map.of());
        publishAlert(7);

        await("one message", 5000, () -> slack.accepted().size() == 1);
        JsonObject message = slack.accepted().get(0).json();
        String section = message.getJsonArray("blocks").getJsonObject(1).getJsonObject("text").getString("text");
        var update = Certificates.update(7, "login-7.paypal-verify.example", "*.paypal-verify.example");
        assertTrue(message.getString("text").contains("login-7.paypal-verify.example"), message.encode());
        assertTrue(section.contains("<https://crt.sh/?sha256=" + update.leaf().sha256().replace(":", "") + "|login-7.paypal-verify.example>"), section);
        assertTrue(section.contains("matched rule `paypal` (keyword)"), section);
        assertTrue(section.contains("`*.paypal-verify.example`"), "wildcards shown as code, not as bold: " + section);
        assertTrue(section.contains("*Issuer:* /C=US/O=Let's Encrypt/CN=R3"), section);
        assertTrue(section.contains("*Log:* Test 'Sim2026' log, entry <" + update.certLink() + "|7>"), section);
        assertEquals(List.of(), payloadProblems);
    }

    @Test
    void alertsThatComeFastAreBatchedAndA429IsWaitedOutWithNothingLostOrRepeated() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        slack.respond(r -> {
            arrivals.add(System.nanoTime());
            Response checked = slackChecks(r);
            // Slack's answer to a burst: the second and third messages are rate-limited.
            int n = calls.incrementAndGet();
            Response answer = checked.status() != 200 ? checked : (n == 2 || n == 3) ? Response.tooManyRequests(1) : checked;
            statuses.add(answer.status());
            return answer;
        });
        var plugin = slackPlugin(config().put("maxAlertsPerMessage", 10), Map.of());

        for (int i = 1; i <= 25; i++) {
            publishAlert(i);
        }
        await("25 alerts in Slack", 15_000, () -> deliveredMessages().stream().mapToInt(List::size).sum() >= 25);
        Thread.sleep(400);

        List<List<String>> messages = deliveredMessages();
        assertEquals(domains(1, 25), messages.stream().flatMap(List::stream).toList(), "every alert once, in order");
        assertTrue(messages.stream().allMatch(m -> m.size() <= 10), "at most maxAlertsPerMessage per message: " + messages);
        assertTrue(messages.size() <= 4, "batched, not one message per alert: " + messages.size() + " messages");
        assertEquals(List.of(), payloadProblems);
        assertEquals(2, plugin.context().metrics().counter("rate_limited").count());
        assertEquals(25, plugin.context().metrics().counter("alerts_sent").count());
        for (int i = 1; i < arrivals.size(); i++) {
            long gap = arrivals.get(i) - arrivals.get(i - 1);
            long min = statuses.get(i - 1) == 429 ? 950 : 190;
            assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(min),
                    "request " + i + " came " + TimeUnit.NANOSECONDS.toMillis(gap) + " ms after a " + statuses.get(i - 1));
        }
    }

    @Test
    void webhookUrlFromTheEnvironmentNeverAppearsInLogs() throws Exception {
        // A fake Slack that never answers: the request times out, and Vert.x's timeout message quotes the path.
        HttpServer silent = get(vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1"));
        String url = "http://127.0.0.1:" + silent.actualPort() + HOOK_PATH;
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.certstream.plugin.slack#1");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getLevel() + " " + record.getMessage() + " " + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            var plugin = slackPlugin(new JsonObject().put("webhookUrlEnv", "SLACK_WEBHOOK_URL").put("timeoutMillis", 200)
                    .put("maxRetries", 1), Map.of("SLACK_WEBHOOK_URL", url));
            publishAlert(1);
            await("the message given up", 10_000, () -> plugin.context().metrics().counter("dropped_failed").count() == 1);
            assertTrue(logged.stream().anyMatch(l -> l.contains("timeout") || l.contains("exceeded")), "the failure is logged: " + logged);
            assertFalse(logged.stream().anyMatch(l -> l.contains("s3cretT0ken") || l.contains("B0TEST")), "secret in logs: " + logged);
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(null);
        }
    }

    @Test
    void configErrorsNameTheKeyAndNeverTheUrl() {
        var missing = assertThrows(ExecutionException.class, () -> slackPlugin(new JsonObject(), Map.of()));
        assertEquals("webhookUrl", assertInstanceOf(PluginConfigException.class, missing.getCause()).key());

        var plain = assertThrows(ExecutionException.class, () -> slackPlugin(new JsonObject()
                .put("webhookUrl", "http://hooks.slack.com/services/T1/B1/s3cretT0ken"), Map.of()));
        assertEquals("webhookUrl", ((PluginConfigException) plain.getCause()).key());
        assertFalse(plain.getCause().getMessage().contains("s3cretT0ken"), plain.getCause().getMessage());

        var unset = assertThrows(ExecutionException.class, () -> slackPlugin(new JsonObject()
                .put("webhookUrlEnv", "NOT_SET"), Map.of()));
        assertEquals("webhookUrlEnv", ((PluginConfigException) unset.getCause()).key());

        var typo = assertThrows(ExecutionException.class, () -> slackPlugin(config().put("minIntervalMilis", 5), Map.of()));
        assertEquals("minIntervalMilis", ((PluginConfigException) typo.getCause()).key());
    }
}
