package io.certstream.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The hubs' state folders in a run's output folder. Their replay segments hold every message a hub published (a
 * 200,000-entry catch-up writes 2 GB), so they are deleted when the run ends; the rest (positions) stays to look at.
 */
final class StateDirs {
    private StateDirs() {
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes the {@code replay} folder of every hub state folder directly under {@code out}; never fails the run. */
    static void deleteReplays(Path out) {
        try (Stream<Path> dirs = Files.list(out)) {
            List<Path> replays = dirs.map(d -> d.resolve("replay")).filter(Files::isDirectory).toList();
            for (Path replay : replays) {
                delete(replay);
            }
        } catch (IOException e) {
            System.err.println("run-load: could not delete the hubs' replay segments under " + out + ": " + e);
        }
    }
}
