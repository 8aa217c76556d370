package io.certstream.hub.cluster;

import io.certstream.hub.ct.CtLog;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A log's watcher on the cluster node that owns the log: first takes the cluster's position for the log, then
 * deploys the watcher (made only then, so it starts from that position) as its child; not at all when the log was
 * given to another node again while this one waited for its release. Undeploying it stops the watcher and then
 * releases the log with the exact position the watcher reached ({@link SharedPositions#released}).
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
        return positions.resume(log).compose(ours -> ours ? vertx.deployVerticle(watcher.get()) : Future.succeededFuture())
                .onFailure(e -> positions.released(log.url()));
    }

    @Override
    public Future<?> stop() {
        // The watcher (a child) has stopped: its position is final and goes to the next owner. Bounded: a map that
        // does not answer must not hold up a shutdown.
        return positions.released(log.url()).timeout(2, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
    }
}
