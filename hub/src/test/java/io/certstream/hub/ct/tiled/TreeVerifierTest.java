package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.hub.testing.Async;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tree of 70,001 leaves (three tile levels) served as hash tiles by a local HTTP server: data tiles anywhere in
 * it are checked up to the checkpoint's root, through full hash tiles that are read once.
 */
class TreeVerifierTest {
    private static final int LEAVES = 70_001;
    private static final MerkleTree TREE = new MerkleTree();
    private static final Set<String> TAMPERED = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static Vertx vertx;
    private static HttpServer server;
    private static Context context;
    private static LogHttp http;

    @BeforeAll
    static void serveTiles() throws Exception {
        for (int i = 0; i < LEAVES; i++) {
            TREE.appendLeafHash(MerkleTree.leafHash(ByteBuffer.allocate(4).putInt(i).array()));
        }
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.getWithRegex("/tile/([0-9])/(.+)").handler(ctx -> {
            REQUESTS.incrementAndGet();
            int level = Integer.parseInt(ctx.pathParam("param0"));
            long[] tile = TilePath.parse(ctx.pathParam("param1"));
            Buffer body = Buffer.buffer();
            for (int i = 0; i < tile[1]; i++) {
                body.appendBytes(TREE.completeSubtreeHash(8 * level, tile[0] * 256 + i));
            }
            if (TAMPERED.contains(level + "/" + ctx.pathParam("param1"))) {
                body.setByte(5, (byte) (body.getByte(5) ^ 1));
            }
            ctx.response().end(body);
        });
        server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        context = vertx.getOrCreateContext();
        http = LogHttp.create(vertx, 10);
    }

    @AfterAll
    static void stop() throws Exception {
        await(vertx.close());
    }

    @Test
    void dataTilesAnywhereInTheTreeAreCheckedUpToTheRoot() throws Exception {
        TreeVerifier verifier = verifier();
        await(Async.onContext(context, () -> verifier.trust(http, head(70_000))));
        int afterTrust = REQUESTS.get();
        for (long tile : new long[] {0, 1, 255, 256, 272, 273}) {
            await(Async.onContext(context, () -> verifier.check(http, tile, leafHashes(tile, 70_000), "tile " + tile)));
        }
        // Level-1 tile 0 is full: read and checked once against the level-2 edge, then kept.
        assertEquals(1, REQUESTS.get() - afterTrust);

        await(Async.onContext(context, () -> verifier.trust(http, head(70_001))));
        await(Async.onContext(context, () -> verifier.check(http, 273, leafHashes(273, 70_001), "tile 273.p/113")));
    }

    @Test
    void entriesThatAreNotTheTreesAreRejected() throws Exception {
        TreeVerifier verifier = verifier();
        await(Async.onContext(context, () -> verifier.trust(http, head(70_000))));
        List<byte[]> wrong = leafHashes(3, 70_000);
        wrong.set(7, wrong.get(8));
        LogFetchException full = failure(Async.onContext(context, () -> verifier.check(http, 3, wrong, "tile/data/003")));
        assertEquals("bad_tile", full.kind());
        assertTrue(full.getMessage().startsWith("tile/data/003: its entries do not hash"), full.getMessage());

        List<byte[]> wrongEdge = leafHashes(273, 70_000);
        wrongEdge.remove(111);
        assertEquals("bad_tile", failure(Async.onContext(context, () -> verifier.check(http, 273, wrongEdge, "edge"))).kind());
    }

    @Test
    void hashTilesThatDoNotAddUpAreRejected() throws Exception {
        TAMPERED.add("1/001.p/17");
        try {
            LogFetchException edge = failure(Async.onContext(context, () -> verifier().trust(http, head(70_000))));
            assertEquals("bad_tree", edge.kind());
        } finally {
            TAMPERED.clear();
        }
        TreeVerifier verifier = verifier();
        await(Async.onContext(context, () -> verifier.trust(http, head(70_000))));
        TAMPERED.add("1/000");
        try {
            LogFetchException inner = failure(Async.onContext(context, () -> verifier.check(http, 5, leafHashes(5, 70_000), "tile 5")));
            assertEquals("bad_tree", inner.kind());
            assertTrue(inner.getMessage().endsWith("tile/1/000: this hash tile does not hash to the log's tree of size 70000"),
                    inner.getMessage());
        } finally {
            TAMPERED.clear();
        }
        await(Async.onContext(context, () -> verifier.check(http, 5, leafHashes(5, 70_000), "tile 5")));
    }

    private static TreeVerifier verifier() {
        return new TreeVerifier("http://127.0.0.1:" + server.actualPort(), 4);
    }

    private static SignedTreeHead head(long size) {
        return new SignedTreeHead(size, 0, TREE.rootHash(size), new byte[0]);
    }

    /** The leaf hashes the tree of {@code size} has in data tile {@code tile}. */
    private static List<byte[]> leafHashes(long tile, long size) {
        List<byte[]> hashes = new ArrayList<>();
        for (long i = tile * 256; i < Math.min(size, tile * 256 + 256); i++) {
            hashes.add(TREE.leafHashAt(i));
        }
        return hashes;
    }




    private static LogFetchException failure(Future<?> future) {
        return Async.failure(future, LogFetchException.class);
    }
}
