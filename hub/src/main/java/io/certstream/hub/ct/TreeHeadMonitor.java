package io.certstream.hub.ct;

import io.certstream.hub.metrics.LogMetrics;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * Audits one log's tree heads as they arrive: each signature against the log's key, and each new head against the
 * last trusted one through the log's consistency proof. A failure is loud: a SEVERE log line, an
 * {@code integrity_*} error in the log's metrics and a JSON event on {@link BusAddresses#INTEGRITY}. The stream goes
 * on (CertStream is a feed, not a gate); monitors act on the event. Runs on the watcher's event loop.
 */
public final class TreeHeadMonitor {
    private static final Logger LOG = Logger.getLogger(TreeHeadMonitor.class.getName());

    private final Vertx vertx;
    private final CtLog log;
    private final LogMetrics metrics;
    private final TreeHeadVerifier verifier;
    private final BiFunction<Long, Long, Future<List<byte[]>>> consistencyProof;
    private SignedTreeHead trusted;
    private boolean proofInFlight;
    private SignedTreeHead lastRejected;

    /**
     * @param consistencyProof fetches the log's proof between two tree sizes (RFC 6962 {@code get-sth-consistency})
     */
    public TreeHeadMonitor(Vertx vertx, CtLog log, LogMetrics metrics,
                           BiFunction<Long, Long, Future<List<byte[]>>> consistencyProof) {
        this.vertx = vertx;
        this.log = log;
        this.metrics = metrics;
        this.consistencyProof = consistencyProof;
        this.verifier = verifierFor(log);
    }

    private static TreeHeadVerifier verifierFor(CtLog log) {
        if (log.keyBase64() == null || log.keyBase64().isBlank()) {
            LOG.info(() -> log.name() + " (" + log.url() + "): no public key known (set \"key\" in logs[]); "
                    + "tree head signatures are not checked, consistency still is");
            return null;
        }
        try {
            return TreeHeadVerifier.forKey(log.keyBase64());
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> log.name() + " (" + log.url() + "): unusable public key (" + e.getMessage()
                    + "); tree head signatures are not checked");
            return null;
        }
    }

    /** Checks a tree head just fetched; the consistency proof is fetched and checked in the background. */
    public void check(SignedTreeHead sth) {
        if (verifier != null) {
            if (!verifier.signatureValid(sth)) {
                // A log serves the same head until it grows: report each bad head once, not once per poll.
                if (lastRejected == null || lastRejected.treeSize() != sth.treeSize() || lastRejected.timestamp() != sth.timestamp()) {
                    lastRejected = sth;
                    failure("sth_signature", sth, null, "the tree head signature does not verify with the log's public key");
                }
                return; // never trust an unsigned head as the base of later consistency checks
            }
            metrics.check("signatures_verified");
        }
        SignedTreeHead base = trusted;
        if (base == null || base.treeSize() == 0) {
            trusted = sth;
            return;
        }
        if (sth.treeSize() == base.treeSize()) {
            if (!MessageDigest.isEqual(sth.rootHash(), base.rootHash())) {
                failure("sth_fork", sth, base, "two different root hashes for the same tree size");
                trusted = sth;
            }
            return;
        }
        if (sth.treeSize() < base.treeSize() || proofInFlight) {
            return; // a shrinking tree is the watcher's fault to report; one proof at a time
        }
        proofInFlight = true;
        consistencyProof.apply(base.treeSize(), sth.treeSize())
                .onComplete(done -> proofInFlight = false)
                .onSuccess(proof -> {
                    if (TreeHeadVerifier.consistent(base, sth, proof)) {
                        metrics.check("consistency_verified");
                    } else {
                        failure("sth_consistency", sth, base, "the log's consistency proof (" + proof.size()
                                + " hashes) does not show that tree " + sth.treeSize() + " extends tree " + base.treeSize());
                    }
                    if (trusted == base) {
                        trusted = sth;
                    }
                })
                .onFailure(e -> metrics.error(e instanceof LogFetchException f ? f.kind() : "internal",
                        "consistency proof " + base.treeSize() + " -> " + sth.treeSize() + ": " + e.getMessage()));
    }

    private void failure(String type, SignedTreeHead sth, SignedTreeHead previous, String problem) {
        String message = log.url() + ": INTEGRITY FAILURE (" + type + ") at tree size " + sth.treeSize()
                + (previous == null ? "" : " (previous tree size " + previous.treeSize() + ")") + ": " + problem;
        metrics.error("integrity_" + type.substring(4), message);
        LOG.severe(() -> log.name() + ": " + message + ". This log may be misbehaving or compromised; see "
                + BusAddresses.INTEGRITY + " and /metrics.");
        Base64.Encoder b64 = Base64.getEncoder();
        JsonObject event = new JsonObject()
                .put("type", type)
                .put("log", new JsonObject().put("name", log.name()).put("url", log.url()))
                .put("tree_size", sth.treeSize())
                .put("timestamp", sth.timestamp())
                .put("root_hash", b64.encodeToString(sth.rootHash()))
                .put("message", message)
                .put("seen", System.currentTimeMillis() / 1000.0);
        if (previous != null) {
            event.put("previous_tree_size", previous.treeSize())
                    .put("previous_root_hash", b64.encodeToString(previous.rootHash()));
        }
        vertx.eventBus().publish(BusAddresses.INTEGRITY, event);
    }
}
