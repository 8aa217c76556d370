package io.certstream.plugins.it;

import io.certstream.hub.sim.SimulatedCtLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keyword-alert rules of the acceptance tests, and which alerts they must raise for the simulated log's
 * entries, worked out independently of the plugin from the domains the log issued.
 */
final class Rules {
    /** Two rules that match some of the simulated log's names ({@code cobalt-123.dev}) and one that matches none. */
    static final JsonArray JSON = new JsonArray()
            .add(new JsonObject().put("name", "cobalt").put("keyword", new JsonArray().add("cobalt")))
            .add(new JsonObject().put("name", "dev-sites").put("suffix", new JsonArray().add("dev")))
            .add(new JsonObject().put("name", "bank").put("exact", new JsonArray().add("login.bank.example")));

    private Rules() {
    }

    static boolean matches(String rule, String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return switch (rule) {
            case "cobalt" -> d.contains("cobalt");
            case "dev-sites" -> d.equals("dev") || d.endsWith(".dev");
            case "bank" -> d.equals("login.bank.example");
            default -> throw new IllegalArgumentException(rule);
        };
    }

    /** {@code <rule>#<cert index>} of every alert the entries {@code [from, to)} must raise. */
    static Set<String> expectedAlerts(SimulatedCtLog log, long from, long to) {
        Set<String> out = new TreeSet<>();
        for (long i = from; i < to; i++) {
            for (String rule : new String[]{"cobalt", "dev-sites", "bank"}) {
                if (log.entry(i).domains().stream().anyMatch(d -> matches(rule, d))) {
                    out.add(rule + "#" + i);
                }
            }
        }
        return out;
    }

    /** The same key for a delivered alert. */
    static String key(JsonObject alert) {
        return alert.getString("rule") + "#" + alert.getJsonObject("certificate").getLong("cert_index");
    }
}
