package io.certstream.bench.load;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A CertStream server under test, in its own process: the hub ({@link HubProcess}) or certstream-server-go
 * ({@link PeerProcess}). CPU time and RSS are read from {@code /proc} for both, so the two are measured the same way.
 */
interface ServerProcess extends AutoCloseable {
    /** "hub" or "certstream-server-go". */
    String name();

    /** The server's OS process. */
    Process process();

    /** Where the server's output goes (named in errors). */
    Path log();

    /** The websocket port (all three streams). */
    int port();

    /** Asks the server once whether it is up: throws while it does not answer. */
    void probe() throws Exception;

    default long pid() {
        return process().pid();
    }

    default boolean alive() {
        return process().isAlive();
    }

    /** Waits until {@link #probe()} succeeds; fails with the log's path when the server exits or does not come up. */
    default void awaitReady(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try {
                probe();
                return;
            } catch (Exception e) {
                if (!alive()) {
                    throw new IllegalStateException(name() + " exited with code " + process().exitValue() + "; see "
                            + log(), e);
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(name() + " did not come up on port " + port() + "; see " + log(), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** CPU time, RSS and, when the server has one, its heap. */
    Sample sample() throws IOException;

    /**
     * What the server says about itself: connected clients per endpoint ({@code lite}, {@code full-stream},
     * {@code domains-only}) and messages it dropped per endpoint (for slow readers or overload).
     */
    Counts counts();

    /** @param heapAfterGc heap in use after the last collection: the live data (-1 for a server without a heap) */
    record Sample(long wallMillis, double cpuSeconds, long heapUsed, long heapCommitted, long heapMax, long rssBytes,
                  long gcCount, long gcMillis, long heapAfterGc) {
    }

    record Counts(JsonObject clients, JsonObject dropped) {
        long clients(String endpoint) {
            return clients.getLong(endpoint, 0L);
        }

        long dropped(String endpoint) {
            return dropped.getLong(endpoint, 0L);
        }
    }

    /** User + system CPU time of a process (Linux {@code /proc/PID/stat}), or -1 elsewhere. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) in parentheses: state is field 3, utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Clock ticks per second of /proc/PID/stat: 100 on every Linux this runs on (USER_HZ). */
    long CLOCK_TICKS = 100;

    /** Resident set size (Linux {@code /proc/PID/status}), or -1 elsewhere. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** Threads of a process (Linux {@code /proc/PID/status}), or -1 elsewhere. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
