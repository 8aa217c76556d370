package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.config.HubConfig.WatcherConfig;
import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.LogWatcher;
import io.certstream.hub.ct.PositionStore;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.UpdateSink;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import io.certstream.hub.ct.merkle.MerkleProofs;
import java.util.logging.Logger;

/**
 * Follows one RFC 6962 log: {@code get-sth}, then {@code get-entries} in batches from where it stands. A short
 * reply means the log caps batches (the cap is learned), never that the log ended. With
 * {@code watcher.verifyTreeHeads} each tree head is audited by a {@link TreeHeadMonitor}: one whose signature
 * fails is rejected (retried with backoff, counted as {@code bad_signature}, raised as an integrity event), then
 * consistency with {@code get-sth-consistency}. The loop, decoding, backoff and position are {@link LogWatcher}'s.
 */
public final class Rfc6962Watcher extends LogWatcher {
    private static final Logger LOG = Logger.getLogger(Rfc6962Watcher.class.getName());

    private int batchSize;
    private int lastShortReply = -1;
    private Rfc6962Client client;
    private EntriesPrefetch prefetch;
    /** Whether the last get-entries was answered in full: only then is the next batch asked for ahead. */
    private boolean fullReplies;
    private TreeHeadMonitor monitor;

    /**
     * @param startIndex where to start: {@link PositionStore#startIndex} (the saved position, else the configured
     *                   start), -1 for the tree head
     */
    public Rfc6962Watcher(CtLog log, WatcherConfig config, LogEntryDecoder decoder, UpdateSink publisher,
                          LogMetrics metrics, PositionStore positions, long startIndex) {
        super(log, config, decoder, publisher, metrics, positions, startIndex);
        this.batchSize = config.batchSize();
        metrics.batchSize(batchSize);
    }

    @Override
    protected Future<SignedTreeHead> fetchTreeHead(LogHttp http) {
        return client(http).getSth().compose(head -> !config.verifyTreeHeads() || monitor().signatureTrusted(head)
                ? Future.succeededFuture(head)
                // Like a tiled log's checkpoint: a head the log's key did not sign says nothing about the log's entries.
                : Future.failedFuture(new LogFetchException(FaultKind.BAD_SIGNATURE, log.url() + "/ct/v1/get-sth: tree head of size "
                        + head.treeSize() + " rejected: its signature does not verify with the log's key; no entry is"
                        + " streamed up to it until the log serves a head that verifies", 0)));
    }

    @Override
    protected void acceptedTreeHead(SignedTreeHead head) {
        if (config.verifyTreeHeads()) {
            monitor().check(head);
        }
    }

    /** A tree inside a larger head: the log's consistency proof between the two must verify. */
    @Override
    protected Future<Boolean> treeHasRoot(LogHttp http, long size, byte[] root, SignedTreeHead head) {
        if (head.treeSize() == size) {
            return super.treeHasRoot(http, size, root, head);
        }
        return client(http).getSthConsistency(size, head.treeSize()).map(proof ->
                MerkleProofs.verifyConsistency(size, head.treeSize(), root, head.rootHash(), proof));
    }

    private TreeHeadMonitor monitor() {
        if (monitor == null) {
            monitor = new TreeHeadMonitor(vertx, log, metrics, client::getSthConsistency);
        }
        return monitor;
    }

    @Override
    protected Future<Fetched> fetchEntries(LogHttp http, long start, long treeSize) {
        long end = Math.min(start + batchSize, treeSize) - 1;
        String url = Rfc6962Client.entriesUrl(log.url(), start, end);
        Future<Buffer> answer = prefetch(http).get(start, end);
        if (fullReplies && end + 1 < treeSize) {
            // Catching up: let the log prepare the next batches (watcher.fetchConcurrency in flight in all) while
            // this one is decoded. Only while it answers whole batches, so that guesses ahead do not cost a capped
            // log wasted requests.
            prefetch.fillAhead(end + 1, treeSize, batchSize, config.fetchConcurrency() - 1);
        }
        return answer
                // get-entries bodies are megabytes during catch-up: parse them on a worker too.
                .compose(body -> vertx.executeBlocking(() -> EntriesParser.parse(body, start, url)))
                .map(entries -> {
                    fullReplies = entries.size() == end - start + 1;
                    learnBatchCap(end - start + 1, entries.size());
                    return new Fetched(entries, index -> Rfc6962Client.entriesUrl(log.url(), index, index));
                });
    }

    private void learnBatchCap(long asked, int got) {
        if (got > 0 && got < asked && got < batchSize) {
            // Learn a cap only when two short replies in a row agree: one odd short reply (a log
            // that truncates under load) must not slow the watcher down for good.
            if (got == lastShortReply) {
                batchSize = got;
                metrics.batchSize(batchSize);
                LOG.info(() -> log.name() + ": log returns at most " + batchSize + " entries per request; using that");
            }
            lastShortReply = got;
        } else {
            lastShortReply = -1;
        }
    }

    private EntriesPrefetch prefetch(LogHttp http) {
        if (prefetch == null) {
            prefetch = new EntriesPrefetch(client(http));
        }
        return prefetch;
    }

    private Rfc6962Client client(LogHttp http) {
        if (client == null) {
            client = new Rfc6962Client(http, log.url());
        }
        return client;
    }
}
