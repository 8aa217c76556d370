package io.certstream.hub.ct.tiled;

import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.decode.MalformedEntryException;
import io.certstream.hub.testing.CtData;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Navigli 2025h2 data tiles, against the same entries re-encoded as RFC 6962 get-entries. */
class TileLeafTest {

    @Test
    void realDataTilesBecomeExactlyTheRfc6962EntriesOfTheSameLog() throws Exception {
        JsonArray derived = CtData.json("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json").getJsonArray("entries");
        Path issuers = CtData.file("static-ct/navigli2025h2/issuer");
        int checked = 0;
        for (int tile = 0; tile < 4; tile++) {
            byte[] bytes = tile(String.format("%03d", tile));
            List<TileLeaf> leaves = TileLeaf.parseTile(bytes, tile * 256L, 256, "tile " + tile);
            ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
            for (TileLeaf leaf : leaves) {
                assertEquals(1, leaf.entryType(), "navigli holds precert entries only");
                assertNotNull(leaf.preCertificate());
                List<byte[]> chain = new ArrayList<>();
                for (String hex : leaf.chainHex()) {
                    chain.add(Files.readAllBytes(issuers.resolve(hex)));
                }
                RawEntry raw = leaf.toRawEntry(chain);
                int i = (int) leaf.index();
                assertArrayEquals(Base64.getDecoder().decode(derived.getJsonObject(i).getString("leaf_input")), raw.leafInput(), "leaf_input " + i);
                assertArrayEquals(Base64.getDecoder().decode(derived.getJsonObject(i).getString("extra_data")), raw.extraData(), "extra_data " + i);
                reencoded.writeBytes(leaf.encode());
                checked++;
            }
            assertArrayEquals(bytes, reencoded.toByteArray(), "encode() gives back the tile byte for byte");
        }
        assertEquals(1024, checked);
    }

    @Test
    void aPartialTileIsThePrefixOfTheFullOne() throws Exception {
        List<TileLeaf> partial = TileLeaf.parseTile(tile("003.p/10"), 768, 10, "partial");
        List<TileLeaf> full = TileLeaf.parseTile(tile("003"), 768, 256, "full");
        assertEquals(10, partial.size());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(full.get(i).encode(), partial.get(i).encode());
        }
    }

    @Test
    void aTruncatedTileIsMalformed() throws Exception {
        byte[] tile = tile("001");
        byte[] partial = tile("003.p/10");
        byte[] full = tile("003");
        MalformedEntryException cut = assertThrows(MalformedEntryException.class,
                () -> TileLeaf.parseTile(Arrays.copyOf(tile, tile.length / 2), 256, 256, "tile 001"));
        assertTrue(cut.getMessage().startsWith("tile 001: "), cut.getMessage());
        MalformedEntryException fewer = assertThrows(MalformedEntryException.class,
                () -> TileLeaf.parseTile(partial, 768, 11, "tile 003.p/10"));
        assertTrue(fewer.getMessage().contains("ends after 10 of its 11 entries"), fewer.getMessage());
        MalformedEntryException more = assertThrows(MalformedEntryException.class,
                () -> TileLeaf.parseTile(full, 768, 10, "tile 003"));
        assertTrue(more.getMessage().contains("trailing bytes"), more.getMessage());
    }

    @Test
    void aTileServedForAnotherIndexIsCaughtByTheLeafIndexExtension() throws Exception {
        byte[] tile2 = tile("002");
        MalformedEntryException wrong = assertThrows(MalformedEntryException.class,
                () -> TileLeaf.parseTile(tile2, 256, 256, "tile 001"));
        assertTrue(wrong.getMessage().contains("leaf_index 512"), wrong.getMessage());
    }

    private static byte[] tile(String path) throws Exception {
        return Files.readAllBytes(CtData.file("static-ct/navigli2025h2/tile/data/" + path));
    }
}
