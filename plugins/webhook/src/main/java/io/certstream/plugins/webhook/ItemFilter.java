package io.certstream.plugins.webhook;

import io.certstream.plugin.PluginConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which items a webhook sends ({@code "filter"} in config); an empty filter sends everything.
 *
 * @param domains     a regex found in at least one of the certificate's domains
 * @param updateTypes {@code X509LogEntry} and/or {@code PrecertLogEntry}
 * @param rules       alert rule names (alerts only)
 */
record ItemFilter(Pattern domains, Set<String> updateTypes, Set<String> rules) {

    static ItemFilter read(PluginConfig filter, boolean alerts) {
        filter.allowOnly(alerts ? new String[]{"domains", "updateTypes", "rules"} : new String[]{"domains", "updateTypes"});
        Set<String> updateTypes = Set.copyOf(filter.strings("updateTypes"));
        for (String t : updateTypes) {
            if (!t.equals("X509LogEntry") && !t.equals("PrecertLogEntry")) {
                throw filter.error("updateTypes", "contains \"" + t + "\"; use X509LogEntry and/or PrecertLogEntry");
            }
        }
        return new ItemFilter(filter.regex("domains"), updateTypes, Set.copyOf(filter.strings("rules")));
    }

    boolean isEmpty() {
        return domains == null && updateTypes.isEmpty() && rules.isEmpty();
    }

    /** An alert in the shape of {@link io.certstream.plugin.Alert#toJson()}. */
    boolean acceptsAlert(JsonObject alert) {
        if (!rules.isEmpty() && !rules.contains(alert.getString("rule"))) {
            return false;
        }
        JsonObject cert = alert.getJsonObject("certificate", new JsonObject());
        return accepts(cert.getString("update_type"), cert.getJsonArray("all_domains"));
    }

    /** A {@code certificate_update} message of the wire format. */
    boolean acceptsCertificate(JsonObject message) {
        JsonObject data = message.getJsonObject("data", new JsonObject());
        JsonObject leaf = data.getJsonObject("leaf_cert", new JsonObject());
        return accepts(data.getString("update_type"), leaf.getJsonArray("all_domains"));
    }

    private boolean accepts(String updateType, JsonArray allDomains) {
        if (!updateTypes.isEmpty() && !updateTypes.contains(updateType)) {
            return false;
        }
        if (domains == null) {
            return true;
        }
        if (allDomains != null) {
            for (Object d : allDomains) {
                if (d instanceof String s && domains.matcher(s).find()) {
                    return true;
                }
            }
        }
        return false;
    }
}
