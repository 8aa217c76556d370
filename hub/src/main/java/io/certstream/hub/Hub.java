package io.certstream.hub;

import io.certstream.hub.cluster.ClusterBus;
import io.certstream.hub.cluster.ClusterNode;
import io.certstream.hub.cluster.ClusterView;
import io.certstream.hub.cluster.OwnedWatcher;
import io.certstream.hub.cluster.SharedPositions;
import io.certstream.hub.config.ConfigException;
import io.certstream.hub.config.AccessConfig;
import io.certstream.hub.config.HubConfig;
import io.certstream.hub.web.AccessGate;
import io.certstream.hub.web.ConnectionLimits;
import io.certstream.hub.web.TlsFiles;
import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.LogDirectory;
import io.certstream.hub.ct.PositionStore;
import io.certstream.hub.ct.rfc6962.Rfc6962Watcher;
import io.certstream.hub.ct.tiled.TiledWatcher;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.decode.DecodePool;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.plugin.PluginHost;
import io.certstream.hub.publish.DeliveryLag;
import io.certstream.hub.publish.ReplayBuffer;
import io.certstream.hub.publish.ReplayFile;
import io.certstream.hub.publish.ReplaySegments;
import io.certstream.hub.bridge.BridgeChannels;
import io.certstream.hub.web.LivePage;
import io.certstream.hub.publish.OverloadWarning;
import io.certstream.hub.publish.PublishingEnd;
import io.certstream.hub.bridge.SockJsBridge;
import io.certstream.hub.bridge.TcpBridgeVerticle;
import io.certstream.hub.web.MonitoringRoutes;
import io.certstream.hub.publish.UpdatePublisher;
import io.certstream.hub.web.WebVerticle;
import io.certstream.hub.wire.EncodedUpdate;
import io.certstream.hub.wire.WireFormat;
import io.certstream.model.LogSource;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.Router;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The hub: deploys the web front, the log directory (which deploys one watcher per log) and the timers that
 * every client shares (heartbeat, rate sampling), after the plugins. Data flows one way: log -> watcher/decoder -> bus -> web, plugins.
 */
public final class Hub extends VerticleBase {
    private final HubConfig config;
    private final HubMetrics metrics;
    private final Consumer<Router> extraRoutes;
    private PositionStore positions;
    private ReplayBuffer replay;
    private UpdatePublisher publisher;
    private volatile LogDirectory directory;
    /** Ended once the watchers have stopped (or never started): web verticles and plugins stop after it. */
    private final PublishingEnd publishingEnd = new PublishingEnd();

    public Hub(HubConfig config, HubMetrics metrics) {
        this(config, metrics, router -> { });
    }

    public Hub(HubConfig config, HubMetrics metrics, Consumer<Router> extraRoutes) {
        this.config = config;
        this.metrics = metrics;
        this.extraRoutes = extraRoutes;
    }

