package io.certstream.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Progress lines of a load run: to {@code harness.log} in the output folder, and to stderr when run from the command line. */
final class ProgressLog {
    private final Path file;
    private final long startMillis;
    private final boolean toStderr;

    ProgressLog(Path out, long startMillis, boolean toStderr) {
        this.file = out.resolve("harness.log");
        this.startMillis = startMillis;
        this.toStderr = toStderr;
    }

    void say(String message) {
        String line = String.format(Locale.ROOT, "[load %6.1fs] %s%n", (System.currentTimeMillis() - startMillis) / 1000.0, message);
        if (toStderr) {
            System.err.print(line);
        }
        try {
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // progress lines are a convenience; the results say what happened
        }
    }
}
