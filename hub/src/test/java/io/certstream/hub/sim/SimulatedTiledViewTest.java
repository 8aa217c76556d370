package io.certstream.hub.sim;

import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.TreeHeadVerifier;
import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.hub.ct.tiled.CheckpointVerifier;
import io.certstream.hub.ct.tiled.TileLeaf;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The static-ct-api view of a simulated log serves the same tree as its RFC 6962 API. */
class SimulatedTiledViewTest {
    private static final int SIZE = 300; // one full tile and a partial one of 44
    private static final HttpClient http = HttpClient.newHttpClient();

    private static Vertx vertx;
    private static SimulatedCtLog log;

    @BeforeAll
    static void startStaticLog() throws Exception {
        vertx = Vertx.vertx();
        log = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults().withInitialSize(SIZE).withEntriesPerSecond(0)
                .withSeed(7)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        log.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theTiledLogListNamesTheMonitoringUrlAndTheKeyThatSignsTheCheckpoint() throws Exception {
        JsonObject entry = new JsonObject(text(log.tiledLogListUrl())).getJsonArray("operators").getJsonObject(0)
                .getJsonArray("tiled_logs").getJsonObject(0);
        assertEquals(log.tiledUrl() + "/", entry.getString("monitoring_url"));
        assertEquals(log.url() + "/", entry.getString("submission_url"));
        CheckpointVerifier verifier = new CheckpointVerifier(TreeHeadVerifier.forKey(entry.getString("key")));
        SignedTreeHead head = verifier.verify(log.tiledUrl() + "/checkpoint", text(log.tiledUrl() + "/checkpoint"));
        assertEquals(SIZE, head.treeSize());
        assertArrayEquals(log.rootHash(SIZE), head.rootHash());
        assertEquals(log.origin(), verifier.origin());
    }

    @Test
    void hashTilesHoldTheTreesHashes() throws Exception {
        byte[] full = bytes("/tile/0/000", 200);
        byte[] partial = bytes("/tile/0/001.p/44", 200);
        assertEquals(256 * 32, full.length);
        assertEquals(44 * 32, partial.length);
        for (int i = 0; i < SIZE; i++) {
            byte[] tile = i < 256 ? full : partial;
            int offset = (i % 256) * 32;
            assertArrayEquals(MerkleTree.leafHash(log.entry(i).raw().leafInput()),
                    Arrays.copyOfRange(tile, offset, offset + 32), "leaf hash " + i);
        }
        assertArrayEquals(log.rootHash(256), bytes("/tile/1/000.p/1", 200), "a level-1 hash is the root of a full tile");
        bytes("/tile/0/001", 404);
        bytes("/tile/0/001.p/45", 404);
        bytes("/tile/1/000", 404);
    }

    @Test
    void dataTilesAndIssuersGiveBackTheRfc6962Entries() throws Exception {
        List<TileLeaf> leaves = new ArrayList<>(TileLeaf.parseTile(bytes("/tile/data/000", 200), 0, 256, "tile 000"));
        leaves.addAll(TileLeaf.parseTile(bytes("/tile/data/001.p/44", 200), 256, 44, "tile 001.p/44"));
        for (TileLeaf leaf : leaves) {
            List<byte[]> issuers = new ArrayList<>();
            for (String hex : leaf.chainHex()) {
                issuers.add(bytes("/issuer/" + hex, 200));
            }
            RawEntry raw = leaf.toRawEntry(issuers);
            RawEntry expected = log.entry(leaf.index()).raw();
            assertArrayEquals(expected.leafInput(), raw.leafInput(), "leaf_input " + leaf.index());
            assertArrayEquals(expected.extraData(), raw.extraData(), "extra_data " + leaf.index());
        }
        bytes("/tile/data/001", 404);
        bytes("/tile/data/x001/000", 404);
        bytes("/issuer/" + "00".repeat(32), 404);
    }

    @Test
    void tilesAreGzippedWhenTheClientAcceptsIt() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(log.tiledUrl() + "/tile/data/000"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", response.headers().firstValue("content-encoding").orElse(null));
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes();
        assertArrayEquals(bytes("/tile/data/000", 200), plain);
    }

    private static byte[] bytes(String path, int status) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(log.tiledUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(status, response.statusCode(), path);
        return response.body();
    }

    private static String text(String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), url);
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
