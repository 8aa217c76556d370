package io.certstream.bench;

import io.certstream.hub.ct.rfc6962.EntriesParser;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.sim.SimulatedCtLog;
import io.certstream.hub.sim.SimulatedLogOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real log entries for the benchmarks: minted by the simulated CT log (BouncyCastle certificates with real
 * chains, half of them precertificates), or the 1024 real Navigli 2025h2 entries of {@code ../shared/ctdata}.
 */
public final class BenchEntries {
    /** The real get-entries response the {@code ctdata} set reads, relative to the ctdata folder. */
    public static final String CTDATA_ENTRIES = "rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json";

    private BenchEntries() {
    }

    /** {@code count} entries issued by a simulated log with the given seed, in log order. */
    public static List<RawEntry> simulated(int count, long seed) {
        Vertx vertx = Vertx.vertx();
        try {
            SimulatedCtLog log = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                            .withInitialSize(count).withEntriesPerSecond(0).withSeed(seed))
                    .await();
            List<RawEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(log.entry(i).raw());
            }
            log.close().await();
            return entries;
        } finally {
            vertx.close().await();
        }
    }

    /** The ctdata folder: {@code -Dctdata.dir}, else {@code ../shared/ctdata} from here or the parent folder. */
    public static Path ctdataDir() {
        String configured = System.getProperty("ctdata.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        Path here = Path.of("..", "shared", "ctdata");
        return Files.isDirectory(here) ? here : Path.of("..", "..", "shared", "ctdata");
    }

    /** The real Navigli entries, or an exception saying where they were looked for. */
    public static List<RawEntry> ctdata() {
        Path file = ctdataDir().resolve(CTDATA_ENTRIES);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("real CT entries not found at " + file.toAbsolutePath().normalize()
                    + " (../shared/ctdata is absent; set -Dctdata.dir=... or use the simulated entries)");
        }
        try {
            return EntriesParser.parse(Buffer.buffer(Files.readAllBytes(file)), 0, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static List<RawEntry> named(String set, int simulatedCount) {
        return switch (set) {
            case "sim" -> simulated(simulatedCount, 1);
            case "ctdata" -> ctdata();
            default -> throw new IllegalArgumentException("unknown entry set '" + set + "' (sim or ctdata)");
        };
    }
}
