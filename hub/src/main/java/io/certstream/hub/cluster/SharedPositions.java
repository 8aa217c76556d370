package io.certstream.hub.cluster;

import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.PositionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

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

    private final AsyncMap<String, JsonObject> map;
    private final PositionStore local;
    private final String node;
    /** Logs this node watches now, each with the positions of the last ticks (oldest first). */
    private final Map<String, long[]> watching = new ConcurrentHashMap<>();
    /** The whole map as last read: for /stats and /health, and for the copy to disk. */
    private volatile Map<String, JsonObject> view = Map.of();
    private boolean warned;

    private SharedPositions(AsyncMap<String, JsonObject> map, PositionStore local, String node) {
        this.map = map;
        this.local = local;
        this.node = node;
    }

    public static Future<SharedPositions> open(Vertx vertx, ClusterNode node, PositionStore local) {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).map(map -> {
            SharedPositions positions = new SharedPositions(map, local, node.name());
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
            java.util.Arrays.fill(history, local.startIndex(log));
            watching.put(url, history);
            return null;
        });
    }

    /** This node stopped watching {@code url} (its watcher has stopped). */
    public void released(String url) {
        watching.remove(url);
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
                if (next >= 0 && !watching.containsKey(url)) {
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
