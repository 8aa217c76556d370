package io.certstream.hub.cluster;

import io.certstream.hub.ct.CtLog;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.function.Supplier;

/**
 * A log's watcher on the cluster node that owns the log: first takes the cluster's position for the log, then
 * deploys the watcher (made only then, so it starts from that position) as its child. Undeploying it stops the
 * watcher and tells the shared positions this node no longer writes the log's position.
 */
public final class OwnedWatcher extends VerticleBase {
    private final CtLog log;
    private final SharedPositions positions;
    private final Supplier<Deployable> watcher;

    public OwnedWatcher(CtLog log, SharedPositions positions, Supplier<Deployable> watcher) {
        this.log = log;
        this.positions = positions;
        this.watcher = watcher;
    }

    @Override
    public Future<?> start() {
        // A watcher that did not start must not keep this node's name on the log: /health then shows it unowned.
        return positions.resume(log).compose(v -> vertx.deployVerticle(watcher.get()))
                .onFailure(e -> positions.released(log.url()));
    }

    @Override
    public Future<?> stop() {
        positions.released(log.url());
        return Future.succeededFuture();
    }
}
