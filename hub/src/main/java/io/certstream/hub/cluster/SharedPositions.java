package io.certstream.hub.cluster;

import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.PositionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.Arrays;

/**
 * Every log's position in the cluster-wide map {@value #MAP} (a Hazelcast IMap: each entry has a backup copy on
 * another member), {@code url -> {"next": index, "owner": node, "at": millis}}.
 *
 * <p>The owner writes each log it watches once a second, and what it writes lags {@value #LAG_TICKS} ticks behind
 * what it published: batches still on their way to the other nodes when the owner dies are replayed by the next
 * owner (duplicates) rather than lost (a gap). A node that becomes owner resumes from the map ({@link #resume}); the
 * map wins over the node's own file, which may be old. Every node also copies the map into its own
 * {@link PositionStore} (and so to its disk), so a whole-cluster restart resumes from there.
 */
public final class SharedPositions {
    public static final String MAP = "certstream.positions";
    private static final Logger LOG = Logger.getLogger(SharedPositions.class.getName());
    private static final int LAG_TICKS = 2;
    private static final long TICK_MILLIS = 1000;
    /** How long a node giving a log away looks for another node writing it too (after a split): a tick and a half. */
    private static final long SOLE_WRITER_MILLIS = TICK_MILLIS * 3 / 2;

    private final Vertx vertx;
    private final AsyncMap<String, JsonObject> map;
    private final PositionStore local;
    private final String node;
    private final ClusterNode cluster;
    /** Logs this node watches now, each with the positions of the last ticks (oldest first). */
    private final Map<String, long[]> watching = new ConcurrentHashMap<>();
    /** Logs given to another node whose watcher here still runs ({@link #handOver}): their position stays this node's. */
    private final Set<String> handingOver = ConcurrentHashMap.newKeySet();
    /** Logs given to another node from here (this node wrote their position): released exactly once the watcher stopped. */
    private final Map<String, Long> releasing = new ConcurrentHashMap<>();
    /** The whole map as last read: for /stats and /health, and for the copy to disk. */
    private volatile Map<String, JsonObject> view = Map.of();
    private boolean warned;

    private SharedPositions(Vertx vertx, AsyncMap<String, JsonObject> map, PositionStore local, ClusterNode cluster) {
        this.vertx = vertx;
        this.cluster = cluster;
        this.map = map;
        this.local = local;
        this.node = cluster.name();
    }

