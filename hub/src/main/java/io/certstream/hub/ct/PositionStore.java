package io.certstream.hub.ct;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Where every log's watcher stands, kept across restarts in {@code <stateDir>/positions.json}
 * ({@code {"logs":{"<log url>":<next index>,...}}}). Any watcher kind (RFC 6962, tiled) uses it the same way:
 * {@link #saved(String)} once at start (it wins over the configured {@code start}), {@link #advance(String, long)}
 * after each published batch.
 *
 * <p>Writes are atomic (temp file, fsync, rename), at most every {@code saveMillis} and once more on
 * {@link #close()}. A periodic save writes the positions as they were one save earlier: entries published
 * just before a hard kill may still sit in websocket buffers, so the file always points a little behind what
 * clients surely got. After a crash the hub therefore replays at most two save intervals of entries (duplicates)
 * and never skips one; after a clean shutdown it replays nothing.
 *
 * <p>The file also says when each log was last watched ({@code "watched":{"<log url>":<epoch millis>}}): positions of
 * logs that left the log list are reported once and kept, so a log that comes back resumes where it was, until
 * they have not been watched for {@code watcher.forgetPositionsAfterDays} ({@link #retainWatched}).
 */
public final class PositionStore {
    private static final Logger LOG = Logger.getLogger(PositionStore.class.getName());
    static final String FILE_NAME = "positions.json";

    private final Vertx vertx;
    private final Path file;
    private final Map<String, Long> saved;
    private final Map<String, Long> current = new ConcurrentHashMap<>();
    /** When each log with a position was last watched, epoch millis. */
    private final Map<String, Long> watchedAt = new ConcurrentHashMap<>();
    /** Logs whose unwatched position was already reported. */
    private final Set<String> reportedUnwatched = ConcurrentHashMap.newKeySet();
    /** What {@link #current} held at the previous tick: the next periodic save writes this. */
    private volatile Map<String, Long> settled = Map.of();
    private long timer = -1;
    private boolean failedBefore;

    private PositionStore(Vertx vertx, Path file, Map<String, Long> saved, Map<String, Long> watched) {
        this.vertx = vertx;
        this.file = file;
        this.saved = saved;
        this.current.putAll(saved);
        this.settled = Map.copyOf(saved);
        long now = System.currentTimeMillis();
        // A file from before "watched" existed: its logs count as watched now, so none is forgotten at once.
        saved.keySet().forEach(url -> watchedAt.put(url, watched.getOrDefault(url, now)));
    }

    /**
     * Reads the saved positions (off the event loop) and starts saving every {@code saveMillis}. A missing file
     * means a first run; an unreadable one fails with a message naming it, so the hub does not silently
     * start over from the configured positions.
     */
    public static Future<PositionStore> open(Vertx vertx, Path stateDir, long saveMillis) {
        Path file = stateDir.resolve(FILE_NAME);
        return vertx.executeBlocking(() -> new PositionStore(vertx, file, read(file), readWatched(file)), false)
                .onSuccess(store -> {
                    if (!store.saved.isEmpty()) {
                        LOG.info(() -> "Resuming " + store.saved.size() + " logs from the positions saved in " + file);
                    }
                    store.timer = vertx.setPeriodic(saveMillis, t -> store.tick());
                });
    }

    static Map<String, Long> read(Path file) {
        if (!Files.exists(file)) {
            return new ConcurrentHashMap<>();
        }
        try {
            JsonObject logs = new JsonObject(Files.readString(file, StandardCharsets.UTF_8)).getJsonObject("logs", new JsonObject());
            Map<String, Long> positions = new ConcurrentHashMap<>();
            for (String url : logs.fieldNames()) {
                long next = logs.getLong(url);
                if (next >= 0) {
                    positions.put(url, next);
                }
            }
            return positions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saved log positions " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the saved log positions " + file + " are corrupt (" + e.getMessage()
                    + "); fix or delete the file (the logs then start from watcher.start)", e);
        }
    }

    /** When each log of the file was last watched (epoch millis); empty for a missing file or one without it. */
    static Map<String, Long> readWatched(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            JsonObject watched = new JsonObject(Files.readString(file, StandardCharsets.UTF_8)).getJsonObject("watched", new JsonObject());
            Map<String, Long> times = new HashMap<>();
            for (String url : watched.fieldNames()) {
                times.put(url, watched.getLong(url));
            }
            return times;
        } catch (IOException | RuntimeException e) {
            return Map.of(); // read() has already said what is wrong with the file
        }
    }

    /**
     * Called with the logs watched now, each time the log list has been read: their positions count as watched now.
     * Positions of other logs are reported once, and forgotten once they have not been watched for
     * {@code forgetAfterMillis} (0: at once).
     */
    public void retainWatched(Set<String> watched, long forgetAfterMillis, long nowMillis) {
        watched.forEach(url -> {
            watchedAt.put(url, nowMillis);
            reportedUnwatched.remove(url);
        });
        List<String> unwatched = new ArrayList<>();
        List<String> forgotten = new ArrayList<>();
        for (String url : new TreeSet<>(current.keySet())) {
            if (watched.contains(url)) {
                continue;
            }
            long since = watchedAt.computeIfAbsent(url, u -> nowMillis);
            if (nowMillis - since >= forgetAfterMillis) {
                current.remove(url);
                saved.remove(url);
                watchedAt.remove(url);
                reportedUnwatched.remove(url);
                forgotten.add(url);
            } else if (reportedUnwatched.add(url)) {
                unwatched.add(url);
            }
        }
        long days = forgetAfterMillis / 86_400_000L;
        if (!unwatched.isEmpty()) {
            LOG.info(() -> "Keeping the saved positions of " + unwatched.size() + " logs not watched now " + unwatched
                    + " in case they come back; forgotten after " + days + " days unwatched (watcher.forgetPositionsAfterDays)");
        }
        if (!forgotten.isEmpty()) {
            LOG.info(() -> "Forgot the saved positions of " + forgotten.size() + " logs not watched for " + days + " days "
                    + forgotten + " (watcher.forgetPositionsAfterDays)");
            Map<String, Long> kept = new HashMap<>(settled);
            forgotten.forEach(kept::remove);
            settled = Map.copyOf(kept);
        }
    }

    /** The index where the last run stopped for this log, if it ran before. */
    public OptionalLong saved(String url) {
        Long next = saved.get(url);
        return next == null ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /**
     * Where a watcher of {@code log} starts: where the log was left (saved by the last run, or reached by an earlier
     * watcher of this run, e.g. before the log left the log list and came back); it wins over the configured start,
     * so a restart skips nothing. Else the configured index, else -1 for the tree head.
     */
    public long startIndex(CtLog log) {
        watchedAt.put(log.url(), System.currentTimeMillis());
        OptionalLong resumed = position(log.url());
        if (resumed.isPresent()) {
            return resumed.getAsLong();
        }
        return log.start().atHead() ? -1 : log.start().index();
    }

    /** The position the hub has now (the newest {@link #advance}), if any. */
    public OptionalLong position(String url) {
        Long next = current.get(url);
        return next == null ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** Records that every entry of {@code url} before {@code next} has been published. Cheap: memory only. */
    public void advance(String url, long next) {
        current.put(url, next);
        watchedAt.putIfAbsent(url, System.currentTimeMillis());
    }

    /** Writes the current positions now (e.g. at shutdown), off the event loop. */
    public Future<Void> flush() {
        Map<String, Long> snapshot = Map.copyOf(current);
        settled = snapshot;
        return write(snapshot);
    }

    /** Stops the periodic saves and writes the current positions one last time. */
    public Future<Void> close() {
        vertx.cancelTimer(timer);
        return flush();
    }

    public Path file() {
        return file;
    }

    private void tick() {
        Map<String, Long> toWrite = settled;
        settled = Map.copyOf(current);
        write(toWrite);
    }

    private Future<Void> write(Map<String, Long> positions) {
        JsonObject logs = new JsonObject();
        JsonObject watched = new JsonObject();
        positions.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            logs.put(e.getKey(), e.getValue());
            watched.put(e.getKey(), watchedAt.getOrDefault(e.getKey(), System.currentTimeMillis()));
        });
        byte[] bytes = new JsonObject().put("logs", logs).put("watched", watched).encodePrettily().getBytes(StandardCharsets.UTF_8);
        // Ordered: two saves never race to rename over each other.
        return vertx.<Void>executeBlocking(() -> {
            if (positions.isEmpty() && !Files.exists(file)) {
                return null; // nothing to resume from yet (but an emptied file is written: every position was forgotten)
            }
            writeAtomically(file, bytes);
            return null;
        }, true).onSuccess(v -> failedBefore = false).onFailure(e -> {
            if (!failedBefore) {
                failedBefore = true;
                LOG.warning(() -> "Cannot save the log positions to " + file + ": " + e.getMessage()
                        + " (set stateDir to a writable folder; a restart will replay from older positions)");
            }
        });
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
