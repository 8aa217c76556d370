package io.certstream.plugins.slack;

import io.certstream.plugin.Alert;
import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginConfig;
import io.certstream.plugin.PluginConfigException;
import io.certstream.plugin.PluginContext;
import io.certstream.plugin.PluginMetrics;
import io.certstream.plugin.Subscription;
import io.certstream.retry.Backoff;
import io.certstream.retry.RetryAfter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Posts alerts to a Slack incoming webhook. Slack allows about one message per second per webhook and
 * answers {@code 429} with {@code Retry-After} beyond that, so this sends at most one message per
 * {@code minIntervalMillis}: the first alert after a quiet spell goes out at once, alerts that come
 * faster wait in a bounded queue and go out together, up to {@code maxAlertsPerMessage} per message.
 * A {@code 429} is not a failure: the message's alerts go back to the head of the queue and, after
 * Slack's {@code Retry-After}, leave again together with those that arrived meanwhile.
 *
 * <p>The webhook URL is a credential (anyone holding it can post to the channel): it comes from
 * {@code webhookUrl} or the environment variable named by {@code webhookUrlEnv} and is never logged (the hub
 * masks it: {@link SlackFactory#secretKeys()});
 * logs name the instance ({@code slack#1}). Best effort: alerts waiting at shutdown are dropped and
 * counted. For delivery that survives restarts, use the webhook plugin.
 */
final class SlackPlugin implements Plugin {
    /** Retries of a message Slack did not take (not 429s): 0.5 s, 1 s, 2 s ... up to a minute, on a fixed schedule. */
    private static final Backoff RETRY = new Backoff(500, 60_000, Backoff.Jitter.NONE);

    private PluginContext context;
    private Vertx vertx;
    private Logger log;
    private String name;
    private String webhookUrl;
    private Set<String> rules;
    private Pattern domains;
    private long minIntervalMillis;
    private int maxAlertsPerMessage;
    private int queueSize;
    private long timeoutMillis;
    private int maxRetries;
    private Subscription<JsonObject> subscription;

    private final ArrayDeque<Alert> waiting = new ArrayDeque<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private boolean sending;
    private long nextSendAt;
    private long timer = -1;
    private boolean stopping;

    private PluginMetrics.Counter messages;
    private PluginMetrics.Counter alertsSent;
    private PluginMetrics.Counter rateLimited;
    private PluginMetrics.Counter droppedQueueFull;
    private PluginMetrics.Counter droppedFailed;

    @Override
    public Future<Void> start(PluginContext context) {
        this.context = context;
        this.vertx = context.vertx();
        this.log = context.logger();
        this.name = context.name();
        try {
            readConfig();
        } catch (PluginConfigException e) {
            return Future.failedFuture(e);
        }
        PluginMetrics m = context.metrics();
        messages = m.counter("messages");
        alertsSent = m.counter("alerts_sent");
        rateLimited = m.counter("rate_limited");
        droppedQueueFull = m.counter("dropped_queue_full");
        droppedFailed = m.counter("dropped_failed");
        m.gauge("waiting", waitingCount::get);
        subscription = context.subscribe(BusAddresses.ALERTS, queueSize, this::offer);
        log.info(() -> "posting alerts to a Slack webhook, at most one message per " + minIntervalMillis + " ms");
        return Future.succeededFuture();
    }

    private void readConfig() {
        PluginConfig c = PluginConfig.of(context).allowOnly("webhookUrl", "webhookUrlEnv", "filter", "minIntervalMillis",
                "maxAlertsPerMessage", "queueSize", "timeoutMillis", "maxRetries");
        webhookUrl = c.secret("webhookUrl", "webhookUrlEnv", true);
        URI uri = c.httpUrl(c.has("webhookUrl") ? "webhookUrl" : "webhookUrlEnv", webhookUrl);
        if (!"https".equals(uri.getScheme()) && !"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
            throw c.error(c.has("webhookUrl") ? "webhookUrl" : "webhookUrlEnv",
                    "must be an https:// URL (Slack webhooks are https://hooks.slack.com/services/...)");
        }
        PluginConfig filter = c.object("filter").allowOnly("rules", "domains");
        rules = Set.copyOf(filter.strings("rules"));
        domains = filter.regex("domains");
        minIntervalMillis = c.longValue("minIntervalMillis", 1_000, 0, 3_600_000);
        maxAlertsPerMessage = c.integer("maxAlertsPerMessage", 10, 1, SlackMessage.MAX_ALERTS);
        queueSize = c.integer("queueSize", 1_000, 1, 1_000_000);
        timeoutMillis = c.longValue("timeoutMillis", 10_000, 100, 600_000);
        maxRetries = c.integer("maxRetries", 5, 0, 1_000);
    }

    private void offer(JsonObject json) {
        if (!Alert.MESSAGE_TYPE.equals(json.getString("message_type"))) {
            return; // another plugin's event on the alert address
        }
        Alert alert = Alert.fromJson(json);
        if (stopping || !accepts(alert)) {
            return;
        }
        if (waiting.size() >= queueSize) {
            droppedQueueFull.increment();
            return;
        }
        waiting.add(alert);
        waitingCount.set(waiting.size());
        schedule();
    }

    private boolean accepts(Alert alert) {
        if (!rules.isEmpty() && !rules.contains(alert.rule())) {
            return false;
        }
        return domains == null || alert.certificate().allDomains().stream().anyMatch(d -> domains.matcher(d).find());
    }

    /** Sends now if the interval has passed, else once it has; alerts arriving meanwhile join the message. */
    private void schedule() {
        if (sending || timer >= 0 || waiting.isEmpty() || stopping) {
            return;
        }
        long wait = nextSendAt - System.currentTimeMillis();
        if (wait <= 0) {
            sendNext();
        } else {
            timer = vertx.setTimer(wait, t -> {
                timer = -1;
                schedule();
            });
        }
    }

    private void sendNext() {
        List<Alert> alerts = new ArrayList<>();
        while (!waiting.isEmpty() && alerts.size() < maxAlertsPerMessage) {
            alerts.add(waiting.poll());
        }
        waitingCount.set(waiting.size());
        sending = true;
        post(alerts, SlackMessage.of(alerts), 1);
    }

    private void post(List<Alert> alerts, JsonObject message, int attempt) {
        context.httpClient().requestAbs(HttpMethod.POST, webhookUrl).timeout(timeoutMillis)
                .sendJsonObject(message)
                .onComplete(ar -> {
                    nextSendAt = System.currentTimeMillis() + minIntervalMillis;
                    if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
                        messages.increment();
                        alertsSent.add(alerts.size());
                        done();
                    } else {
                        failed(alerts, message, attempt, ar.succeeded() ? ar.result() : null, ar.cause());
                    }
                });
    }

    private void failed(List<Alert> alerts, JsonObject message, int attempt, HttpResponse<Buffer> response, Throwable error) {
        int status = response == null ? 0 : response.statusCode();
        // Slack explains a refusal in the body ("invalid_payload", "no_service", "channel_is_archived").
        // The hub masks the webhook URL (and its path, which Vert.x errors quote) in what this logs: SlackFactory.secretKeys().
        String what = response == null ? String.valueOf(error.getMessage())
                : "HTTP " + status + " " + abbreviate(response.bodyAsString());
        if (status == 429) {
            rateLimited.increment();
            long retryAfter = Math.max(retryAfterMillis(response.getHeader("Retry-After")), minIntervalMillis);
            nextSendAt = System.currentTimeMillis() + retryAfter;
            log.fine(() -> "Slack rate limit (429), sending " + alerts.size() + " alert(s) again in " + retryAfter + " ms");
            // Back to the head of the queue, in order: the next message carries them and whatever came meanwhile.
            for (int i = alerts.size() - 1; i >= 0; i--) {
                waiting.addFirst(alerts.get(i));
            }
            waitingCount.set(waiting.size());
            done();
            return;
        }
        boolean retryable = status == 0 || status == 408 || status / 100 == 5;
        if (!retryable || attempt > maxRetries || stopping) {
            droppedFailed.add(alerts.size());
            log.warning(() -> "dropped a message of " + alerts.size() + " alert(s) after " + attempt
                    + " attempt(s): " + what + (status / 100 == 4 ? "; check that the webhook URL is current" : ""));
            done();
            return;
        }
        long delay = RETRY.delayMillis(attempt);
        log.fine(() -> "Slack did not take a message (" + what + "), retry " + attempt + " in " + delay + " ms");
        retry(alerts, message, attempt, delay);
    }

    private void retry(List<Alert> alerts, JsonObject message, int attempt, long delay) {
        if (stopping) {
            droppedFailed.add(alerts.size());
            done();
            return;
        }
        timer = vertx.setTimer(delay, t -> {
            timer = -1;
            post(alerts, message, attempt + 1);
        });
    }

    private void done() {
        sending = false;
        schedule();
    }

    /** Slack sends delta seconds; a missing or odd value means one second, Slack's documented pace. */
    static long retryAfterMillis(String header) {
        long millis = RetryAfter.millis(header, Instant.now());
        return millis < 0 ? 1_000 : millis;
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }

    @Override
    public Future<Void> stop() {
        Future<Void> drained = subscription == null ? Future.succeededFuture() : subscription.close();
        return drained.map(v -> {
            stopping = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            if (!waiting.isEmpty()) {
                droppedFailed.add(waiting.size());
                int n = waiting.size();
                log.warning(() -> "stopping with " + n + " alert(s) not yet sent to Slack; they are dropped");
                waiting.clear();
                waitingCount.set(0);
            }
            return null;
        });
    }
}
