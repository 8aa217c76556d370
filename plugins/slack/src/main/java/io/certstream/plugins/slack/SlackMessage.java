package io.certstream.plugins.slack;

import io.certstream.plugin.Alert;
import io.certstream.plugin.CertificateSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Alerts as one Slack message: {@code text} (the notification and fallback) plus Block Kit {@code blocks}:
 * a header, then per alert a section (matched domain linked to crt.sh, rule, domains, issuer, log) and a
 * divider. Stays inside Slack's limits: 50 blocks, 3000 characters per section, 150 per header.
 */
final class SlackMessage {
    /** Header plus two blocks per alert must stay within Slack's 50 blocks. */
    static final int MAX_ALERTS = 20;
    private static final int MAX_DOMAINS_SHOWN = 10;
    private static final int MAX_SECTION_CHARS = 3000;

    private SlackMessage() {
    }

    static JsonObject of(List<Alert> alerts) {
        String title = alerts.size() == 1 ? "CertStream alert: " + alerts.get(0).rule() : alerts.size() + " CertStream alerts";
        JsonArray blocks = new JsonArray().add(new JsonObject().put("type", "header")
                .put("text", new JsonObject().put("type", "plain_text").put("text", truncate(title, 150))));
        StringBuilder text = new StringBuilder(title).append(": ");
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            text.append(i == 0 ? "" : ", ").append(a.matchedDomain());
            blocks.add(new JsonObject().put("type", "section")
                    .put("text", new JsonObject().put("type", "mrkdwn").put("text", truncate(section(a), MAX_SECTION_CHARS))));
            blocks.add(new JsonObject().put("type", "divider"));
        }
        return new JsonObject().put("text", truncate(text.toString(), 3000)).put("blocks", blocks);
    }

    private static String section(Alert a) {
        CertificateSummary c = a.certificate();
        List<String> domains = c.allDomains();
        // Domains may be "*.x": in mrkdwn two asterisks make bold text, so each domain is shown as code.
        String shown = domains.subList(0, Math.min(domains.size(), MAX_DOMAINS_SHOWN)).stream()
                .map(d -> "`" + escape(d).replace("`", "'") + "`").collect(Collectors.joining(", "))
                + (domains.size() > MAX_DOMAINS_SHOWN ? " and " + (domains.size() - MAX_DOMAINS_SHOWN) + " more" : "");
        // Not in bold: a wildcard's asterisk would end the bold run.
        return "<" + c.crtShUrl() + "|" + escape(a.matchedDomain()) + "> matched rule `" + escape(a.rule()) + "` (" + a.match() + ")\n"
                + "*Domains:* " + shown + "\n"
                + "*Issuer:* " + escape(String.valueOf(c.issuer())) + "\n"
                + "*Log:* " + escape(String.valueOf(c.sourceName())) + ", entry " + (c.certLink() == null ? Long.toString(c.certIndex()) : "<" + c.certLink() + "|" + c.certIndex() + ">")
                + " (" + (c.updateType() == null ? "" : c.updateType()) + ", seen " + Instant.ofEpochMilli(c.seenMillis()) + ")";
    }

    /** Slack's mrkdwn needs exactly these three escaped; anything else would show literally. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
