package io.certstream.bench.load;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * certstream-server-go, the server most self-hosters run, as the peer the hub is measured against: the binary of
 * {@code ../shared/peers/certstream-server-go} (never copied into the project), configured at run time from that
 * folder's {@code config.template.yaml} into the output folder, pointed at the harness's log, started at index 0
 * (its recovery mode with a fresh index file). Observed through {@code /proc} (CPU time, RSS) and its Prometheus
 * {@code /metrics} (clients per stream, certificates skipped for slow clients).
 */
final class PeerProcess implements ServerProcess {
    static final String NAME = "certstream-server-go";
    private static final Pattern CLIENTS = Pattern.compile(
            "^certstreamservergo_clients_total\\{type=\"(\\w+)\"} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern SKIPPED = Pattern.compile(
            "^certstreamservergo_skipped_certs\\{[^}]*} (\\S+)$", Pattern.MULTILINE);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private PeerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * The peer's folder: {@code -Dpeer.dir}, else {@code $CERTSTREAM_PEER_DIR}, else {@code shared/peers/certstream-server-go}
     * beside the checkout (looked for from the working folder up, so it is found from the repository root, a module
     * folder or a git worktree). Null when no {@code shared/peers} folder exists; the folder returned may be empty.
     */
    static Path findDir() {
        String given = System.getProperty("peer.dir", System.getenv("CERTSTREAM_PEER_DIR"));
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path at = Path.of("").toAbsolutePath();
        for (int up = 0; up < 4 && at != null; up++, at = at.getParent()) {
            Path peers = at.resolveSibling("shared").resolve("peers");
            if (at.getParent() != null && Files.isDirectory(peers)) {
                // The folder may exist without the peer in it: the caller says which is missing.
                return peers.resolve(NAME);
            }
        }
        return null;
    }

    /** Writes the peer's configuration for this run (from its template) and starts it; the log must already answer. */
    /**
     * @param fromStart at index 0 (its recovery mode with no index file), else at the log's head (recovery off)
     * @param tag       names this process's files ("" or e.g. "-catchup")
     */
    static PeerProcess start(Path peerDir, Path out, String logUrl, int port, boolean fromStart, String tag) throws IOException {
        Path binary = peerDir.resolve(NAME);
        Path template = peerDir.resolve("config.template.yaml");
        if (!Files.isExecutable(binary) || !Files.isRegularFile(template)) {
            throw new IllegalStateException(peerDir + " has no executable " + NAME + " and config.template.yaml");
        }
        URI log = URI.create(logUrl);
        Path indexFile = out.toAbsolutePath().resolve("peer-ct-index" + tag + ".json");
        Files.deleteIfExists(indexFile);
        String yaml = Files.readString(template);
        yaml = replace(yaml, template, "listen_port: PORT", "listen_port: " + port);
        yaml = replace(yaml, template, "LOG_PORT", Integer.toString(log.getPort()));
        yaml = replace(yaml, template, "/PATH", log.getPath().replaceAll("/+$", ""));
        // Recovery with no index file starts every log at index 0: the catch-up phase.
        yaml = replace(yaml, template, "enabled: false\n    ct_index_file: \"ct_index.json\"",
                "enabled: " + fromStart + "\n    ct_index_file: \"" + indexFile + "\"");
        Path config = out.toAbsolutePath().resolve("peer-config" + tag + ".yaml");
        Files.writeString(config, yaml);
        Path logFile = out.toAbsolutePath().resolve("peer" + tag + ".log");
        List<String> command = new ArrayList<>(List.of(binary.toAbsolutePath().toString(), "-c", config.toString()));
        Process process = new ProcessBuilder(command)
                .directory(out.toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        return new PeerProcess(process, port, logFile);
    }

    private static String replace(String yaml, Path template, String placeholder, String value) {
        if (!yaml.contains(placeholder)) {
            throw new IllegalStateException(template + " no longer contains '" + placeholder.replace("\n", "\\n")
                    + "': the harness configures the peer from it; update PeerProcess");
        }
        return yaml.replace(placeholder, value);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Process process() {
        return process;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void probe() throws Exception {
        metrics();
    }

    private String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    @Override
    public Sample sample() {
        long pid = process.pid();
        return new Sample(System.currentTimeMillis(), ServerProcess.cpuSeconds(pid), -1, -1, -1,
                ServerProcess.rssBytes(pid), -1, -1, -1);
    }

    /**
     * Clients per stream from its gauges; dropped messages are the sum of its per-client skipped-certificate
     * counters (it keeps no per-stream total), reported under every stream: compare them before and after a phase
     * in which one kind of client is connected.
     */
    @Override
    public Counts counts() {
        String text;
        try {
            text = metrics();
        } catch (IOException e) {
            throw new IllegalStateException(NAME + "'s /metrics cannot be read: " + e.getMessage() + "; see " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonObject clients = new JsonObject();
        Matcher m = CLIENTS.matcher(text);
        while (m.find()) {
            long n = (long) Double.parseDouble(m.group(2));
            switch (m.group(1)) {
                case "lite" -> clients.put("lite", n);
                case "full" -> clients.put("full-stream", n);
                case "domain" -> clients.put("domains-only", n);
                default -> { }
            }
        }
        long skipped = 0;
        Matcher s = SKIPPED.matcher(text);
        while (s.find()) {
            skipped += (long) Double.parseDouble(s.group(1));
        }
        JsonObject dropped = new JsonObject().put("lite", skipped).put("full-stream", skipped).put("domains-only", skipped);
        return new Counts(clients, dropped);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
