package io.certstream.hub;

import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.ConfigLoader;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --check-config}: loads the configuration exactly as a start would (defaults, file, environment; TLS files
 * read and checked), prints it as in effect with secrets masked, and says whether it is valid. Plugin entries are
 * checked by their plugins when the hub starts, since their jars define them.
 */
final class CheckConfig {
    private CheckConfig() {
    }

    /** @return the exit status: 0 valid, 2 not */
    static int run(Path file, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            out.println(ConfigLoader.effective(file, env).encodePrettily());
            err.println("certstream-hub: configuration OK (" + (file == null ? "built-in defaults" : file)
                    + " and CERTSTREAM_* environment variables)");
            return 0;
        } catch (ConfigException e) {
            err.println("certstream-hub: configuration error: " + e.getMessage());
            return 2;
        }
    }
}
