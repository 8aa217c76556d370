package io.certstream.hub.ct.rfc6962;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * At most one get-entries request ahead of a watcher. While a catching-up watcher decodes one batch, the log is
 * already answering the next, so the log's latency and the decoding overlap instead of adding up. A request
 * asked ahead is used only if the watcher then asks for exactly that range; otherwise it is dropped (its answer
 * or failure is ignored) and the range is fetched again. Used from the watcher's event loop only.
 */
final class EntriesPrefetch {
    private final Rfc6962Client client;
    private Future<Buffer> ahead;
    private long aheadStart = -1;
    private long aheadEnd = -1;

    EntriesPrefetch(Rfc6962Client client) {
        this.client = client;
    }

    /** The entries {@code start..end}: the request made ahead if it was for this range, else a new one. */
    Future<Buffer> get(long start, long end) {
        Future<Buffer> body = ahead != null && aheadStart == start && aheadEnd == end ? ahead : client.getEntries(start, end);
        ahead = null;
        return body;
    }

    /** Starts fetching {@code start..end} now, for a {@link #get} that is expected to follow. */
    void fetchAhead(long start, long end) {
        ahead = client.getEntries(start, end);
        aheadStart = start;
        aheadEnd = end;
    }
}