    public static Future<SharedPositions> open(Vertx vertx, ClusterNode node, PositionStore local) {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).map(map -> {
            SharedPositions positions = new SharedPositions(vertx, map, local, node);
            node.handOverThrough(positions);
            vertx.setPeriodic(TICK_MILLIS, t -> positions.tick());
            return positions;
        });
    }

    /**
     * This node starts watching {@code log}: takes the cluster's position for it into the local store. When the
     * log's last writer is a live member that has not released it yet (a move: it learns of the change at about the
     * same moment), waits for its release, which carries the exact next index it did not publish, so the move
     * neither skips nor repeats an entry; a writer that died left only its lagging position (duplicates, no gap).
     * Nobody has written the log yet: claims it ({@code putIfAbsent}), so two nodes starting it at once do not both
     * start from {@code watcher.start}: the second waits for the first to release it.
     *
     * @return false when this node no longer owns the log by the time the log was released to it (then it must not
     *         start watching it)
     */
    public Future<Boolean> resume(CtLog log) {
        Promise<Boolean> taken = Promise.promise();
        awaitReleased(log, System.currentTimeMillis() + cluster.config().failoverSeconds() * 1000L, taken);
        return taken.future();
    }

    private void awaitReleased(CtLog log, long deadline, Promise<Boolean> taken) {
        String url = log.url();
        map.get(url).onFailure(taken::fail).onSuccess(entry -> {
            if (entry == null) {
                map.putIfAbsent(url, entry(local.startIndex(log), false)).onFailure(taken::fail).onSuccess(other -> {
                    if (other == null) {
                        take(log, null, taken); // claimed: nobody has published any of it
                    } else {
                        awaitReleased(log, deadline, taken); // another node claimed it first
                    }
                });
                return;
            }
            if (!heldByAnother(entry)) {
                take(log, entry, taken);
            } else if (!cluster.assignedHere(url)) {
                LOG.info(() -> "Cluster: " + url + " stays with " + entry.getString("owner") + " (the members changed again)");
                taken.complete(false);
            } else if (System.currentTimeMillis() > deadline) {
                LOG.warning(() -> "Cluster: " + entry.getString("owner") + " has not released " + url + " in time; taking it"
                        + " over from its shared position " + entry.getLong("next") + " (entries after it come twice)");
                take(log, entry, taken);
            } else {
                vertx.setTimer(100, t -> awaitReleased(log, deadline, taken));
            }
        });
    }

    /** Whether another live member still watches the log: it wrote the entry lately and has not released it. */
    private boolean heldByAnother(JsonObject entry) {
        String owner = entry.getString("owner");
        long age = System.currentTimeMillis() - entry.getLong("at", 0L);
        return !node.equals(owner) && !entry.getBoolean("released", false)
                && age <= cluster.config().failoverSeconds() * 1000L && cluster.memberNames().contains(owner);
    }

    private void take(CtLog log, JsonObject entry, Promise<Boolean> taken) {
        String url = log.url();
        long next = entry == null ? -1 : entry.getLong("next", -1L);
        if (next >= 0) {
            local.advance(url, next);
            boolean released = entry.getBoolean("released", false);
            LOG.info(() -> "Cluster: taking over " + url + " at index " + next + (released ? " (released by " : " (left by ")
                    + entry.getString("owner") + ")");
        }
        // Until the watcher has published, the position to share is where it starts (-1: the tree head, unknown).
        long start = local.startIndex(log);
        long[] history = new long[LAG_TICKS];
        Arrays.fill(history, start);
        watching.put(url, history);
        // Written at once, not at the next tick: a node that gave the log away sees its new owner without waiting.
        map.put(url, entry(start, false)).onComplete(ar -> taken.complete(true));
    }

    private JsonObject entry(long next, boolean released) {
        JsonObject entry = new JsonObject().put("next", next).put("owner", node).put("at", System.currentTimeMillis());
        return released ? entry.put("released", true) : entry;
    }

    /**
     * This node stopped watching {@code url} (its watcher has stopped, so its position is exact). If this node was
     * the log's writer, writes that position as released: the next owner takes the log from exactly there.
     */
    public Future<Void> released(String url) {
        long[] history = watching.remove(url);
        Long handing = releasing.remove(url);
        handingOver.remove(url);
        if (history == null && handing == null) {
            return Future.succeededFuture();
        }
        // A watcher that has not published yet still stands at its start.
        long next = local.position(url).orElse(history != null ? history[history.length - 1] : handing);
        return map.put(url, entry(next, true)).onFailure(this::warnOnce);
    }

    /**
     * This node gives {@code url} to another (its watcher still runs) and stops writing the log's shared position.
     * A plain move: nobody else writes the log, so this completes after {@link #SOLE_WRITER_MILLIS}, the watcher
     * stops and {@link #released} hands its exact position to the new owner, which waits for it. After a split,
     * another node may watch the log too (its writes show within a tick): then this completes once the new owner's
     * shared position is not ahead of what this node has published, so that this node's clients, who get the new
     * owner's certificates from its shared position on, miss none in between (this node may first have to catch up
     * with the other side). At most {@code maxMillis}.
     */
    public Future<Void> handOver(String url, long maxMillis) {
        long[] history = watching.remove(url);
        if (history == null) {
            return Future.succeededFuture(); // its start gave way to another node: nothing of it runs here
        }
        releasing.put(url, history[history.length - 1]);
        Promise<Void> done = Promise.promise();
        awaitSoleWriter(url, System.currentTimeMillis() + SOLE_WRITER_MILLIS, System.currentTimeMillis() + maxMillis, done);
        return done.future();
    }

    /** Completes when no other node has written {@code url} by {@code until}; else waits as after a split. */
    private void awaitSoleWriter(String url, long until, long deadline, Promise<Void> done) {
        map.get(url).onComplete(ar -> {
            JsonObject entry = ar.succeeded() ? ar.result() : null;
            if (entry != null && !node.equals(entry.getString("owner")) && !entry.getBoolean("released", false)) {
                releasing.remove(url);
                handingOver.add(url);
                Promise<Void> caughtUp = Promise.promise();
                awaitTakenOver(url, deadline, caughtUp);
                caughtUp.future().onComplete(v -> {
                    handingOver.remove(url);
                    done.complete();
                });
            } else if (System.currentTimeMillis() >= until) {
                done.complete();
            } else {
                vertx.setTimer(250, t -> awaitSoleWriter(url, until, deadline, done));
            }
        });
    }

    private void awaitTakenOver(String url, long deadline, Promise<Void> done) {
        map.get(url).onComplete(ar -> {
            JsonObject entry = ar.succeeded() ? ar.result() : null;
            long published = local.position(url).orElse(-1);
            long theirs = entry == null ? -1 : entry.getLong("next", -1L);
            if (entry != null && !node.equals(entry.getString("owner")) && theirs >= 0 && theirs <= published) {
                done.complete();
            } else if (System.currentTimeMillis() > deadline) {
                LOG.warning(() -> "Cluster: " + url + " was given to another node, which has not taken it over from index "
                        + published + " in time (its shared position: " + entry + "); stopping here anyway");
                done.complete();
            } else {
                vertx.setTimer(250, t -> awaitTakenOver(url, deadline, done));
            }
        });
    }

    /** The last read of the whole map. */
    public Map<String, JsonObject> view() {
        return view;
    }

    private void tick() {
        watching.forEach((url, history) -> {
            long toWrite = history[0];
            System.arraycopy(history, 1, history, 0, history.length - 1);
            // Not -1 before the watcher's first batch: that would tell a next owner "unknown", and it would start
            // from watcher.start (the log again from 0, or a gap with "head") instead of where this one started.
            long last = history[history.length - 1];
            history[history.length - 1] = local.position(url).orElse(last);
            map.put(url, entry(toWrite, false)).onFailure(this::warnOnce);
        });
        map.entries().onSuccess(entries -> {
            view = Map.copyOf(entries);
            warned = false;
            entries.forEach((url, entry) -> {
                long next = entry.getLong("next", -1L);
                if (next >= 0 && !watching.containsKey(url) && !handingOver.contains(url) && !releasing.containsKey(url)) {
                    local.advance(url, next); // saved to this node's disk with its own positions
                }
            });
        }).onFailure(this::warnOnce);
    }

    private void warnOnce(Throwable e) {
        if (!warned) {
            warned = true;
            LOG.warning(() -> "Cluster: cannot reach the shared positions map: " + e.getMessage()
                    + " (positions stay local until it answers)");
        }
    }
}
