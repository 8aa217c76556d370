package io.certstream.hub.ct.tiled;

import io.certstream.hub.config.HubConfig.WatcherConfig;
import io.certstream.hub.ct.CtLog;
import io.certstream.hub.ct.IntegrityAlarm;
import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.LogWatcher;
import io.certstream.hub.ct.PositionStore;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.TreeHeadVerifier;
import io.certstream.hub.ct.UpdateSink;
import io.certstream.hub.decode.LogEntryDecoder;
import io.certstream.hub.decode.MalformedEntryException;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.metrics.LogMetrics;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Follows one static-ct-api ("tiled") log (c2sp.org/static-ct-api): {@code <monitoring prefix>/checkpoint},
 * verified with the log's key and against the log's hash tiles ({@link TreeVerifier}), then {@code tile/data/<N>}
 * one tile at a time from where it stands (the partial tile {@code .p/<W>} at the right edge), each checked
 * against the tree, with issuers from {@code issuer/<sha256>}. Each entry is turned into
 * the same bytes an RFC 6962 log would serve and published like {@link io.certstream.hub.ct.rfc6962.Rfc6962Watcher}'s:
 * clients cannot tell the two kinds apart but for {@code source} and {@code cert_link}. A checkpoint the log's key
 * did not sign ({@code sth_signature}), hash tiles that do not hash to the signed tree and a tree that does not
 * extend the last trusted one, read from its own hash tiles ({@code tree_consistency}), are rejected and raised on the
 * integrity address like an RFC 6962 log's bad tree heads ({@link IntegrityAlarm}); a tree shown to extend the last
 * one counts as {@code consistency_verified}.
 * The loop, backoff, shrinking-tree check and position are {@link LogWatcher}'s.
 */
public final class TiledWatcher extends LogWatcher {
    private static final Logger LOG = Logger.getLogger(TiledWatcher.class.getName());
    private static final int ISSUERS_KEPT = 256;
    private static final int MAX_CHECKPOINT_BYTES = 1 << 20;
    private static final int HASH_TILES_KEPT = 64;
    /** Reads of a tile that came back broken as a whole before its entries are checked one by one. */
    private static final int WHOLE_TILE_TRIES = 3;

    private final IssuerCache issuers;
    private final TileReader tiles;
    private final TreeVerifier tree;
    private CheckpointVerifier checkpoints;
    private String keyProblem;
    private IntegrityAlarm alarm;
    /** The last tree head the watcher took, or null. */
    private SignedTreeHead trusted;
    /** Tile number -> reads of it that came back broken as a whole in a row (on the watcher's event loop only). */
    private final Map<Long, Integer> salvageAfter = new HashMap<>();

    public TiledWatcher(CtLog log, WatcherConfig config, LogEntryDecoder decoder, UpdateSink publisher,
                        LogMetrics metrics, PositionStore positions, long startIndex) {
        super(log, config, decoder, publisher, metrics, positions, startIndex);
        this.issuers = new IssuerCache(log.url(), ISSUERS_KEPT);
        this.tiles = new TileReader(log.url());
        this.tree = new TreeVerifier(log.url(), HASH_TILES_KEPT);
        metrics.batchSize(TilePath.WIDTH);
        if (log.keyBase64() == null) {
            LOG.warning(() -> log.name() + " (" + log.url() + "): no key in the log list or config (logs[].key);"
                    + " its checkpoints are NOT verified");
            checkpoints = new CheckpointVerifier(null);
        } else {
            try {
                checkpoints = new CheckpointVerifier(TreeHeadVerifier.forKey(log.keyBase64()));
            } catch (IllegalArgumentException e) {
                keyProblem = log.url() + ": cannot verify checkpoints: " + e.getMessage() + " (fix the log's key)";
            }
        }
    }

