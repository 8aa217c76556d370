package io.certstream.hub.ct.tiled;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TilePathTest {

    @Test
    void encodesIndexesInThreeDigitElementsWithXPrefixes() {
        assertEquals("000", TilePath.encodeIndex(0));
        assertEquals("067", TilePath.encodeIndex(67));
        assertEquals("999", TilePath.encodeIndex(999));
        assertEquals("x001/000", TilePath.encodeIndex(1000));
        assertEquals("x001/x234/067", TilePath.encodeIndex(1234067));
        assertEquals("x001/x000/000", TilePath.encodeIndex(1_000_000));
    }

    @Test
    void namesFullAndPartialTiles() {
        assertEquals("tile/data/003", TilePath.dataTile(3, 256));
        assertEquals("tile/data/003.p/10", TilePath.dataTile(3, 10));
        assertEquals("tile/1/000.p/4", TilePath.hashTile(1, 0, 4));
        assertEquals("tile/0/x001/x234/067", TilePath.hashTile(0, 1234067, 256));
        assertThrows(IllegalArgumentException.class, () -> TilePath.dataTile(0, 0));
        assertThrows(IllegalArgumentException.class, () -> TilePath.dataTile(0, 257));
    }

    @Test
    void parsesOnlyCanonicalPaths() {
        assertArrayEquals(new long[] {1234067, 256}, TilePath.parse("x001/x234/067"));
        assertArrayEquals(new long[] {3, 10}, TilePath.parse("003.p/10"));
        for (String bad : new String[] {"3", "0003", "x000/001", "001/002", "003.p/0", "003.p/256", "003.p/010", "x1/000", ""}) {
            assertThrows(IllegalArgumentException.class, () -> TilePath.parse(bad), bad);
        }
    }
}
