package io.certstream.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Writes a run's results: {@code results.json}, a markdown table ({@code results.md}) and {@code chart.svg}. */
final class Report {
    private Report() {
    }

    static void write(Path out, JsonObject results) throws IOException {
        Files.writeString(out.resolve("results.json"), results.encodePrettily());
        Files.writeString(out.resolve("results.md"), markdown(results));
        Files.writeString(out.resolve("chart.svg"), svg(results.getJsonArray("timeline", new JsonArray())));
    }

    static String markdown(JsonObject r) {
        StringBuilder md = new StringBuilder();
        JsonObject o = r.getJsonObject("options", new JsonObject());
        JsonObject m = r.getJsonObject("machine", new JsonObject());
        md.append("Load harness, ").append(r.getString("mode")).append(" mode, ").append(r.getString("started"))
                .append(", ").append(m.getInteger("cores")).append(" cores (").append(m.getString("cpu", "?"))
                .append("), load average at start ").append(m.getString("load_average_at_start", "?")).append("\n\n");
        md.append("| measure | value |\n|---|---|\n");
        JsonObject c = r.getJsonObject("catchup");
        if (c != null) {
            row(md, "catch-up: certs/s to one full-stream client", c.getValue("certs_per_second")
                    + " (" + c.getValue("received") + " of " + c.getValue("entries") + " in " + c.getValue("seconds") + " s; "
                    + c.getValue("dropped_by_hub") + " dropped by the hub: slow reader or overload)");
            row(md, "catch-up: certs/s over the second half (JIT warm)", String.valueOf(c.getValue("second_half_certs_per_second")));
            row(md, "catch-up: hub CPU per certificate, hub CPU use (200% = 2 cores)", c.getValue("hub_cpu_us_per_cert")
                    + " us, " + c.getValue("hub_cpu_percent") + "%");
        }
        live(md, "lite", r.getJsonObject("live_lite"));
        live(md, "domains-only", r.getJsonObject("live_domains_only"));
        filtered(md, r.getJsonObject("filtered"));
        JsonObject hub = r.getJsonObject("hub");
        if (hub != null) {
            row(md, "hub heap: max used / max after GC (live data); max RSS", hub.getValue("max_heap_used_mb") + " / "
                    + hub.getValue("max_heap_after_gc_mb") + " MiB; " + hub.getValue("max_rss_mb")
                    + " MiB (JVM " + String.join(" ", hub.getJsonArray("jvm_args").stream().map(String::valueOf).toList()) + ")");
            row(md, "dropped messages (hub /stats)", hub.getJsonObject("dropped_messages").encode());
        }
        List<Double> cpu = values(r.getJsonArray("timeline", new JsonArray()), "hub_cpu_percent");
        if (!cpu.isEmpty()) {
            row(md, "hub CPU, max 1-s sample (200% = 2 cores)", String.format(Locale.ROOT, "%.0f%%",
                    cpu.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        }
        row(md, "options", "backlog " + o.getValue("backlog") + " (pool " + o.getValue("pool") + ", " + o.getValue("entries")
                + "), batch " + o.getValue("batch_cap") + ", poll " + o.getValue("poll_seconds") + " s, rate "
                + o.getValue("rate") + "/s for " + o.getValue("live_seconds") + " s");
        if (!r.getBoolean("complete", false)) {
            row(md, "error", r.getString("error"));
        }
        return md.toString();
    }

    private static void live(StringBuilder md, String name, JsonObject l) {
        if (l == null || l.getBoolean("skipped", false)) {
            return;
        }
        row(md, "live " + name + ": " + l.getValue("clients") + " clients at " + l.getValue("rate") + " certs/s, latency p50 / p99 / max",
                l.getValue("latency_p50_ms") + " / " + l.getValue("latency_p99_ms") + " / " + l.getValue("latency_max_ms") + " ms");
        row(md, "live " + name + ": hub's share (from the get-entries answer) p50 / p99; hub CPU",
                l.getValue("hub_share_p50_ms") + " / " + l.getValue("hub_share_p99_ms") + " ms; " + l.getValue("hub_cpu_percent") + "%");
        row(md, "live " + name + ": messages received / expected, dropped by hub",
                l.getValue("messages_received") + " / " + l.getValue("messages_expected") + ", " + l.getValue("dropped_by_hub"));
    }

    private static void filtered(StringBuilder md, JsonObject f) {
        if (f == null) {
            return;
        }
        JsonObject b = f.getJsonObject("baseline");
        JsonObject w = f.getJsonObject("with_filters");
        JsonObject a = f.getJsonObject("baseline_again");
        String load = " at " + w.getValue("rate") + " certs/s for " + w.getValue("seconds") + " s";
        row(md, "filters: hub CPU per certificate, 1 unfiltered client / + " + f.getValue("clients")
                        + " clients with a different domain= filter each (" + f.getValue("matching_filters") + " matching)"
                        + " / baseline again" + load,
                b.getValue("hub_cpu_us_per_cert") + " / " + w.getValue("hub_cpu_us_per_cert") + " / "
                        + a.getValue("hub_cpu_us_per_cert") + " us (filters: " + f.getValue("extra_hub_cpu_us_per_cert")
                        + " us); hub CPU " + b.getValue("hub_cpu_percent") + "% / " + w.getValue("hub_cpu_percent") + "% / "
                        + a.getValue("hub_cpu_percent") + "%");
        row(md, "filters: hub max RSS, baseline / with filters / baseline again", b.getValue("max_rss_mb") + " / "
                + w.getValue("max_rss_mb") + " / " + a.getValue("max_rss_mb") + " MiB");
        row(md, "filters: the unfiltered client's latency p50 / p99, baseline / with filters / baseline again",
                latency(b.getJsonObject("unfiltered")) + " / " + latency(w.getJsonObject("unfiltered")) + " / "
                        + latency(a.getJsonObject("unfiltered")));
        JsonObject wf = w.getJsonObject("filtered");
        row(md, "filters: filtered clients' messages received / expected, latency p50 / p99, dropped by hub",
                wf.getValue("messages_received") + " / " + wf.getValue("messages_expected") + ", "
                        + wf.getValue("latency_p50_ms") + " / " + wf.getValue("latency_p99_ms") + " ms, "
                        + w.getValue("dropped_by_hub"));
    }

    private static String latency(JsonObject delivery) {
        return delivery.getValue("latency_p50_ms") + " / " + delivery.getValue("latency_p99_ms") + " ms";
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static List<Double> values(JsonArray timeline, String key) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < timeline.size(); i++) {
            Object v = timeline.getJsonObject(i).getValue(key);
            out.add(v instanceof Number n ? n.doubleValue() : Double.NaN);
        }
        return out;
    }

    /** Four stacked panels over time: catch-up certificates/s, live messages/s, latency p50/p99 (ms), hub CPU and memory. */
    static String svg(JsonArray timeline) {
        int width = 900;
        int panel = 150;
        int left = 70;
        int top = 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">\n", width, top + 4 * (panel + 40)));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        List<Double> t = values(timeline, "t");
        double tMax = t.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        String[][] panels = {
                {"certificates/s received by the full-stream client", "full_per_second:#1f77b4"},
                {"messages/s received by all live clients", "lite_per_second:#2ca02c", "domains_per_second:#9467bd"},
                {"delivery latency, ms (1-s windows)", "lite_p50_ms:#2ca02c", "lite_p99_ms:#98df8a",
                        "domains_p50_ms:#9467bd", "domains_p99_ms:#c5b0d5"},
                {"hub CPU % (200 = 2 cores) and heap used, MiB", "hub_cpu_percent:#d62728", "heap_used_mb:#ff7f0e",
                        "heap_after_gc_mb:#bcbd22", "rss_mb:#8c564b"}};
        for (int p = 0; p < panels.length; p++) {
            int y0 = top + p * (panel + 40);
            double max = 1;
            for (int k = 1; k < panels[p].length; k++) {
                for (double v : values(timeline, panels[p][k].split(":")[0])) {
                    if (!Double.isNaN(v)) {
                        max = Math.max(max, v);
                    }
                }
            }
            double yMax = niceCeil(max);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", left, y0 - 8, panels[p][0]));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
                    left, y0, width - left - 20, panel));
            for (int g = 0; g <= 4; g++) {
                double v = yMax * g / 4;
                int y = y0 + panel - (int) (panel * g / 4.0);
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                        + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n",
                        left - 5, y + 4, label(v), left, width - 20, y, y));
            }
            int legendX = left + 10;
            for (int k = 1; k < panels[p].length; k++) {
                String[] kv = panels[p][k].split(":");
                List<Double> v = values(timeline, kv[0]);
                Function<Integer, String> point = i -> String.format(Locale.ROOT, "%.1f,%.1f",
                        left + (width - left - 20) * t.get(i) / tMax, y0 + panel - panel * Math.min(v.get(i), yMax) / yMax);
                StringBuilder path = new StringBuilder();
                for (int i = 0; i < v.size(); i++) {
                    if (Double.isNaN(v.get(i))) {
                        continue;
                    }
                    path.append(path.length() == 0 ? "" : " ").append(point.apply(i));
                }
                s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n",
                        kv[1], path));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", legendX, y0 + 14, kv[1], kv[0]));
                legendX += 8 * kv[0].length() + 20;
            }
        }
        // phases along the bottom axis
        int yAxis = top + 4 * (panel + 40) - 22;
        String last = "";
        for (int i = 0; i < timeline.size(); i++) {
            String phase = timeline.getJsonObject(i).getString("phase", "");
            if (!phase.equals(last) && !phase.endsWith("-drain") && !phase.endsWith("-close") && !phase.endsWith("-connect")) {
                double x = left + (width - left - 20) * t.get(i) / tMax;
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#bbb\" stroke-dasharray=\"3,3\"/>"
                        + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>\n", x, x, top, yAxis - 10, x + 2, yAxis, phase));
            }
            last = phase;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">seconds since start (max %.0f)</text>\n",
                width - 20, yAxis + 16, tMax));
        return s.append("</svg>\n").toString();
    }

    private static double niceCeil(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[]{1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double v) {
        return v >= 10_000 ? String.format(Locale.ROOT, "%.0fk", v / 1000) : String.format(Locale.ROOT, "%.0f", v);
    }
}
