package io.certstream.hub.testing;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hub as a real separate JVM ({@code io.certstream.hub.Main --config FILE}) on the test JVM's classpath, its
 * output in a file (never on the test's stdout), so that tests can kill it hard and start it again.
 */
public final class HubProcess {
    private final Process process;
    private final int port;
    private final Path output;

    private HubProcess(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Writes {@code config} to {@code dir/hub.json}, starts the hub with it and waits until it answers on its port. */
    public static HubProcess start(Path dir, JsonObject config, String runName, String... extraArgs)
            throws IOException, InterruptedException {
        return start(dir, config, runName, Duration.ofSeconds(60), extraArgs);
    }

    /** As {@link #start(Path, JsonObject, String, String...)}, waiting up to {@code timeout} (a cluster node also joins its cluster). */
    public static HubProcess start(Path dir, JsonObject config, String runName, Duration timeout, String... extraArgs)
            throws IOException, InterruptedException {
        Path configFile = writeConfig(dir, config);
        Path output = dir.resolve(runName + ".log");
        List<String> args = new ArrayList<>(List.of("--config", configFile.toString()));
        args.addAll(List.of(extraArgs));
        HubProcess hub = new HubProcess(launch(args, Map.of(), output), config.getJsonObject("server").getInteger("port"), output);
        hub.awaitUp(timeout);
        return hub;
    }

    /** How a hub that was expected to stop by itself ended: its exit status and everything it printed. */
    public record Exit(int status, String output, Path configFile) {
    }

    /** Writes {@code config} to {@code dir/hub.json} and runs the hub with it until it exits by itself (60 s at most). */
    public static Exit runUntilExit(Path dir, JsonObject config, String runName, String... extraArgs)
            throws IOException, InterruptedException {
        Path configFile = writeConfig(dir, config);
        List<String> args = new ArrayList<>(List.of("--config", configFile.toString()));
        args.addAll(List.of(extraArgs));
        return runMain(dir, runName, Map.of(), configFile, args.toArray(String[]::new));
    }

    /** Like {@link #runUntilExit(Path, JsonObject, String, String...)}, with {@code env} added to the hub's environment. */
    public static Exit runUntilExit(Path dir, JsonObject config, String runName, Map<String, String> env)
            throws IOException, InterruptedException {
        Path configFile = writeConfig(dir, config);
        return runMain(dir, runName, env, configFile, "--config", configFile.toString());
    }

    /** Runs {@code Main} with {@code args} (no config file of its own) until it exits, 60 s at most. */
    public static Exit runMain(Path dir, String runName, Map<String, String> env, Path configFile, String... args)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path output = dir.resolve(runName + ".log");
        Process process = launch(List.of(args), env, output);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the hub process did not exit within 60 s; see " + output + ":\n" + Files.readString(output));
        }
        return new Exit(process.exitValue(), Files.readString(output), configFile);
    }

    private static Path writeConfig(Path dir, JsonObject config) throws IOException {
        Files.createDirectories(dir);
        Path configFile = dir.resolve("hub.json");
        Files.writeString(configFile, config.encodePrettily());
        return configFile;
    }

    private static Process launch(Path configFile, Path output) throws IOException {
        return launch(List.of("--config", configFile.toString()), Map.of(), output);
    }

    private static Process launch(List<String> args, Map<String, String> env, Path output) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.certstream.hub.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    public int port() {
        return port;
    }

    public Path output() {
        return output;
    }

    public Process process() {
        return process;
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** A normal stop (SIGTERM): the hub's shutdown hook runs. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public JsonObject stats() throws IOException, InterruptedException {
        return new JsonObject(get("/stats").body());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitUp(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the hub process exited with " + process.exitValue() + " before it was up; see " + output
                        + ":\n" + Files.readString(output));
            }
            try {
                if (get("/stats").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the hub process did not answer on port " + port + " within " + timeout + "; see " + output);
            }
            Thread.sleep(100);
        }
    }
}