    @Override
    protected Future<SignedTreeHead> fetchTreeHead(LogHttp http) {
        if (keyProblem != null) {
            return Future.failedFuture(new LogFetchException(FaultKind.BAD_KEY, keyProblem, 0));
        }
        String url = log.url() + "/checkpoint";
        return http.get(url).map(body -> {
            if (body.length() > MAX_CHECKPOINT_BYTES) {
                throw new LogFetchException(FaultKind.BAD_CHECKPOINT, url + ": " + body.length() + " bytes is not a checkpoint", 0);
            }
            String text = body.toString(StandardCharsets.UTF_8);
            try {
                return checkpoints.verify(url, text);
            } catch (LogFetchException e) {
                if (e.kind() == FaultKind.BAD_SIGNATURE) {
                    forgedCheckpoint(text, e.getMessage());
                }
                throw e;
            }
        }).compose(head -> head.treeSize() < tree.treeSize()
                ? Future.succeededFuture(head) // a shrinking tree: LogWatcher rejects it; keep trusting the larger one
                : tree.trust(http, head).map(extended -> {
                    if (extended) {
                        metrics.check("consistency_verified");
                    }
                    return head;
                }).onFailure(e -> treeMismatch(e, head)));
    }

    /** The root of a smaller tree, computed from the trusted tree's own hash tiles. */
    @Override
    protected Future<Boolean> treeHasRoot(LogHttp http, long size, byte[] root, SignedTreeHead head) {
        return tree.rootOf(http, size).map(computed -> MessageDigest.isEqual(computed, root));
    }

    @Override
    protected void acceptedTreeHead(SignedTreeHead head) {
        trusted = head;
    }

    /** A checkpoint that parses but that the log's key did not sign: what a forged or misissued head looks like. */
    private void forgedCheckpoint(String text, String problem) {
        Checkpoint checkpoint = Checkpoint.parse(SignedNote.parse(text).text()); // it parsed a moment ago
        alarm().raise("sth_signature", new SignedTreeHead(checkpoint.treeSize(), 0, checkpoint.rootHash(), new byte[0]),
                trusted, problem + "; no entry is streamed up to this checkpoint");
    }

    /**
     * Hash tiles that do not add up to a signed root, or a signed tree that does not extend the trusted one: the tree
     * served is not the tree the log signed, or the log rewrote its history.
     */
    private void treeMismatch(Throwable failure, SignedTreeHead head) {
        if (failure instanceof LogFetchException f && f.kind() == FaultKind.BAD_TREE) {
            alarm().raise("tree_consistency", head, trusted == head ? null : trusted, f.getMessage());
        }
    }

    private IntegrityAlarm alarm() {
        if (alarm == null) {
            alarm = new IntegrityAlarm(vertx, log, metrics);
        }
        return alarm;
    }

    @Override
    protected Future<Fetched> fetchEntries(LogHttp http, long start, long treeSize) {
        long tile = start / TilePath.WIDTH;
        long tileStart = tile * TilePath.WIDTH;
        int width = (int) Math.min(TilePath.WIDTH, treeSize - tileStart);
        return tiles.read(http, w -> TilePath.dataTile(tile, w), width).compose(fetched -> vertx
                .executeBlocking(() -> parse(fetched, tileStart, width))
                .compose(parsed -> tree.check(http, tile, parsed.stream().map(TileLeaf::leafHash).toList(), fetched.url())
                        .map(v -> {
                            salvageAfter.remove(tile);
                            return parsed.stream().map(leaf -> new TileLeaf.Checked(leaf, null)).toList();
                        }))
                .recover(e -> e instanceof LogFetchException f && f.kind() == FaultKind.BAD_TILE
                        ? badTile(tile, f, http, fetched, tileStart, width)
                        : Future.failedFuture(e))
                .onFailure(e -> treeMismatch(e, trusted))
                .map(checked -> checked.subList((int) (start - tileStart), width))
                .compose(checked -> withIssuers(http, checked, start))
                // The link is the tile actually read: it was there a moment ago, so a user can fetch it too.
                .map(entries -> new Fetched(entries, index -> fetched.url())));
    }

