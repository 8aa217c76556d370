package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.certstream.hub.testing.Async;
import io.certstream.hub.testing.RunningHub;
import io.certstream.hub.testing.Signals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example as a user runs it: its own JVM, {@code CERTSTREAM_URL} pointing at the real hub, which follows a
 * simulated CT log; the test compares the printed domains with what the log issued.
 */
class WatchKeywordsTest {

    private static final long WAIT_MS = 60_000;
    private static final List<String> KEYWORDS = List.of("shop", "api");

    private Vertx vertx;
    private Vertx hubVertx;
    private SimulatedCtLog log;
    private RunningHub hub;
    private Process example;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        hubVertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(3).withEntriesPerSecond(0).withBatchCap(16).withSeed(11)));
        hub = await(RunningHub.start(hubVertx, new JsonObject()
                .put("logList", new JsonObject().put("enabled", true).put("url", log.logListUrl()))
                .put("watcher", new JsonObject().put("start", "head"))));
        waitFor("the hub's watcher at the log's head", () -> !hub.metrics().logs().isEmpty()
                && hub.metrics().logs().values().iterator().next().nextIndex() == log.size());
    }

    @AfterEach
    void stop() throws Exception {
        if (example != null) {
            example.destroyForcibly();
        }
        await(hubVertx.close());
        await(vertx.close());
    }

    @Test
    void printsTheNewDomainsThatContainAKeywordAndClosesOnCtrlC() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "watch-keywords"));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                WatchKeywords.class.getName()));
        command.addAll(KEYWORDS);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CERTSTREAM_URL", "ws://127.0.0.1:" + hub.port() + "/");
        example = builder.start();
        waitFor("'connected to' on the example's stderr", () -> read(err).contains("connected to ws://127.0.0.1:"));

        long first = log.size();
        await(log.append(40));

        List<String> expected = new ArrayList<>();
        for (long i = first; i < first + 40; i++) {
            log.entry(i).domains().stream().filter(d -> KEYWORDS.stream().anyMatch(d::contains)).forEach(expected::add);
        }
        assertTrue(!expected.isEmpty(), "the simulated log (fixed seed) issued shop. or api. names");
        waitFor(expected.size() + " lines on stdout", () -> lines(out).size() >= expected.size());
        Thread.sleep(500);  // anything wrongly printed on top has arrived by now
        List<String> printed = lines(out);
        assertEquals(expected, printed.stream().map(l -> l.split(" ")[1]).toList(), read(out));
        for (String line : printed) {
            assertTrue(line.matches("\\S+ \\S+ \\(issuer: .+, log: " + SimulatedLogOptions.defaults().description() + "\\)"), line);
        }

        // A test run started in the background (nohup, &) ignores SIGINT, and so does the example it starts:
        // then TERM, which runs the same shutdown hook, stands in for Ctrl-C.
        String ctrlC = "-" + Signals.ctrlC();
        new ProcessBuilder("kill", ctrlC, Long.toString(example.pid())).start().waitFor();
        assertTrue(example.waitFor(15, TimeUnit.SECONDS), "the example exits on Ctrl-C");
        // The shutdown hook waits for close(): its CLOSED event is printed before the JVM ends.
        assertTrue(read(err).contains("closed connection to ws://127.0.0.1:"), read(err));
        assertFalse(read(err).contains("Exception"), read(err));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        String text = read(file);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** {@link Async#waitFor}, but gives up at once, showing the example's output, if the example has exited. */
    private void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        Async.waitFor(Duration.ofMillis(WAIT_MS), () -> gaveUp(what), () -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (example != null && !example.isAlive()) {
                throw new AssertionError(gaveUp(what));
            }
            return false;
        });
    }

    private String gaveUp(String what) {
        return "gave up waiting for " + what + (example == null ? "" : "; example stdout:\n"
                + read(Path.of("target", "watch-keywords", "stdout")) + "\nstderr:\n"
                + read(Path.of("target", "watch-keywords", "stderr")));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT_MS, TimeUnit.MILLISECONDS);
    }
}
