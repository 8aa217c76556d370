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

    private final Vertx vertx;
    private final AsyncMap<String, JsonObject> map;
    private final PositionStore local;
    private final String node;
    /** Logs this node watches now, each with the positions of the last ticks (oldest first). */
    private final Map<String, long[]> watching = new ConcurrentHashMap<>();
    /** Logs given to another node whose watcher here still runs ({@link #handOver}): their position stays this node's. */
    private final Set<String> handingOver = ConcurrentHashMap.newKeySet();
    /** The whole map as last read: for /stats and /health, and for the copy to disk. */
    private volatile Map<String, JsonObject> view = Map.of();
    private boolean warned;

    private SharedPositions(Vertx vertx, AsyncMap<String, JsonObject> map, PositionStore local, String node) {
        this.vertx = vertx;
        this.map = map;
        this.local = local;
        this.node = node;
    }

    public static Future<SharedPositions> open(Vertx vertx, ClusterNode node, PositionStore local) {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).map(map -> {
            SharedPositions positions = new SharedPositions(vertx, map, local, node.name());
            node.handOverThrough(positions);
            vertx.setPeriodic(TICK_MILLIS, t -> positions.tick());
            return positions;
        });
    }

    /** This node starts watching {@code log}: takes the cluster's position for it into the local store. */
    public Future<Void> resume(CtLog log) {
        String url = log.url();
        return map.get(url).map(entry -> {
            long next = entry == null ? -1 : entry.getLong("next", -1L);
            if (next >= 0) {
                local.advance(url, next);
                LOG.info(() -> "Cluster: taking over " + url + " at index " + next + " (left by " + entry.getString("owner") + ")");
            }
            // Until the watcher has published, the position to share is where it starts (-1: the tree head, unknown).
            long[] history = new long[LAG_TICKS];
            Arrays.fill(history, local.startIndex(log));
            watching.put(url, history);
            return null;
        });
    }

    /** This node stopped watching {@code url} (its watcher has stopped). */
    public void released(String url) {
        watching.remove(url);
        handingOver.remove(url);
    }

    /**
     * This node gives {@code url} to another (its watcher still runs): stops writing the log's position and completes
     * once the new owner's shared position is not ahead of what this node has published, so that this node's clients,
     * who get the new owner's certificates from its shared position on, miss none in between. That is at once for a
     * plain move (the new owner resumes from this node's lagging position); after a split the node giving the log away
     * may first have to catch up with the other side. At most {@code maxMillis}.
     */
    public Future<Void> handOver(String url, long maxMillis) {
        watching.remove(url);
        handingOver.add(url);
        Promise<Void> done = Promise.promise();
        awaitTakenOver(url, System.currentTimeMillis() + maxMillis, done);
        return done.future().andThen(v -> handingOver.remove(url));
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
        long now = System.currentTimeMillis();
        watching.forEach((url, history) -> {
            long toWrite = history[0];
            System.arraycopy(history, 1, history, 0, history.length - 1);
            history[history.length - 1] = local.position(url).orElse(-1);
            map.put(url, new JsonObject().put("next", toWrite).put("owner", node).put("at", now))
                    .onFailure(this::warnOnce);
        });
        map.entries().onSuccess(entries -> {
            view = Map.copyOf(entries);
            warned = false;
            entries.forEach((url, entry) -> {
                long next = entry.getLong("next", -1L);
                if (next >= 0 && !watching.containsKey(url) && !handingOver.contains(url)) {
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
