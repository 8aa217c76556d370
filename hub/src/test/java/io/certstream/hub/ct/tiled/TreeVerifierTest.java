package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.SignedTreeHead;
import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.hub.metrics.FaultKind;
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
import java.util.concurrent.atomic.AtomicReference;

import static io.certstream.hub.testing.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tree of 70,001 leaves (three tile levels) served as hash tiles by a local HTTP server: data tiles anywhere in
 * it are checked up to the checkpoint's root, through full hash tiles that are read once.
 */
class TreeVerifierTest {
    private static final int LEAVES = 70_001;
    private static final MerkleTree TREE = new MerkleTree();
    /** The same tree but for leaf 1000: a log that rewrote its history. */
    private static final MerkleTree FORKED = new MerkleTree();
    private static final AtomicReference<MerkleTree> SERVED = new AtomicReference<>(TREE);
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
            FORKED.appendLeafHash(MerkleTree.leafHash(ByteBuffer.allocate(4).putInt(i == 1000 ? -1 : i).array()));
        }
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.getWithRegex("/tile/([0-9])/(.+)").handler(ctx -> {
            REQUESTS.incrementAndGet();
            int level = Integer.parseInt(ctx.pathParam("param0"));
            long[] tile = TilePath.parse(ctx.pathParam("param1"));
            Buffer body = Buffer.buffer();
            for (int i = 0; i < tile[1]; i++) {
                body.appendBytes(SERVED.get().completeSubtreeHash(8 * level, tile[0] * 256 + i));
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
        assertEquals(FaultKind.BAD_TILE, full.kind());
        assertTrue(full.getMessage().startsWith("tile/data/003: its entries do not hash"), full.getMessage());

        List<byte[]> wrongEdge = leafHashes(273, 70_000);
        wrongEdge.remove(111);
        assertEquals(FaultKind.BAD_TILE, failure(Async.onContext(context, () -> verifier.check(http, 273, wrongEdge, "edge"))).kind());
    }

    @Test
    void hashTilesThatDoNotAddUpAreRejected() throws Exception {
        TAMPERED.add("1/001.p/17");
        try {
            LogFetchException edge = failure(Async.onContext(context, () -> verifier().trust(http, head(70_000))));
            assertEquals(FaultKind.BAD_TREE, edge.kind());
        } finally {
            TAMPERED.clear();
        }
        TreeVerifier verifier = verifier();
        await(Async.onContext(context, () -> verifier.trust(http, head(70_000))));
        TAMPERED.add("1/000");
        try {
            LogFetchException inner = failure(Async.onContext(context, () -> verifier.check(http, 5, leafHashes(5, 70_000), "tile 5")));
            assertEquals(FaultKind.BAD_TREE, inner.kind());
            assertTrue(inner.getMessage().endsWith("tile/1/000: this hash tile does not hash to the log's tree of size 70000"),
                    inner.getMessage());
        } finally {
            TAMPERED.clear();
        }
        await(Async.onContext(context, () -> verifier.check(http, 5, leafHashes(5, 70_000), "tile 5")));
    }

    @Test
    void aLargerTreeIsShownToExtendTheTrustedOneFromItsOwnTilesReadingOnlyWhatIsNeeded() throws Exception {
        TreeVerifier verifier = verifier();
        assertFalse(await(Async.onContext(context, () -> verifier.trust(http, head(65_000)))), "nothing to extend yet");
        int before = REQUESTS.get();
        assertTrue(await(Async.onContext(context, () -> verifier.trust(http, head(70_000)))));
        // The edge of 70,000 (3 tiles), then the tiles of 65,000's edge that are full in it: 1/000 and 0/253.
        assertEquals(5, REQUESTS.get() - before);

        before = REQUESTS.get();
        for (long tile : new long[] {5, 253}) {
            await(Async.onContext(context, () -> verifier.check(http, tile, leafHashes(tile, 70_000), "tile " + tile)));
        }
        assertEquals(0, REQUESTS.get() - before, "1/000, checked in the new tree, is kept");

        before = REQUESTS.get();
        assertTrue(await(Async.onContext(context, () -> verifier.trust(http, head(70_001)))));
        assertEquals(3, REQUESTS.get() - before, "70,000's edge tiles are all at the edge of 70,001: only those are read");
        assertFalse(await(Async.onContext(context, () -> verifier.trust(http, head(70_001)))), "the same tree again");
    }

    @Test
    void aTreeThatRewroteAnEarlyLeafIsRejectedAndTheTrustedOneKept() throws Exception {
        TreeVerifier verifier = verifier();
        await(Async.onContext(context, () -> verifier.trust(http, head(65_000))));
        SERVED.set(FORKED);
        try {
            LogFetchException fork = failure(Async.onContext(context, () -> verifier.trust(http, forkedHead(70_000))));
            assertEquals(FaultKind.BAD_TREE, fork.kind());
            assertTrue(fork.getMessage().contains("the tree of size 70000 does not extend the trusted tree of size 65000"),
                    fork.getMessage());
            assertEquals(FaultKind.BAD_TREE, failure(Async.onContext(context, () -> verifier.trust(http, forkedHead(65_000)))).kind(),
                    "another root for the same size");
            assertEquals(65_000, verifier.treeSize());
        } finally {
            SERVED.set(TREE);
        }
        await(Async.onContext(context, () -> verifier.check(http, 3, leafHashes(3, 65_000), "tile 3")));
        assertTrue(await(Async.onContext(context, () -> verifier.trust(http, head(70_000)))));
    }

    @Test
    void aForkBelowFullTilesAlreadyCheckedIsStillSeen() throws Exception {
        TreeVerifier verifier = verifier();
        await(Async.onContext(context, () -> verifier.trust(http, head(70_000))));
        await(Async.onContext(context, () -> verifier.check(http, 3, leafHashes(3, 70_000), "tile 3"))); // keeps 1/000
        SERVED.set(FORKED);
        try {
            LogFetchException fork = failure(Async.onContext(context, () -> verifier.trust(http, forkedHead(70_001))));
            assertEquals(FaultKind.BAD_TREE, fork.kind());
            assertTrue(fork.getMessage().contains("does not extend the trusted tree of size 70000"), fork.getMessage());
        } finally {
            SERVED.set(TREE);
        }
        assertEquals(70_000, verifier.treeSize());
    }

    private static SignedTreeHead forkedHead(long size) {
        return new SignedTreeHead(size, 0, FORKED.rootHash(size), new byte[0]);
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
