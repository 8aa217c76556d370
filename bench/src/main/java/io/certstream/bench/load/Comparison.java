package io.certstream.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The side-by-side table ({@code results.md}) and chart ({@code chart.svg}) of a {@code --server} run, from the
 * {@code results.json} of each server found in its folder ({@code OUT/hub}, {@code OUT/certstream-server-go}),
 * so that running the two servers one at a time still ends in one table. Each column says when it was taken.
 */
final class Comparison {
    private static final String PEER = PeerProcess.NAME;
    private static final String HUB = LoadOptions.HUB;

    private Comparison() {
    }

    static void write(Path root) throws IOException {
        Map<String, JsonObject> runs = new LinkedHashMap<>();
        for (String name : List.of(PEER, HUB)) {
            Path json = root.resolve(name).resolve("results.json");
            if (Files.isRegularFile(json)) {
                runs.put(name, new JsonObject(Files.readString(json)));
            }
        }
        Files.writeString(root.resolve("results.md"), markdown(runs));
        Files.writeString(root.resolve("chart.svg"), svg(runs));
    }

    static String markdown(Map<String, JsonObject> runs) {
        StringBuilder md = new StringBuilder("Side by side, same log, same clients (in the harness's JVM), same phases; "
                + "CPU and RSS of the server process only (/proc). 100% CPU = one core.\n\n");
        for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
            JsonObject r = e.getValue();
            JsonObject m = r.getJsonObject("machine", new JsonObject());
            md.append("- ").append(e.getKey()).append(": ").append(r.getString("started")).append(", ")
                    .append(r.getString("mode")).append(" mode, load average at start ")
                    .append(m.getString("load_average_at_start", "?"));
            JsonArray jvm = r.getJsonObject("hub", new JsonObject()).getJsonArray("jvm_args", new JsonArray());
            if (!jvm.isEmpty()) {
                md.append(", JVM `").append(String.join(" ", jvm.stream().map(String::valueOf).toList())).append('`');
            }
            md.append(r.getBoolean("complete", false) ? "" : " **INCOMPLETE: " + r.getString("error") + "**").append('\n');
        }
        JsonObject any = runs.values().stream().findFirst().orElse(new JsonObject());
        JsonObject o = any.getJsonObject("options", new JsonObject());
        md.append("- log: backlog ").append(o.getValue("backlog")).append(" (pool ").append(o.getValue("pool"))
                .append("), at most ").append(o.getValue("batch_cap")).append(" entries per get-entries answer (the peer asks for 100, the hub for its"
                        + " watcher.batchSize, 256 as shipped); hub watcher.pollSeconds ")
                .append(o.getValue("poll_seconds")).append("; everyday: ").append(o.getValue("everyday"))
                .append("; fan-out: ").append(o.getValue("fanout")).append("\n\n");

        List<String> names = new ArrayList<>(runs.keySet());
        md.append("| measure |");
        names.forEach(n -> md.append(' ').append(n).append(" |"));
        md.append(names.size() == 2 ? " hub / peer |\n|---|---|---|---|\n" : "\n|---|" + "---|".repeat(names.size()) + "\n");

