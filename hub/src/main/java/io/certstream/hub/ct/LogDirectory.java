package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig;
import io.certstream.hub.metrics.HubMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Decides which logs are watched: the logs of the CT log list (re-read periodically) plus the logs configured by
 * hand. Deploys one watcher verticle per log, undeploys the watchers of logs that left the list (and drops their
 * metrics), and restarts the watcher of a log whose entry changed (e.g. usable -> readonly with a final tree size)
 * from where it stands. The changes of one log run one after another, so a log that leaves the list while its
 * watcher is still deploying is undeployed once deployed.
 */
public final class LogDirectory extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(LogDirectory.class.getName());
    private static final long RETRY_FAILED_LIST_MILLIS = 60_000;

    private final HubConfig config;
    private final HubMetrics metrics;
    private final Function<CtLog, Optional<Deployable>> watcherFactory;
    private final LogOwnership ownership;
    /** The logs of the last list read (empty before the first): {@link #reassign()} applies it again. */
    private List<CtLog> lastList = List.of();
    /** Every log with a watcher, being deployed, changed or stopped; by URL. Touched on this verticle's event loop only. */
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private final Set<String> unsupported = new HashSet<>();
    private WebClient http;
    private boolean warnedUnsupported;
    /** Told the URLs of every log watched, each time the log list was read (or when there is none to read). */
    private final Consumer<Set<String>> listApplied;
    private Set<String> wantedUrls = Set.of();
    /** Completes once this directory has stopped, after its watchers (Vert.x stops children first). */
    private final Promise<Void> stopped = Promise.promise();

    /** One log's watcher over time. */
    private static final class Watch {
        /** What the log list (or config) says now; null once the log is no longer watched. */
        CtLog wanted;
        /** The deployed watcher, if any. */
        String deploymentId;
        /** Its last start failed: the next refresh tries again even if the log's entry did not change. */
        boolean startFailed;
        /** The last change queued for this log: each change starts once the one before has completed. */
        Future<Void> tail = Future.succeededFuture();

        Watch(CtLog wanted) {
            this.wanted = wanted;
        }

        Future<Void> then(Supplier<Future<Void>> change) {
            // transform, not compose: a failed change (a watcher that did not start) must not block later ones.
            tail = tail.transform(previous -> change.get());
            return tail;
        }
    }

    /**
     * @param metrics        where a log's metrics are dropped once its watcher stopped for good
     * @param watcherFactory makes the watcher for a log (starting where the log was left, if it was watched before),
     *                       or nothing when this hub cannot watch that kind of log
     */
    public LogDirectory(HubConfig config, HubMetrics metrics, Function<CtLog, Optional<Deployable>> watcherFactory) {
        this(config, metrics, watcherFactory, urls -> { });
    }

    /**
     * @param listApplied told the URLs of every log watched after each log list read (with {@code logList.enabled}
     *                    false: once, at start), e.g. so that saved positions of logs gone for long are forgotten
     */
    public LogDirectory(HubConfig config, HubMetrics metrics, Function<CtLog, Optional<Deployable>> watcherFactory,
                        Consumer<Set<String>> listApplied) {
        this(config, metrics, watcherFactory, listApplied, LogOwnership.ALL);
    }

    /**
     * @param ownership which of the wanted logs this hub watches (a cluster node: the ones the cluster gives it);
     *                  {@code listApplied} is still told every log of the list, watched here or by another node
     */
    public LogDirectory(HubConfig config, HubMetrics metrics, Function<CtLog, Optional<Deployable>> watcherFactory,
                        Consumer<Set<String>> listApplied, LogOwnership ownership) {
        this.config = config;
        this.metrics = metrics;
        this.watcherFactory = watcherFactory;
        this.listApplied = listApplied;
        this.ownership = ownership;
    }

    /**
     * Applies the last list read again, e.g. after the cluster's members changed: watchers start for logs this node
     * now owns and stop for logs it gave away. Callable from any thread.
     */
    public Future<Void> reassign() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> apply(lastList).onComplete(done));
        return done.future();
    }

    @Override
    public Future<?> start() {
        http = WebClient.create(vertx, new WebClientOptions().setUserAgent("certstream-hub").setDecompressionSupported(true));
        if (!config.logList().enabled()) {
            metrics.logListState(true, null);
            return apply(List.of()).andThen(v -> listApplied.accept(wantedUrls));
        }
        metrics.logListState(false, "the log list " + config.logList().url() + " has not been read yet");
        scheduledRefresh();
        return Future.succeededFuture();
    }

    /** Completes once this directory and every watcher it deployed have stopped: they publish nothing after. */
    public Future<Void> stopped() {
        return stopped.future();
    }

    @Override
    public Future<?> stop() {
        stopped.tryComplete();
        return Future.succeededFuture();
    }

    /**
     * Re-reads the log list now, as the periodic refresh ({@code logList.refreshMinutes}) does, and applies it.
     * Completes once the watchers of new, changed and departed logs have started and stopped; fails when the list
     * cannot be read (the logs watched stay as they were). Callable from any thread.
     */
    public Future<Void> refresh() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (config.logList().enabled()) {
                reread().onComplete(done);
            } else {
                apply(List.of()).onComplete(done);
            }
        });
        return done.future();
    }

    private void scheduledRefresh() {
        reread().onComplete(result -> vertx.setTimer(result.succeeded()
                ? config.logList().refreshMinutes() * 60_000L : RETRY_FAILED_LIST_MILLIS, t -> scheduledRefresh()));
    }

    private Future<Void> reread() {
        List<String> sources = config.logList().sources();
        String source = String.join(" + ", sources);
        // Every list is read before any is applied: a list that cannot be read must not stop its logs' watchers.
        List<Future<JsonObject>> reads = new ArrayList<>();
        for (String url : sources) {
            reads.add(fetchList(url).recover(e -> Future.failedFuture(url + ": " + e.getMessage())));
        }
        return Future.all(reads)
                .map(all -> {
                    Set<String> seenIds = new HashSet<>();
                    List<CtLog> logs = new ArrayList<>();
                    for (Future<JsonObject> read : reads) {
                        logs.addAll(LogList.parse(read.result(), config.logList().states(), config.watcher().start(),
                                config.logList().selection(), seenIds));
                    }
                    return logs;
                })
                .onFailure(e -> {
                    boolean first = watches.isEmpty();
                    if (first) {
                        metrics.logListState(false, "cannot read the log list " + e.getMessage());
                    }
                    LOG.warning(() -> "Cannot read the CT log list " + e.getMessage()
                            + (first ? ". Watching the configured logs only" : ". Keeping the logs of the last list read")
                            + "; retrying in a minute (set logList.url to another list or file, or logList.enabled to false).");
                    if (first) {
                        apply(List.of());
                    }
                })
                .compose(logs -> {
                    LOG.info(() -> "Log list " + source + ": " + logs.size() + " logs in states " + config.logList().states()
                            + (config.logList().selection().selectsAll() ? "" : ", selected by " + config.logList().selection()));
                    metrics.logListState(true, null);
                    return apply(logs).andThen(v -> listApplied.accept(wantedUrls));
                });
    }

    private Future<JsonObject> fetchList(String source) {
        Future<Buffer> body = source.startsWith("http://") || source.startsWith("https://")
                ? http.getAbs(source).timeout(30_000).send().compose(r -> r.statusCode() == 200
                        ? Future.succeededFuture(r.body())
                        : Future.failedFuture("HTTP " + r.statusCode()))
                : vertx.fileSystem().readFile(source);
        return body.map(b -> {
            try {
                return b.toJsonObject();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not JSON: " + e.getMessage());
            }
        });
    }

    private Future<Void> apply(List<CtLog> fromList) {
        lastList = fromList;
        Map<String, CtLog> listed = new LinkedHashMap<>();
        fromList.forEach(l -> listed.putIfAbsent(l.url(), l)); // the first list to name a URL wins
        for (HubConfig.LogConfig c : config.logs()) {
            listed.put(c.url(), new CtLog(c.url(), c.name(), c.operator(), c.kind(), c.key(), null, c.start()));
        }
        wantedUrls = Set.copyOf(listed.keySet());
        Set<String> owned = ownership.owned(listed.keySet());
        Map<String, CtLog> wanted = new LinkedHashMap<>();
        listed.forEach((url, log) -> {
            if (owned.contains(url)) {
                wanted.put(url, log);
            }
        });
        List<Future<Void>> changes = new ArrayList<>();
        for (Map.Entry<String, Watch> entry : new ArrayList<>(watches.entrySet())) {
            String url = entry.getKey();
            Watch watch = entry.getValue();
            if (watch.wanted != null && !wanted.containsKey(url)) {
                CtLog gone = watch.wanted;
                watch.wanted = null;
                if (unsupported.remove(url)) {
                    watches.remove(url);
                    continue;
                }
                LOG.info(() -> "No longer watching " + gone.name() + " (" + url + "): " + (listed.containsKey(url)
                        ? "another cluster node watches it now"
                        : "it left the log list or its state is not one of logList.states " + config.logList().states()));
                // Moved to another cluster node: this watcher runs on until that node has taken over.
                boolean movedAway = listed.containsKey(url);
                changes.add(watch.then(() -> (movedAway && watch.deploymentId != null ? ownership.handOver(url)
                        : Future.<Void>succeededFuture()).compose(v -> stopWatcher(watch))).andThen(v -> {
                    // Unless it came back meanwhile: then its new watcher, queued after this, makes fresh metrics.
                    if (watch.wanted == null) {
                        metrics.forget(url);
                        watches.remove(url, watch);
                    }
                }));
            }
        }
        for (CtLog log : wanted.values()) {
            Watch watch = watches.get(log.url());
            if (watch == null) {
                watch = new Watch(log);
                watches.put(log.url(), watch);
            } else if (log.equals(watch.wanted) && !watch.startFailed) {
                continue;
            } else if (watch.wanted != null && !log.equals(watch.wanted)) {
                CtLog before = watch.wanted;
                LOG.info(() -> log.name() + " (" + log.url() + ") changed in the log list (" + describe(before) + " -> "
                        + describe(log) + "); restarting its watcher from where it stands");
                Watch changed = watch;
                watch.then(() -> stopWatcher(changed));
            }
            watch.wanted = log;
            unsupported.remove(log.url());
            Watch starting = watch;
            changes.add(watch.then(() -> startWatcher(starting, log)));
        }
        return Future.join(changes).<Void>mapEmpty().andThen(v -> {
            if (!unsupported.isEmpty() && !warnedUnsupported) {
                warnedUnsupported = true;
                LOG.info(() -> unsupported.size() + " logs of a kind this hub does not watch were left out");
            }
        });
    }

    private Future<Void> startWatcher(Watch watch, CtLog log) {
        if (watch.wanted != log) {
            return Future.succeededFuture(); // changed again or gone before its turn came; a later change handles it
        }
        // Made only now, after any earlier watcher of this log has stopped: it starts where that one left off.
        Optional<Deployable> watcher = watcherFactory.apply(log);
        if (watcher.isEmpty()) {
            unsupported.add(log.url());
            return Future.succeededFuture();
        }
        watch.startFailed = false;
        return vertx.deployVerticle(watcher.get())
                .onSuccess(id -> watch.deploymentId = id)
                .onFailure(e -> {
                    watch.startFailed = true; // the next refresh of the list tries again
                    LOG.warning(() -> "Cannot start the watcher of " + log.url() + ": " + e.getMessage()
                            + "; trying again at the next log list refresh");
                })
                .mapEmpty();
    }

    private Future<Void> stopWatcher(Watch watch) {
        String id = watch.deploymentId;
        watch.deploymentId = null;
        return id == null ? Future.succeededFuture() : vertx.undeploy(id);
    }

    private static String describe(CtLog log) {
        return log.finalTreeSize() == null ? "growing" : "read-only at tree size " + log.finalTreeSize();
    }
}
