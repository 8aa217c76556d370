package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.IntFunction;

/**
 * Reads tiles (hash tiles and data tiles) of one log. A partial tile the log no longer serves (it may delete one
 * once the full tile exists) is read from the full tile instead, whose first entries are the same.
 */
final class TileReader {
    private final String baseUrl;

    TileReader(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /**
     * A tile as read.
     *
     * @param url   where it was read from (the full tile's URL after a fallback)
     * @param count how many hashes or entries the body holds (256 after a fallback)
     */
    record Tile(String url, Buffer body, int count) {
    }

    /** @param path the tile's path for a width, e.g. {@code w -> TilePath.dataTile(n, w)} */
    Future<Tile> read(LogHttp http, IntFunction<String> path, int width) {
        String url = baseUrl + "/" + path.apply(width);
        Future<Tile> direct = http.get(url).map(body -> new Tile(url, body, width));
        if (width == TilePath.WIDTH) {
            return direct;
        }
        return direct.recover(e -> {
            if (!(e instanceof LogFetchException f && f.status() == 404)) {
                return Future.failedFuture(e);
            }
            String full = baseUrl + "/" + path.apply(TilePath.WIDTH);
            return http.get(full).map(body -> new Tile(full, body, TilePath.WIDTH)).recover(fullFailed -> Future.failedFuture(e));
        });
    }
}
