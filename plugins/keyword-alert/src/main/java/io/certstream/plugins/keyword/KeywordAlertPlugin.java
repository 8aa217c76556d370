package io.certstream.plugins.keyword;

import io.certstream.model.CertificateUpdate;
import io.certstream.plugin.Alert;
import io.certstream.plugin.BusAddresses;
import io.certstream.plugin.CertificateSummary;
import io.certstream.plugin.Plugin;
import io.certstream.plugin.PluginConfig;
import io.certstream.plugin.PluginContext;
import io.certstream.plugin.PluginMetrics;
import io.certstream.plugin.Subscription;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches every certificate's domains against the configured rules and publishes one {@link Alert} per
 * matching rule and certificate on the alert address, where webhook, slack and bridge clients pick it up.
 *
 * <p>Config: {@code rules} (list, required; see {@link Rule}), {@code address} (default
 * {@value BusAddresses#ALERTS}), {@code updateTypes} (default both {@code X509LogEntry} and
 * {@code PrecertLogEntry}), {@code queueSize} (default 10,000: certificates waiting to be matched; beyond it
 * they are dropped and counted as {@code dropped_certstream_updates}).
 */
final class KeywordAlertPlugin implements Plugin {
    private List<Rule> rules;
    private String address;
    private Set<String> updateTypes;
    private String name;
    private PluginContext context;
    private Subscription<CertificateUpdate> subscription;
    private PluginMetrics.Counter certificates;
    private PluginMetrics.Counter alerts;

    @Override
    public Future<Void> start(PluginContext context) {
        this.context = context;
        this.name = context.name();
        PluginConfig c = PluginConfig.of(context).allowOnly("rules", "address", "updateTypes", "queueSize");
        address = c.string("address", BusAddresses.ALERTS);
        updateTypes = new HashSet<>(c.strings("updateTypes"));
        for (String t : updateTypes) {
            if (!t.equals("X509LogEntry") && !t.equals("PrecertLogEntry")) {
                throw c.error("updateTypes", "contains \"" + t + "\"; use X509LogEntry and/or PrecertLogEntry");
            }
        }
        List<PluginConfig> ruleConfigs = c.objects("rules");
        if (ruleConfigs.isEmpty()) {
            throw c.error("rules", "is required: a list of {\"name\": ..., \"keyword\": [...], ...} (see config/plugins/keyword-alert.json)");
        }
        List<Rule> read = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (PluginConfig rc : ruleConfigs) {
            Rule rule = Rule.read(rc);
            if (!names.add(rule.name())) {
                throw rc.error("name", "\"" + rule.name() + "\" is used by two rules; alerts name their rule, so names must be unique");
            }
            read.add(rule);
        }
        rules = List.copyOf(read);
        certificates = context.metrics().counter("certificates");
        alerts = context.metrics().counter("alerts");
        int queueSize = c.integer("queueSize", 10_000, 1, 1_000_000);
        subscription = context.subscribe(BusAddresses.UPDATES, queueSize, this::check);
        context.logger().info(() -> "watching " + rules.size() + " rule(s), publishing alerts on " + address);
        return Future.succeededFuture();
    }

    private void check(CertificateUpdate update) {
        if (!updateTypes.isEmpty() && !updateTypes.contains(update.updateType().name())) {
            return;
        }
        certificates.increment();
        List<Rule.Domain> domains = update.leaf().allDomains().stream().map(Rule.Domain::new).toList();
        CertificateSummary summary = null;
        for (Rule rule : rules) {
            Rule.Match match = rule.match(domains);
            if (match == null) {
                continue;
            }
            if (summary == null) {
                summary = CertificateSummary.of(update);
            }
            Alert alert = Alert.of(name, rule.name(), match.kind(), match.domain(), summary);
            context.eventBus().publish(address, alert.toJson());
            alerts.increment();
            context.metrics().counter("alerts_" + rule.name()).increment();
        }
    }

    @Override
    public Future<Void> stop() {
        // Certificates already queued are still matched: their alerts were as good as raised.
        return subscription == null ? Future.succeededFuture() : subscription.close();
    }
}