    /** Runs on a worker: the first {@code width} entries of a data tile (all the tree has in it). */
    private List<TileLeaf> parse(TileReader.Tile tile, long tileStart, int width) throws LogFetchException {
        try {
            return TileLeaf.parseTile(tile.body().getBytes(), tileStart, tile.count(), tile.url()).subList(0, width);
        } catch (MalformedEntryException e) {
            throw new LogFetchException(FaultKind.BAD_TILE, e.getMessage(), 0);
        }
    }

    /**
     * A data tile that does not parse or does not hash to the tree as a whole. Most often the bytes were damaged on
     * the way (a truncated answer, a bad cache): the tile is read again, with backoff, as any {@code bad_tile}. Only
     * when it comes back broken {@value #WHOLE_TILE_TRIES} times in a row is the log taken to serve a broken entry,
     * and the tile is checked entry by entry.
     */
    private Future<List<TileLeaf.Checked>> badTile(long tile, LogFetchException failure, LogHttp http,
                                                   TileReader.Tile fetched, long tileStart, int width) {
        int tries = salvageAfter.merge(tile, 1, Integer::sum);
        if (salvageAfter.size() > 16) {
            salvageAfter.keySet().removeIf(t -> t != tile);
        }
        if (tries < WHOLE_TILE_TRIES) {
            return Future.failedFuture(failure);
        }
        salvageAfter.remove(tile);
        return entryByEntry(http, fetched, tile, tileStart, width);
    }

    /**
     * A data tile that does not parse or does not hash to the tree as a whole: each entry is checked on its own
     * against the tree's leaf hashes, so that one broken entry (a log that serves it so for ever) is skipped and
     * counted as a decode fault while the others of the tile stream. A tile of which not one entry matches is not
     * the tile asked for ({@code bad_tile}, retried, as before).
     */
    private Future<List<TileLeaf.Checked>> entryByEntry(LogHttp http, TileReader.Tile fetched, long tile, long tileStart, int width) {
        return tree.leafHashes(http, tile).compose(expected -> vertx.executeBlocking(() -> {
            List<TileLeaf.Checked> checked = TileLeaf.parseChecked(fetched.body().getBytes(), tileStart, width, expected, fetched.url());
            if (checked.stream().allMatch(c -> c.leaf() == null)) {
                throw new LogFetchException(FaultKind.BAD_TILE, fetched.url() + ": not one of its entries hashes to the log's tree"
                        + " of size " + tree.treeSize() + " (checked with the hash tiles): " + checked.get(0).problem(), 0);
            }
            return checked;
        }));
    }

    private Future<List<RawEntry>> withIssuers(LogHttp http, List<TileLeaf.Checked> checked, long start) {
        Set<String> wanted = new LinkedHashSet<>();
        checked.forEach(c -> {
            if (c.leaf() != null) {
                wanted.addAll(c.leaf().chainHex());
            }
        });
        List<Future<byte[]>> fetches = new ArrayList<>(wanted.size());
        wanted.forEach(hex -> fetches.add(issuers.get(http, hex)));
        return Future.all(fetches).compose(all -> {
            Map<String, byte[]> der = new HashMap<>();
            int i = 0;
            for (String hex : wanted) {
                der.put(hex, fetches.get(i++).result());
            }
            // A megabyte of copying per tile: on a worker, like the decoding that follows.
            return vertx.executeBlocking(() -> {
                List<RawEntry> entries = new ArrayList<>(checked.size());
                long index = start;
                for (TileLeaf.Checked c : checked) {
                    entries.add(c.leaf() == null ? RawEntry.broken(index, c.problem())
                            : c.leaf().toRawEntry(c.leaf().chainHex().stream().map(der::get).toList()));
                    index++;
                }
                return entries;
            });
        });
    }
}
