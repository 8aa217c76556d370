package io.certstream.hub.ct.rfc6962;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * Up to {@code watcher.fetchConcurrency} get-entries requests in flight for a watcher that is behind: while it
 * decodes one batch, the log is already answering the next ones, so the log's latency (3-14 s a batch for some
 * real logs) and the decoding overlap instead of adding up. Requests are asked ahead for consecutive ranges and
 * handed out strictly in order, so entries are still published in log order. A range asked ahead is used only if the
 * watcher then asks for exactly that range; otherwise every request ahead is dropped (answers and failures ignored)
 * and the range is fetched anew. Used from the watcher's event loop only.
 */
final class EntriesPrefetch {
    private final Rfc6962Client client;
    private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();

    private record Ahead(long start, long end, Future<Buffer> body) {
    }

    EntriesPrefetch(Rfc6962Client client) {
        this.client = client;
    }

    /** The entries {@code start..end}: the request made ahead if it was for this range, else a new one. */
    Future<Buffer> get(long start, long end) {
        Ahead first = ahead.peekFirst();
        if (first != null && first.start() == start && first.end() == end) {
            return ahead.pollFirst().body();
        }
        ahead.clear();
        return client.getEntries(start, end);
    }

    /** Starts fetching {@code start..end} now, for a {@link #get} that is expected to follow. */
    void fetchAhead(long start, long end) {
        ahead.addLast(new Ahead(start, end, client.getEntries(start, end)));
    }

    /**
     * Keeps up to {@code count} consecutive batches of {@code batchSize} asked ahead, from {@code from} (the entry
     * after the batch being fetched) up to the tree size.
     */
    void fillAhead(long from, long treeSize, int batchSize, int count) {
        long next = ahead.isEmpty() ? from : ahead.peekLast().end() + 1;
        if (!ahead.isEmpty() && ahead.peekFirst().start() != from) {
            ahead.clear();
            next = from;
        }
        while (ahead.size() < count && next < treeSize) {
            long end = Math.min(next + batchSize, treeSize) - 1;
            fetchAhead(next, end);
            next = end + 1;
        }
    }

    /** Requests asked ahead and not yet handed out. */
    int ahead() {
        return ahead.size();
    }
}
