package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.IntegrityAlarm;
import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.TreeHeadVerifier;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.certstream.plugin.BusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.security.MessageDigest;
import java.util.List;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * Audits one log's tree heads as they arrive: each signature against the log's key ({@link #signatureTrusted}, before
 * the watcher takes the head), and each new head against the last trusted one through the log's consistency proof
 * ({@link #check}). A failure is loud ({@link IntegrityAlarm}): a SEVERE log line, an {@code integrity_*} error in the
 * log's metrics and a JSON event on {@link BusAddresses#INTEGRITY}. A head whose signature fails is not trusted: the
 * watcher streams no entry up to it. An inconsistent head is reported and the stream goes on (the entries below the
 * last trusted head were streamed already; monitors act on the event). Runs on the watcher's event loop.
 */
public final class TreeHeadMonitor {
    private static final Logger LOG = Logger.getLogger(TreeHeadMonitor.class.getName());

    private final LogMetrics metrics;
    private final TreeHeadVerifier verifier;
    private final BiFunction<Long, Long, Future<List<byte[]>>> consistencyProof;
    private final IntegrityAlarm alarm;
    private SignedTreeHead trusted;
    private boolean proofInFlight;

    /**
     * @param consistencyProof fetches the log's proof between two tree sizes (RFC 6962 {@code get-sth-consistency})
     */
    public TreeHeadMonitor(Vertx vertx, CtLog log, LogMetrics metrics,
                           BiFunction<Long, Long, Future<List<byte[]>>> consistencyProof) {
        this.metrics = metrics;
        this.consistencyProof = consistencyProof;
        this.verifier = verifierFor(log);
        this.alarm = new IntegrityAlarm(vertx, log, metrics);
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

    /**
     * Whether {@code sth} may be trusted as far as its signature goes: true when it verifies with the log's key, or
     * when no key is known. A head that fails is reported (once per head: a log serves the same head until it grows)
     * and must not be used, for entries nor as the base of later consistency checks.
     */
    public boolean signatureTrusted(SignedTreeHead sth) {
        if (verifier == null) {
            return true;
        }
        if (!verifier.signatureValid(sth)) {
            alarm.raise("sth_signature", sth, null, "the tree head signature does not verify with the log's public key;"
                    + " no entry is streamed up to this head");
            return false;
        }
        metrics.check("signatures_verified");
        return true;
    }

    /**
     * Checks a tree head whose signature is trusted against the last trusted one; the consistency proof is fetched
     * and checked in the background.
     */
    public void check(SignedTreeHead sth) {
        SignedTreeHead base = trusted;
        if (base == null || base.treeSize() == 0) {
            trusted = sth;
            return;
        }
        if (sth.treeSize() == base.treeSize()) {
            if (!MessageDigest.isEqual(sth.rootHash(), base.rootHash())) {
                alarm.raise("sth_fork", sth, base, "two different root hashes for the same tree size");
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
                        alarm.raise("sth_consistency", sth, base, "the log's consistency proof (" + proof.size()
                                + " hashes) does not show that tree " + sth.treeSize() + " extends tree " + base.treeSize());
                    }
                    if (trusted == base) {
                        trusted = sth;
                    }
                })
                .onFailure(e -> metrics.error(e instanceof LogFetchException f ? f.kind() : FaultKind.INTERNAL,
                        "consistency proof " + base.treeSize() + " -> " + sth.treeSize() + ": " + e.getMessage()));
    }
}
