package io.certstream.client.cli;

import io.certstream.client.CertStreamClient;
import io.vertx.core.Vertx;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code certstream} command: prints certificates from a CertStream server, one line each.
 * See {@link CliOptions#USAGE} or {@code certstream --help}.
 */
public final class CertStreamCli {

    // Held here: java.util.logging keeps loggers weakly, and a collected one would lose its level.
    private static final Logger CLIENT_LOG = Logger.getLogger(CertStreamClient.class.getName());

    private CertStreamCli() {
    }

    /** Entry point of the runnable jar. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--version") || Arrays.asList(args).contains("-V")) {
            System.out.println(BuildInfo.describe());
            return;
        }
        CliOptions options;
        try {
            options = CliOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("certstream: " + e.getMessage());
            System.err.println("Try 'certstream --help'.");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(CliOptions.USAGE);
            return;
        }
        run(options);
    }

    /**
     * Whether stdout is a terminal. Java 17 has no direct test: {@code System.console()} is non-null only
     * when stdin and stdout are both terminals, so {@code certstream | grep} and {@code > file} get no
     * colour codes. Java 22+ returns a console even for pipes and adds {@code isTerminal()}, asked
     * reflectively so the jar runs on both. The launcher script, which can test stdout alone with
     * {@code [ -t 1 ]}, passes its answer in {@code CERTSTREAM_STDOUT_TTY}.
     */
    static boolean stdoutIsTerminal() {
        String fromLauncher = System.getenv("CERTSTREAM_STDOUT_TTY");
        if (fromLauncher != null) {
            return fromLauncher.equals("1");
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static void run(CliOptions options) {
        if (!options.verbose()) {
            // Vert.x and Netty log through JUL to stderr; the user wants our one-line status, not their INFO.
            Logger.getLogger("").setLevel(Level.SEVERE);
        }
        // The StatusPrinter reports gap notices itself; the library's warning would say it twice with --verbose.
        CLIENT_LOG.setLevel(Level.SEVERE);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        boolean color = !options.noColor() && !options.json() && stdoutIsTerminal() && System.getenv("NO_COLOR") == null;
        if (options.verbose()) {
            err.println("certstream: " + BuildInfo.describe()); // routine, like the connection attempts: --verbose only
        }

        Vertx vertx = Vertx.vertx();
        CertStreamClient client = CertStreamClient.create(vertx, options.clientOptions());
        CountDownLatch stdoutClosed = new CountDownLatch(1);
        client.listener(new MessagePrinter(out, options.json(), options.filter(), new LineFormatter(color),
                        stdoutClosed::countDown))
                .listener(new StatusPrinter(err, options.verbose(), options.url()));

        // Ctrl-C (SIGINT) and SIGTERM run shutdown hooks: close the websocket politely, then leave with
        // status 0, since stopping a stream is the normal way to end it, not an error.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                client.close().eventually(vertx::close).await(3, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Exiting anyway; a server that does not answer the close frame must not hold us up.
            }
            out.flush();
            Runtime.getRuntime().halt(0);
        }, "certstream-shutdown"));

        client.start();
        try {
            stdoutClosed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }
}
