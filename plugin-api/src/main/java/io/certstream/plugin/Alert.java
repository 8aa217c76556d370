package io.certstream.plugin;

import io.vertx.core.json.JsonObject;

/**
 * A certificate matched a rule. Alerting plugins publish {@link #toJson()} on {@link BusAddresses#ALERTS};
 * sinks (webhook, slack, the SockJS bridge, your own plugin) consume that JSON and may read it back with
 * {@link #fromJson}.
 *
 * <p>JSON shape (a stable contract; new fields may be added, none removed or renamed):
 * <pre>{@code
 * {"message_type": "alert",
 *  "id": "keyword-alert#1:brand:ct.example/log:1234",   // stable for (plugin, rule, log, index)
 *  "plugin": "keyword-alert#1",                          // instance that raised it
 *  "rule": "brand",                                      // rule name from that plugin's config
 *  "match": "lookalike",                                 // how it matched: exact, suffix, keyword, regex, lookalike
 *  "matched_domain": "xn--pypal-4ve.com",                // the domain (as in the certificate) that matched
 *  "certificate": {"all_domains": [...], "subject": "/CN=...", "issuer": "/C=US/O=Let's Encrypt/CN=R3",
 *                  "update_type": "X509LogEntry", "source": {"name": "...", "url": "..."},
 *                  "cert_index": 1234, "cert_link": "...", "sha256": "AB:CD:...",
 *                  "not_before": 1700000000, "not_after": 1707776000, "seen": 1700000123.456,
 *                  "crtsh_url": "https://crt.sh/?sha256=ABCD..."}}
 * }</pre>
 *
 * @param id            stable identity: the same certificate entry and rule always give the same id
 * @param plugin        the instance name of the plugin that raised the alert
 * @param rule          the rule's name
 * @param match         how the rule matched ({@code exact}, {@code suffix}, {@code keyword}, {@code regex}, {@code lookalike})
 * @param matchedDomain the first domain of the certificate that matched
 * @param certificate   the certificate
 */
public record Alert(String id, String plugin, String rule, String match, String matchedDomain, CertificateSummary certificate) {

    /** The value of {@code message_type} in an alert's JSON. */
    public static final String MESSAGE_TYPE = "alert";

    /** An alert with the stable id {@code <plugin>:<rule>:<log url without scheme>:<cert index>}. */
    public static Alert of(String plugin, String rule, String match, String matchedDomain, CertificateSummary certificate) {
        String log = certificate.sourceUrl() == null ? "" : certificate.sourceUrl().replaceFirst("^https?://", "");
        return new Alert(plugin + ":" + rule + ":" + log + ":" + certificate.certIndex(),
                plugin, rule, match, matchedDomain, certificate);
    }

    /** The documented JSON shape above. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("message_type", MESSAGE_TYPE)
                .put("id", id)
                .put("plugin", plugin)
                .put("rule", rule)
                .put("match", match)
                .put("matched_domain", matchedDomain)
                .put("certificate", certificate.toJson());
    }

    /** Reads {@link #toJson()}. */
    public static Alert fromJson(JsonObject json) {
        return new Alert(
                json.getString("id"),
                json.getString("plugin"),
                json.getString("rule"),
                json.getString("match"),
                json.getString("matched_domain"),
                CertificateSummary.fromJson(json.getJsonObject("certificate", new JsonObject())));
    }
}