    @Override
    public Future<?> start() {
        DecodePool.bindMetrics(metrics.prometheus().registry());
        UpdatePublisher.registerCodec(vertx);
        BridgeChannels.registerCodec(vertx.eventBus());
        BridgeChannels bridgeChannels = new BridgeChannels(vertx.eventBus());
        HubConfig.StreamsConfig streams = config.server().streams();
        replay = new ReplayBuffer(streams.replayMinutes() * 60_000L, streams.replayMaxMegabytes() * (1L << 20));
        UpdatePublisher publisher = new UpdatePublisher(vertx, metrics, bridgeChannels, replay,
                streams.dedupWindowMinutes(), streams.dedupMaxEntries());
        this.publisher = publisher;
        ClusterNode node = config.cluster().enabled() ? ClusterNode.of(vertx, config.cluster()) : null;
        ClusterBus clusterBus = node == null ? null : new ClusterBus(vertx, node);
        if (clusterBus != null) {
            // On a cluster node what the watchers here publish also goes, once per node, to the other nodes' clients,
            // and every node delivers its own and the others' certificates in one order (docs/cluster.md).
            publisher.clusterMode(vertx, config.cluster().orderDelayMillis(), clusterBus::publish,
                    p -> bridgeChannels.publishForwarded(new EncodedUpdate(null, p.full(), p.lite(), p.domainsOnly()),
                            p.facts().type(), p.facts().domains()));
        }
        LogEntryDecoder decoder = new LogEntryDecoder();

        int instances = config.server().instances() > 0
                ? config.server().instances()
                : Runtime.getRuntime().availableProcessors();
        // Local only: on a cluster every node beats for its own clients.
        vertx.setPeriodic(config.server().heartbeatSeconds() * 1000L, t -> vertx.eventBus().publish(BusAddresses.HEARTBEAT,
                WireFormat.heartbeat(System.currentTimeMillis() / 1000), new DeliveryOptions().setLocalOnly(true)));
        OverloadWarning overload = new OverloadWarning(metrics, config.server().maxPendingMessages());
        // Access control: the connection counts are shared by all instances, each instance has its own gate.
        AccessConfig access = config.server().access();
        ConnectionLimits limits = new ConnectionLimits(access, metrics.access());
        TlsFiles tls = access.tls() == null ? null : new TlsFiles(access.tls());
        if (tls != null) {
            tls.watch(vertx, metrics.access());
        }
        long idleShrinkMillis = IdleHeapShrink.configuredMillis();
        IdleHeapShrink idleShrink = idleShrinkMillis == 0 ? null : new IdleHeapShrink(metrics::published, idleShrinkMillis);
        vertx.setPeriodic(1000, t -> {
            metrics.sample();
            overload.check(System.currentTimeMillis());
            if (idleShrink != null && idleShrink.check(System.currentTimeMillis())) {
                vertx.executeBlocking(() -> {
                    IdleHeapShrink.shrink();
                    return null;
                });
            }
        });

        // Plugins first: a bad plugin config stops the hub before it opens its port or reads any log,
        // and every plugin is listening before the first certificate is published.
        // What the previous run saved for replay is back before any client can ask for it.
        return vertx.executeBlocking(() -> {
                    openReplay(streams);
                    return null;
                })
                .compose(v -> vertx.deployVerticle(new PluginHost(config, metrics, publishingEnd)))
                .compose(id -> vertx.deployVerticle(() -> {
                    // Each instance measures its own event loop's backlog; its SockJS bridge shares the loop.
                    DeliveryLag backlog = new DeliveryLag(publisher, config.server().maxPendingMessages());
                    return new WebVerticle(config.server(), metrics, backlog, replay,
                            router -> routes(router, bridgeChannels, backlog),
                            new AccessGate(access, limits, metrics.access(), tls), publishingEnd);
                }, new DeploymentOptions().setInstances(instances)))
                .compose(id -> config.bridge().tcpPort() == 0 ? Future.succeededFuture(id)
                        : vertx.deployVerticle(new TcpBridgeVerticle(config.bridge().tcpHost(), config.bridge().tcpPort(),
                                bridgeChannels, metrics, config.server().clientQueueBytes(),
                                tls == null ? null : tls.keyCert(), access.allowedIps())))
                .compose(id -> PositionStore.open(vertx, Path.of(config.stateDir()),
                        config.watcher().positionSaveSeconds() * 1000L))
                .compose(store -> {
                    positions = store;
                    if (node == null) {
                        directory = new LogDirectory(config, metrics, log -> watcherFor(log, decoder, publisher),
                                this::retainWatched);
                        directory.stopped().onComplete(ar -> publishingEnd.ended());
                        return vertx.deployVerticle(directory);
                    }
                    return startClustered(node, clusterBus, decoder, publisher, bridgeChannels);
                })
                // A hub that failed to start publishes nothing: what it started stops at once.
                .onFailure(e -> publishingEnd.ended());
    }

    /**
     * A cluster node (docs/cluster.md): receives the other nodes' certificates, watches only the logs the cluster
     * gives it, from the shared positions, and reassigns the logs whenever the members change.
     */
    private Future<String> startClustered(ClusterNode node, ClusterBus clusterBus, LogEntryDecoder decoder,
                                          UpdatePublisher publisher, BridgeChannels bridgeChannels) {
        Optional<String> duplicate = node.duplicateName();
        if (duplicate.isPresent()) {
            return Future.failedFuture(new ConfigException("cluster.nodeName \"" + node.name() + "\" is already used by the member at "
                    + duplicate.get() + ": give every node its own name"));
        }
        return clusterBus.receive(node, publisher)
                .compose(v -> SharedPositions.open(vertx, node, positions))
                .compose(shared -> {
                    ClusterView view = new ClusterView(node, shared, clusterBus, publisher);
                    view.bind(metrics.prometheus().registry());
                    metrics.cluster(view);
                    directory = new LogDirectory(config, metrics, log -> watchable(log)
                            ? Optional.of(new OwnedWatcher(log, shared, () -> watcherFor(log, decoder, publisher).orElseThrow()))
                            : Optional.empty(), this::retainWatched, node);
                    directory.stopped().onComplete(ar -> publishingEnd.ended());
                    Logger log = Logger.getLogger(Hub.class.getName());
                    if (node.memberNames().size() == 1 && config.cluster().members().size() > 1) {
                        // Not silent: alone, this node watches every log until the others join (then they merge).
                        log.warning(() -> "Cluster: node " + node.name() + " found no other member of cluster.members "
                                + config.cluster().members() + " and runs alone, watching every log; the others join"
                                + " when they answer (check cluster.members and cluster.host on every node if they never do)");
                    } else {
                        log.info(() -> "Cluster: node " + node.name() + " is up; members " + node.memberNames());
                    }
                    return vertx.deployVerticle(directory).onSuccess(deployed -> {
                        // Listening once the directory runs; the reassign covers a change between its start and here.
                        node.onMembersChanged(() -> directory.reassign());
                        directory.reassign();
                    });
                });
    }