        row(md, runs, "idle: RSS MiB (threads) after start, no clients, quiet log",
                r -> fmt(at(r, "idle_start", "rss_mb")) + " (" + fmt(at(r, "idle_start", "threads")) + ")", r -> at(r, "idle_start", "rss_mb"));
        row(md, runs, "catch-up from index 0: certs/s to one full-stream client",
                r -> String.format(Locale.ROOT, "%,d (%s of %s in %s s)", (long) at(r, "catchup", "certs_per_second"),
                        fmt(at(r, "catchup", "received")), fmt(at(r, "catchup", "entries")), fmt(at(r, "catchup", "seconds"))),
                r -> at(r, "catchup", "certs_per_second"));
        row(md, runs, "catch-up: CPU per certificate (us), CPU %, max RSS MiB",
                r -> fmt(at(r, "catchup", "hub_cpu_us_per_cert")) + " us, " + fmt(at(r, "catchup", "hub_cpu_percent")) + "%, "
                        + fmt(at(r, "catchup", "max_rss_mb")), r -> at(r, "catchup", "hub_cpu_us_per_cert"));
        live(md, runs, "everyday", r -> r.getJsonObject("everyday"));
        int steps = runs.values().stream().mapToInt(r -> r.getJsonObject("fanout", new JsonObject())
                .getJsonArray("steps", new JsonArray()).size()).max().orElse(0);
        for (int i = 0; i < steps; i++) {
            int k = i;
            live(md, runs, "fan-out step " + (i + 1), r -> {
                JsonArray s = r.getJsonObject("fanout", new JsonObject()).getJsonArray("steps", new JsonArray());
                return k < s.size() ? s.getJsonObject(k) : null;
            });
        }
        row(md, runs, "fan-out capacity: most lite clients with p99 (from the get-entries answer) < limit, every message delivered",
                r -> fmt(at(r, "fanout", "capacity_clients")), r -> at(r, "fanout", "capacity_clients"));
        row(md, runs, "idle after the live phases: RSS MiB (threads)",
                r -> fmt(at(r, "idle_end", "rss_mb")) + " (" + fmt(at(r, "idle_end", "threads")) + ")", r -> at(r, "idle_end", "rss_mb"));
        row(md, runs, "max RSS MiB over the whole run", r -> fmt(at(r, "hub", "max_rss_mb")), r -> at(r, "hub", "max_rss_mb"));
        if (runs.size() == 2) {
            targets(md, runs.get(HUB), runs.get(PEER));
        }
        return md.toString();
    }

    /** The targets of issue 18, read off this run (the peer is the denominator). */
    static void targets(StringBuilder md, JsonObject hub, JsonObject peer) {
        md.append("\n| target (issue 18) | this run | met? |\n|---|---|---|\n");
        JsonObject he = hub.getJsonObject("everyday", new JsonObject());
        JsonObject pe = peer.getJsonObject("everyday", new JsonObject());
        double rss = num(he, "max_rss_mb");
        target(md, "everyday: hub RSS <= 128 MiB", fmt(rss) + " MiB (max during the phase)", rss <= 128);
        double hc = num(he, "hub_cpu_percent");
        double pc = num(pe, "hub_cpu_percent");
        target(md, "everyday: hub CPU <= the peer's, same messages delivered", fmt(hc) + "% vs " + fmt(pc) + "%; delivered "
                + fmt(num(he, "messages_received")) + " vs " + fmt(num(pe, "messages_received")),
                hc <= pc && num(he, "messages_received") == num(pe, "messages_received"));
        double hr = at(hub, "catchup", "certs_per_second");
        double pr = at(peer, "catchup", "certs_per_second");
        target(md, "catch-up: >= 10x the peer's certs/s", String.format(Locale.ROOT, "%s vs %s: %.1fx", fmt(hr), fmt(pr), hr / pr), hr >= 10 * pr);
        JsonObject h100 = step(hub, 100);
        JsonObject p100 = step(peer, 100);
        if (h100 != null && p100 != null) {
            double hu = num(h100, "cpu_us_per_message");
            double pu = num(p100, "cpu_us_per_message");
            target(md, "fan-out, 100 clients: hub CPU per delivered message <= 0.5x the peer's",
                    String.format(Locale.ROOT, "%s vs %s us: %.2fx", fmt(hu), fmt(pu), hu / pu), hu <= 0.5 * pu);
            double h99 = num(h100, "hub_share_p99_ms");
            double p99 = num(p100, "hub_share_p99_ms");
            target(md, "fan-out, 100 clients: p99 (from the get-entries answer) <= the peer's",
                    fmt(h99) + " vs " + fmt(p99) + " ms", h99 <= p99);
        }
        double hcap = at(hub, "fanout", "capacity_clients");
        double pcap = at(peer, "fanout", "capacity_clients");
        JsonArray hs = hub.getJsonObject("fanout", new JsonObject()).getJsonArray("steps", new JsonArray());
        boolean hubCapped = !hs.isEmpty() && hs.getJsonObject(hs.size() - 1).getBoolean("passed", false);
        target(md, "fan-out: >= 2x the peer's clients at p99 < limit, nothing lost", fmt(hcap) + " vs " + fmt(pcap)
                + (hubCapped ? " (the hub passed every step given: more steps would say more)" : ""), hcap >= 2 * pcap && hcap > 0);
        double idle = Math.max(at(hub, "idle_start", "rss_mb"), at(hub, "idle_end", "rss_mb"));
        target(md, "idle (no clients, quiet log): hub RSS <= 100 MiB", fmt(at(hub, "idle_start", "rss_mb")) + " MiB after start, "
                + fmt(at(hub, "idle_end", "rss_mb")) + " MiB after the live phases", idle <= 100);
    }

    private static JsonObject step(JsonObject r, int clients) {
        for (Object o : r.getJsonObject("fanout", new JsonObject()).getJsonArray("steps", new JsonArray())) {
            JsonObject s = (JsonObject) o;
            if (s.getInteger("clients") == clients) {
                return s;
            }
        }
        return null;
    }

    private static void target(StringBuilder md, String target, String figures, boolean met) {
        md.append("| ").append(target).append(" | ").append(figures).append(" | ").append(met ? "yes" : "**no**").append(" |\n");
    }

    private static void live(StringBuilder md, Map<String, JsonObject> runs, String name, Function<JsonObject, JsonObject> phase) {
        Function<JsonObject, JsonObject> p = r -> {
            JsonObject l = phase.apply(r);
            return l == null ? new JsonObject() : l;
        };
        JsonObject first = runs.values().stream().map(p).filter(l -> l.containsKey("clients")).findFirst().orElse(null);
        if (first == null) {
            return;
        }
        String label = name + " (" + first.getValue("clients") + " lite clients, " + first.getValue("rate") + " certs/s, "
                + first.getValue("seconds") + " s)";
        row(md, runs, label + ": delivered of expected (lost), msg/s",
                r -> p.apply(r).isEmpty() ? "-" : String.format(Locale.ROOT, "%s of %s (%s), %s/s%s",
                        fmt(num(p.apply(r), "messages_received")), fmt(num(p.apply(r), "messages_expected")),
                        fmt(num(p.apply(r), "messages_missing")), fmt(num(p.apply(r), "messages_per_second")),
                        p.apply(r).containsKey("passed") ? (p.apply(r).getBoolean("passed") ? ", pass" : ", **fail**") : ""),
                r -> num(p.apply(r), "messages_received"));
        row(md, runs, label + ": latency from the get-entries answer (when the server saw it) p50 / p99 ms",
                r -> p.apply(r).isEmpty() ? "-" : fmt(num(p.apply(r), "hub_share_p50_ms")) + " / " + fmt(num(p.apply(r), "hub_share_p99_ms")),
                r -> num(p.apply(r), "hub_share_p99_ms"));
        row(md, runs, label + ": latency from the log's timestamp (with each server's polling) p50 / p99 ms",
                r -> p.apply(r).isEmpty() ? "-" : fmt(num(p.apply(r), "latency_p50_ms")) + " / " + fmt(num(p.apply(r), "latency_p99_ms"))
                        + " (" + fmt(num(p.apply(r), "log_sth_requests_per_second")) + " get-sth/s, "
                        + fmt(num(p.apply(r), "log_entries_requests_per_second")) + " get-entries/s)",
                r -> num(p.apply(r), "latency_p99_ms"));
        row(md, runs, label + ": server CPU % (harness: log + clients)",
                r -> p.apply(r).isEmpty() ? "-" : fmt(num(p.apply(r), "hub_cpu_percent")) + "% ("
                        + fmt(num(p.apply(r), "harness_cpu_percent")) + "%)", r -> num(p.apply(r), "hub_cpu_percent"));
        row(md, runs, label + ": CPU per delivered message (us)",
                r -> p.apply(r).isEmpty() ? "-" : fmt(num(p.apply(r), "cpu_us_per_message")), r -> num(p.apply(r), "cpu_us_per_message"));
        row(md, runs, label + ": max RSS MiB",
                r -> p.apply(r).isEmpty() ? "-" : fmt(num(p.apply(r), "max_rss_mb")), r -> num(p.apply(r), "max_rss_mb"));
    }

    private static void row(StringBuilder md, Map<String, JsonObject> runs, String name, Function<JsonObject, String> cell,
                            Function<JsonObject, Double> value) {
        md.append("| ").append(name).append(" |");
        for (JsonObject r : runs.values()) {
            String c;
            try {
                c = cell.apply(r);
            } catch (RuntimeException e) {
                c = "-";
            }
            md.append(' ').append(c).append(" |");
        }
        if (runs.size() == 2) {
            double peer = safe(value, runs.get(PEER));
            double hub = safe(value, runs.get(HUB));
            md.append(' ').append(peer > 0 && !Double.isNaN(hub) ? String.format(Locale.ROOT, "%.2fx", hub / peer) : "-").append(" |");
        }
        md.append('\n');
    }

    private static double safe(Function<JsonObject, Double> value, JsonObject r) {
        try {
            return value.apply(r);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double at(JsonObject r, String phase, String key) {
        return num(r.getJsonObject(phase), key);
    }

    private static double num(JsonObject o, String key) {
        Object v = o == null ? null : o.getValue(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    /** Two panels: fan-out p99 latency and CPU per delivered message against the number of clients, per server. */
    static String svg(Map<String, JsonObject> runs) {
        int width = 900;
        int panel = 220;
        int left = 70;
        int top = 40;
        String[] colors = {"#1f77b4", "#d62728"};
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", width, top + 2 * (panel + 60)));
        String[][] panels = {{"fan-out: latency p99 (ms) by lite clients", "latency_p99_ms"},
                {"fan-out: server CPU per delivered message (us) by lite clients", "cpu_us_per_message"}};
        double xMax = 1;
        for (JsonObject r : runs.values()) {
            for (Object st : r.getJsonObject("fanout", new JsonObject()).getJsonArray("steps", new JsonArray())) {
                xMax = Math.max(xMax, ((JsonObject) st).getDouble("clients"));
            }
        }
        for (int p = 0; p < panels.length; p++) {
            int y0 = top + p * (panel + 60);
            double yMax = 1;
            for (JsonObject r : runs.values()) {
                for (Object st : r.getJsonObject("fanout", new JsonObject()).getJsonArray("steps", new JsonArray())) {
                    yMax = Math.max(yMax, ((JsonObject) st).getDouble(panels[p][1], 0.0));
                }
            }
            yMax *= 1.1;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n"
                    + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
                    left, y0 - 8, panels[p][0], left, y0, width - left - 20, panel));
            for (int g = 0; g <= 4; g++) {
                int y = y0 + panel - panel * g / 4;
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n",
                        left - 5, y + 4, yMax * g / 4));
                s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>\n",
                        left + (width - left - 20) * g / 4.0, y0 + panel + 15, xMax * g / 4));
            }
            int c = 0;
            for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
                StringBuilder pts = new StringBuilder();
                for (Object st : e.getValue().getJsonObject("fanout", new JsonObject()).getJsonArray("steps", new JsonArray())) {
                    JsonObject step = (JsonObject) st;
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + (width - left - 20) * step.getDouble("clients") / xMax,
                            y0 + panel - panel * step.getDouble(panels[p][1], 0.0) / yMax));
                }
                s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n"
                        + "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", colors[c % 2], pts.toString().trim(),
                        left + 10 + 250 * c, y0 + 16, colors[c % 2], e.getKey()));
                c++;
            }
        }
        return s.append("</svg>\n").toString();
    }
}
