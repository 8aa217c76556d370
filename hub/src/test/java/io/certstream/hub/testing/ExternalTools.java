package io.certstream.hub.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Programs some tests drive (Node.js, npm, Chromium, Python, jq, Go): found on the PATH, or the test is skipped saying
 * what to install. Under CI (environment variable {@code CI=true}, as the CI runner sets it) a missing program fails
 * the test instead, so that CI never passes without really running it.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** Whether the tests run under CI ({@code CI=true}), where nothing a test needs may be missing. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Goes on when {@code available}; otherwise skips the test with {@code missing} as the reason, or fails it with
     * that message under CI.
     */
    public static void require(boolean available, String missing) {
        if (!available) {
            missingTool(missing);
        }
    }

    /** Skips the test saying what is missing, or fails it under CI; never returns. */
    public static void missingTool(String missing) {
        if (underCi()) {
            throw new AssertionError("CI=true, so this test fails instead of skipping: " + missing);
        }
        Assumptions.abort("skipped: " + missing);
    }

    /**
     * A Python 3 that has websocket-client (Debian: python3-websocket), the library the official CertStream Python
     * client is built on; skips the test when there is none.
     */
    public static String pythonWithWebsocket() throws IOException, InterruptedException {
        for (String python : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import websocket")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return python;
                }
            } catch (IOException notThere) {
                // try the next one
            }
        }
        missingTool("python3 with websocket-client is needed (apt-get install python3-websocket, or run ./run-tests as root)");
        return null;
    }

    /**
     * Builds {@code src/test/go/<name>.go} with Debian's Go and gorilla/websocket (the library the official CertStream
     * Go client is built on; GOPATH mode, as Debian ships Go libraries as source) into {@code target/go/<name>};
     * skips the test when either is missing (fails under CI), fails when the build fails.
     */
    public static synchronized Path goProgram(String name) throws IOException, InterruptedException {
        Path gorilla = Path.of(GO_PATH, "src", "github.com", "gorilla", "websocket");
        require(onPath("go") && Files.isDirectory(gorilla),
                "Go and gorilla/websocket are needed (apt-get install golang-go golang-github-gorilla-websocket-dev, or run ./run-tests as root)");
        Path dir = Files.createDirectories(Path.of("target", "go").toAbsolutePath());
        Path binary = dir.resolve(name);
        Path log = dir.resolve(name + "-build.log");
        ProcessBuilder build = new ProcessBuilder("go", "build", "-o", binary.toString(),
                Path.of("src", "test", "go", name + ".go").toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        build.environment().put("GO111MODULE", "off");
        build.environment().put("GOPATH", GO_PATH);
        build.environment().put("GOCACHE", dir.resolve("cache").toString());
        Process go = build.start();
        if (!go.waitFor(5, TimeUnit.MINUTES) || go.exitValue() != 0) {
            go.destroyForcibly();
            throw new IllegalStateException("go build of " + name + ".go failed:\n" + Files.readString(log));
        }
        return binary;
    }

    private static final String GO_PATH = "/usr/share/gocode";

    public static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /**
     * Copies {@code src/test/js/<name>} to {@code target/js/<name>} and runs {@code npm install} there (once per build).
     * Skips the test when Node.js or npm is missing (fails under CI); fails when the install itself fails.
     */
    public static synchronized Path npmProject(String name) throws IOException, InterruptedException {
        return npmProject(Path.of("src", "test", "js", name), name);
    }

    /** The project's root folder (where examples/ lives), as Maven passes it to the tests. */
    public static Path projectRoot() {
        return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * Like {@link #npmProject(String)} for any folder with a package.json, e.g. {@code examples/js-node}: its files
     * (not its folders, so never a developer's node_modules) are copied to {@code target/js/<name>}.
     */
    public static synchronized Path npmProject(Path source, String name) throws IOException, InterruptedException {
        require(onPath("node") && onPath("npm"), "Node.js and npm are needed (apt-get install nodejs npm, or run ./run-tests as root)");
        Path target = Path.of("target", "js", name);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(target.resolve("node_modules"))) {
            // Output goes to a file: writing to the test JVM's own stdout would corrupt surefire's channel.
            Path log = target.resolve("npm-install.log");
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(target.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install failed in " + target.toAbsolutePath()
                        + " (the npm registry must be reachable to run this test):\n" + Files.readString(log));
            }
        }
        return target;
    }

    /**
     * Debian's Chromium for browser tests: found on the PATH, else installed with apt-get when the tests run as root
     * (as ./run-tests does); the test is skipped, saying so, only when neither works (fails under CI).
     */
    public static synchronized Path chromium() throws IOException, InterruptedException {
        for (String name : new String[]{"chromium", "chromium-browser"}) {
            Path found = which(name);
            if (found != null) {
                return found;
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && onPath("apt-get")) {
            Path log = Path.of("target", "apt-get-chromium.log");
            Files.createDirectories(log.getParent());
            Process apt = new ProcessBuilder("sh", "-c",
                    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (apt.waitFor(10, TimeUnit.MINUTES) && apt.exitValue() == 0 && which("chromium") != null) {
                return which("chromium");
            }
            apt.destroyForcibly();
        }
        missingTool("Debian's chromium is needed for the browser test and could not be installed "
                + (root ? "(apt-get install chromium failed, see target/apt-get-chromium.log)"
                        : "(run apt-get install chromium as root, or ./run-tests as root)"));
        return null;
    }

    private static Path which(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }
}