    /**
     * Blocking: puts back what the previous run kept for replay. With a disk bound the segments under
     * {@code <stateDir>/replay} are checked and written from now on; memory only, the previous run's
     * {@code replay.bin} is read.
     */
    private void openReplay(HubConfig.StreamsConfig streams) {
        long now = System.currentTimeMillis();
        Path dir = Path.of(config.stateDir()).resolve("replay");
        if (streams.replayMinutes() > 0 && streams.replayMaxDiskMegabytes() > 0) {
            try {
                replay.attach(ReplaySegments.open(dir, streams.replayMinutes() * 60_000L,
                        streams.replayMaxDiskMegabytes() * (1L << 20), now));
            } catch (java.io.IOException | RuntimeException e) {
                Logger.getLogger(Hub.class.getName()).warning(() -> "replay: cannot use " + dir + " (" + e + "); the replay"
                        + " is kept in memory only (server.replayMaxMegabytes). Make stateDir writable, or set"
                        + " server.replayMaxDiskMegabytes to 0 to silence this");
            }
        }
        // Memory only; or a replay.bin left by a memory-only run before this one: its messages go to disk too.
        new ReplayFile(Path.of(config.stateDir())).load(replay, now);
        metrics.replay(replay);
    }

    /** Forgets the saved positions of logs no longer listed for {@code watcher.forgetPositionsAfterDays}. */
    private void retainWatched(Set<String> watched) {
        positions.retainWatched(watched, config.watcher().forgetPositionsAfterDays() * 86_400_000L, System.currentTimeMillis());
    }

    /** Re-reads the log list now instead of at the next {@code logList.refreshMinutes}; see {@link LogDirectory#refresh()}. */
    public Future<Void> refreshLogList() {
        return directory == null ? Future.failedFuture("the hub has not started") : directory.refresh();
    }

    @Override
    public Future<?> stop() {
        // Watchers are children of this deployment and stop first; what they reached is saved for the next run,
        // and so is what was published, for clients that resume after the restart.
        Future<?> saved = replay == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            // A cluster node's order stage still holds the last fraction of a second: saved too.
            if (publisher != null) {
                publisher.flush();
            }
            ReplaySegments disk = replay.disk();
            if (disk != null) {
                disk.close();
            } else if (config.server().streams().replayMinutes() > 0) {
                new ReplayFile(Path.of(config.stateDir())).save(replay);
            }
            return null;
        });
        return saved.compose(v -> positions == null ? Future.succeededFuture() : positions.close());
    }

    private void routes(Router router, BridgeChannels bridgeChannels, DeliveryLag backlog) {
        if (config.bridge().sockjs()) {
            // One bridge per web verticle instance (its consumers live on that instance's event loop).
            router.route(SockJsBridge.PATH + "/*").subRouter(new SockJsBridge(vertx, bridgeChannels, metrics, backlog,
                    config.server().clientQueueBytes(), config.server().slowClientSeconds() * 1000L).router());
        }
        // The /live page reads /sse, not the bridge.
        LivePage.mount(router);
        // /metrics and /health go through the extra-routes hook, so WebVerticle itself stays about streams.
        MonitoringRoutes.mount(router, metrics, config.watcher().stalledSeconds() * 1000L);
        extraRoutes.accept(router);
    }

    private LogMetrics logMetrics(CtLog log) {
        return metrics.log(log.name(), log.url(), log.kind());
    }

    private static boolean watchable(CtLog log) {
        return LogSource.RFC6962.equals(log.kind()) || LogSource.TILED.equals(log.kind());
    }

    private Optional<Deployable> watcherFor(CtLog log, LogEntryDecoder decoder, UpdatePublisher publisher) {
        // Both kinds resume from their saved position (it wins over the configured start); -1: the tree head.
        long start = positions.startIndex(log);
        if (LogSource.RFC6962.equals(log.kind())) {
            return Optional.of(new Rfc6962Watcher(log, config.watcher(), decoder, publisher, logMetrics(log), positions, start));
        }
        if (LogSource.TILED.equals(log.kind())) {
            return Optional.of(new TiledWatcher(log, config.watcher(), decoder, publisher, logMetrics(log), positions, start));
        }
        // No metrics for a log nobody watches: it would show in /stats and /health forever.
        return Optional.empty();
    }
}
