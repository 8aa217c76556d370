package io.certstream.hub;

import io.certstream.hub.config.HubConfig;
import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.LogDirectory;
import io.certstream.hub.ct.Rfc6962Watcher;
import io.certstream.hub.ct.tiled.TiledWatcher;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.metrics.HubMetrics;
import io.certstream.hub.stream.UpdatePublisher;
import io.certstream.hub.stream.WebVerticle;
import io.certstream.hub.stream.WireFormat;
import io.certstream.model.LogSource;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hub: deploys the web front, the log directory (which deploys one watcher per log) and the timers that
 * every client shares (heartbeat, rate sampling). Data flows one way: log -> watcher/decoder -> bus -> web, plugins.
 */
public final class Hub extends VerticleBase {
    private final HubConfig config;
    private final HubMetrics metrics;
    private final Consumer<Router> extraRoutes;

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
        UpdatePublisher.registerCodec(vertx);
        UpdatePublisher publisher = new UpdatePublisher(vertx, metrics);
        LogEntryDecoder decoder = new LogEntryDecoder();

        int instances = config.server().instances() > 0
                ? config.server().instances()
                : Runtime.getRuntime().availableProcessors();
        vertx.setPeriodic(config.server().heartbeatSeconds() * 1000L, t -> vertx.eventBus()
                .publish(BusAddresses.HEARTBEAT, WireFormat.heartbeat(System.currentTimeMillis() / 1000)));
        vertx.setPeriodic(1000, t -> metrics.sample());

        return vertx.deployVerticle(() -> new WebVerticle(config.server(), metrics, extraRoutes),
                        new DeploymentOptions().setInstances(instances))
                .compose(id -> vertx.deployVerticle(new LogDirectory(config, log -> watcherFor(log, decoder, publisher))));
    }

    private Optional<Deployable> watcherFor(CtLog log, LogEntryDecoder decoder, UpdatePublisher publisher) {
        long start = log.start().atHead() ? -1 : log.start().index();
        if (LogSource.RFC6962.equals(log.kind())) {
            LogMetrics logMetrics = metrics.log(log.name(), log.url(), log.kind());
            return Optional.of(new Rfc6962Watcher(log, config.watcher(), decoder, publisher, logMetrics, start));
        }
        if (LogSource.TILED.equals(log.kind())) {
            LogMetrics logMetrics = metrics.log(log.name(), log.url(), log.kind());
            return Optional.of(new TiledWatcher(log, config.watcher(), decoder, publisher, logMetrics, start));
        }
        return Optional.empty();
    }
}
