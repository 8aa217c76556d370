package io.certstream.client.testing;

import io.certstream.hub.testing.Signals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code certstream} CLI running as a separate JVM, started with the java of the test JVM and the test
 * classpath (the module's own classes plus Vert.x and Jackson), or a script that runs it. Its stdout and stderr go to files under
 * {@code target/cli-runs/}, never to the test JVM's stdout.
 */
public final class CliProcess implements AutoCloseable {

    private static final String MAIN = "io.certstream.client.cli.CertStreamCli";

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<String> args;

    private CliProcess(Process process, Path stdout, Path stderr, List<String> args) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.args = args;
    }

    /** Starts {@code certstream args...}; {@code name} names the output files. */
    public static CliProcess start(String name, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(Arrays.asList(args));
        return run(name, env, command, List.of(args));
    }

    /**
     * Runs any command (e.g. an example script) the same way; {@code CERTSTREAM} in its environment names a
     * launcher that runs this CLI from the test classpath, so scripts never build anything.
     */
    public static CliProcess run(String name, Map<String, String> env, List<String> command) throws IOException {
        return run(name, env, command, command);
    }

    private static CliProcess run(String name, Map<String, String> env, List<String> command, List<String> shown)
            throws IOException {
        Path dir = Path.of("target", "cli-runs");
        Files.createDirectories(dir);
        Path out = dir.resolve(name + ".stdout");
        Path err = dir.resolve(name + ".stderr");
        Path launcher = dir.resolve("certstream-from-test-classpath");
        StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
        javaCommand().forEach(word -> script.append(" '").append(word.replace("'", "'\\''")).append('\''));
        Files.writeString(launcher, script.append(" \"$@\"\n").toString());
        launcher.toFile().setExecutable(true);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("CERTSTREAM_STDOUT_TTY");
        builder.environment().remove("NO_COLOR");
        builder.environment().put("CERTSTREAM", launcher.toAbsolutePath().toString());
        builder.environment().putAll(env);
        return new CliProcess(builder.start(), out, err, shown);
    }

    /** The command line that runs the CLI from the test classpath, without arguments. */
    public static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Surefire runs tests through a manifest-only jar; it names the real classpath in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath, MAIN);
    }

    public static CliProcess start(String name, String... args) throws IOException {
        return start(name, Map.of(), args);
    }

    /** Lines written to stdout so far. */
    public List<String> stdoutLines() throws IOException {
        return lines(stdout);
    }

    /** Lines written to stderr so far. */
    public List<String> stderrLines() throws IOException {
        return lines(stderr);
    }

    /** Waits until stdout's lines satisfy {@code condition}; fails with both outputs when they do not in time. */
    public List<String> awaitStdout(Predicate<List<String>> condition, Duration timeout, String what) throws Exception {
        return await(stdout, condition, timeout, what);
    }

    /** Waits until stderr's lines satisfy {@code condition}. */
    public List<String> awaitStderr(Predicate<List<String>> condition, Duration timeout, String what) throws Exception {
        return await(stderr, condition, timeout, what);
    }

    /** Waits until stderr says the CLI connected to the hub. */
    public void awaitConnected(Duration timeout) throws Exception {
        awaitStderr(l -> l.stream().anyMatch(s -> s.startsWith("certstream: connected to ")), timeout, "connected");
    }

    private List<String> await(Path file, Predicate<List<String>> condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = lines(file);
            if (condition.test(lines)) {
                return lines;
            }
            if (!process.isAlive()) {
                throw new AssertionError("certstream " + args + " exited with " + process.exitValue() + " before: " + what
                        + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("certstream " + args + ": timed out after " + timeout + " waiting for: " + what
                        + "\n" + describe());
            }
            Thread.sleep(50);
        }
    }

    /** Sends a signal (e.g. {@code INT} as Ctrl-C does) with {@code kill}, and waits for the exit code. */
    public int signalAndWait(String signal, Duration timeout) throws Exception {
        if ("INT".equals(signal) && Signals.sigintIgnored()) {
            // Started from a background shell (nohup, `&`): SIGINT is ignored and the CLI inherits that, as any
            // program would, so Ctrl-C cannot be sent; SIGTERM runs the same shutdown hook.
            System.err.println("CliProcess: SIGINT is ignored in this environment (started in the background);"
                    + " sending TERM instead, which takes the same exit path");
            signal = "TERM";
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
        return waitFor(timeout);
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("certstream " + args + " did not exit within " + timeout + "\n" + describe());
        }
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    /** Both outputs, for failure messages. */
    public String describe() {
        try {
            return "--- stdout (" + stdout + ", last lines):\n" + tail(lines(stdout)) + "\n--- stderr (" + stderr + "):\n"
                    + tail(lines(stderr));
        } catch (IOException e) {
            return "(outputs unreadable: " + e + ")";
        }
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // A line is complete only once its newline is written; never judge a half-written one.
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
