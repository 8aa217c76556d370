package io.certstream.plugin;

import io.certstream.model.CertificateUpdate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What an alert says about its certificate: enough for a human to judge it and a link to look further.
 * The JSON field names follow the CertStream wire format where the same value exists there.
 *
 * @param allDomains  {@code all_domains}: CN and DNS SANs of the leaf
 * @param subject     {@code subject}: the leaf's aggregated subject, e.g. {@code /CN=x.example}
 * @param issuer      {@code issuer}: the leaf's aggregated issuer, e.g. {@code /C=US/O=Let's Encrypt/CN=R3}
 * @param updateType  {@code update_type}: {@code X509LogEntry} or {@code PrecertLogEntry}
 * @param sourceName  {@code source.name}: the log's description
 * @param sourceUrl   {@code source.url}: the log's URL
 * @param certIndex   {@code cert_index}: index of the entry in that log
 * @param certLink    {@code cert_link}: URL of the entry in the log
 * @param sha256      {@code sha256}: SHA-256 fingerprint, upper-case colon hex
 * @param notBefore   {@code not_before}: epoch seconds
 * @param notAfter    {@code not_after}: epoch seconds
 * @param seenMillis  {@code seen}: when the hub decoded it (epoch seconds with millis on the wire)
 */
public record CertificateSummary(
        List<String> allDomains,
        String subject,
        String issuer,
        String updateType,
        String sourceName,
        String sourceUrl,
        long certIndex,
        String certLink,
        String sha256,
        long notBefore,
        long notAfter,
        long seenMillis) {

    public CertificateSummary {
        allDomains = List.copyOf(allDomains);
    }

    /** The summary of a decoded certificate update. */
    public static CertificateSummary of(CertificateUpdate update) {
        var leaf = update.leaf();
        return new CertificateSummary(
                leaf.allDomains(),
                leaf.subject() == null ? null : leaf.subject().aggregated(),
                leaf.issuer() == null ? null : leaf.issuer().aggregated(),
                update.updateType().name(),
                update.source().name(),
                update.source().url(),
                update.certIndex(),
                update.certLink(),
                leaf.sha256(),
                leaf.notBefore(),
                leaf.notAfter(),
                update.seenMillis());
    }

    /**
     * The certificate on crt.sh: {@code https://crt.sh/?sha256=<hex without colons>}. crt.sh may list a
     * freshly logged certificate only after a few minutes.
     */
    public String crtShUrl() {
        return "https://crt.sh/?sha256=" + sha256.replace(":", "");
    }

    /** The JSON shape documented on {@link Alert#toJson()}. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("all_domains", new JsonArray(List.copyOf(allDomains)))
                .put("subject", subject)
                .put("issuer", issuer)
                .put("update_type", updateType)
                .put("source", new JsonObject().put("name", sourceName).put("url", sourceUrl))
                .put("cert_index", certIndex)
                .put("cert_link", certLink)
                .put("sha256", sha256)
                .put("not_before", notBefore)
                .put("not_after", notAfter)
                .put("seen", seenMillis / 1000.0)
                .put("crtsh_url", crtShUrl());
    }

    /** Reads {@link #toJson()}; fields missing from the JSON become {@code null} or 0. */
    public static CertificateSummary fromJson(JsonObject json) {
        JsonObject source = json.getJsonObject("source", new JsonObject());
        JsonArray domains = json.getJsonArray("all_domains", new JsonArray());
        List<String> allDomains = new ArrayList<>();
        domains.forEach(d -> allDomains.add(String.valueOf(d)));
        return new CertificateSummary(
                allDomains,
                json.getString("subject"),
                json.getString("issuer"),
                json.getString("update_type"),
                source.getString("name"),
                source.getString("url"),
                json.getLong("cert_index", 0L),
                json.getString("cert_link"),
                json.getString("sha256", ""),
                json.getLong("not_before", 0L),
                json.getLong("not_after", 0L),
                Math.round(json.getDouble("seen", 0.0) * 1000));
    }
}
