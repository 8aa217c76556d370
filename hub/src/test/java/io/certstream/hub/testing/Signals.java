package io.certstream.hub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Signals a test sends to a process it started, as a user at a terminal would. */
public final class Signals {
    private Signals() {
    }

    /**
     * Whether this JVM (and so every process it starts) ignores SIGINT: bit 1 of {@code SigIgn} in /proc. A test run
     * started in the background (nohup, {@code &}) does, and Ctrl-C then cannot be sent; SIGTERM, which the hub, the
     * CLI and the examples handle with the same shutdown hook, stands in for it.
     */
    public static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).trim(), 16) & 0b10) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: assume signals are as a terminal leaves them
        }
        return false;
    }

    /** The signal name to send for Ctrl-C here: {@code INT}, or {@code TERM} when SIGINT is ignored. */
    public static String ctrlC() {
        return sigintIgnored() ? "TERM" : "INT";
    }
}
