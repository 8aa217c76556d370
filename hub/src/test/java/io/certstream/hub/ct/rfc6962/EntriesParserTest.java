package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.metrics.FaultKind;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntriesParserTest {
    private static final Random RANDOM = new Random(6962);

    @Test
    void decodesEveryEntryWhereverTheBodyLiesInItsBuffer() {
        byte[][] leaves = {bytes(70), bytes(1), bytes(2)};
        byte[][] extras = {bytes(4000), bytes(0), bytes(5)};
        String json = body(leaves, extras, " ");
        // The body as a slice of a larger buffer, read from a non-zero reader index: offsets must line up.
        Buffer padded = Buffer.buffer("garbage\"\\" + json + "tail\"");
        Buffer slice = padded.slice(9, 9 + json.length());
        for (Buffer body : List.of(Buffer.buffer(json), slice)) {
            List<RawEntry> entries = EntriesParser.parse(body, 100, "http://log");
            assertEquals(3, entries.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(100 + i, entries.get(i).index());
                assertArrayEquals(leaves[i], entries.get(i).leafInput(), "leaf_input " + i);
                assertArrayEquals(extras[i], entries.get(i).extraData(), "extra_data " + i);
            }
        }
    }

    @Test
    void jsonEscapesAndUnpaddedBase64Decode() {
        byte[] leaf = bytes(300);
        byte[] extra = bytes(31);
        String escaped = Base64.getEncoder().encodeToString(leaf).replace("/", "\\/");
        String unpadded = Base64.getEncoder().withoutPadding().encodeToString(extra);
        String json = "{\"entries\":[{\"leaf_input\":\"" + escaped + "\",\"extra_data\":\"" + unpadded + "\"}]}";
        assertTrue(escaped.contains("\\/"), "the test data has an escaped slash");
        RawEntry entry = EntriesParser.parse(Buffer.buffer(json), 0, "http://log").get(0);
        assertArrayEquals(leaf, entry.leafInput());
        assertArrayEquals(extra, entry.extraData());
    }

    @Test
    void oneUnusableElementIsOneBrokenEntryAndTheOthersStay() {
        String good = "{\"leaf_input\":\"AAAA\",\"extra_data\":\"\"}";
        List<RawEntry> entries = EntriesParser.parse(Buffer.buffer("{\"entries\":[" + good
                + ",{\"leaf_input\":\"not*base64\",\"extra_data\":\"\"}"
                + ",{\"leaf_input\":\"AAAA\"}"
                + ",{\"leaf_input\":17,\"extra_data\":{\"x\":[1]}}"
                + ",[1,2],null," + good + "]}"), 7, "http://log");
        assertEquals(7, entries.size(), "every element keeps its index: " + entries);
        assertEquals(null, entries.get(0).problem());
        assertTrue(entries.get(1).problem().contains("leaf_input is not base64"), entries.get(1).problem());
        assertTrue(entries.get(2).problem().contains("lacks extra_data"), entries.get(2).problem());
        assertTrue(entries.get(3).problem().contains("not a string"), entries.get(3).problem());
        assertTrue(entries.get(4).problem().contains("not a JSON object"), entries.get(4).problem());
        assertTrue(entries.get(5).problem().contains("not a JSON object"), entries.get(5).problem());
        assertEquals(13, entries.get(6).index());
        assertArrayEquals(new byte[3], entries.get(6).leafInput());
    }

    @Test
    void onlyAnAnswerWithoutAnEntriesArrayIsABadResponse() {
        for (String body : List.of("<html>", "[]", "{\"entries\":{}}", "{\"entries\":[{\"leaf_input\":\"AAAA\"",
                "{\"entries\":[{\"leaf_input\":\"AA")) {
            LogFetchException e = assertThrows(LogFetchException.class,
                    () -> EntriesParser.parse(Buffer.buffer(body), 0, "http://log"), body);
            assertEquals(FaultKind.BAD_RESPONSE, e.kind(), body);
        }
    }

    private static String body(byte[][] leaves, byte[][] extras, String space) {
        StringBuilder json = new StringBuilder("{" + space + "\"entries\"" + space + ":" + space + "[");
        for (int i = 0; i < leaves.length; i++) {
            json.append(i == 0 ? "" : ",").append(space).append("{\"extra_data\":").append(space).append('"')
                    .append(Base64.getEncoder().encodeToString(extras[i])).append("\",\"other\":[1,{\"x\":\"y\"}],")
                    .append("\"leaf_input\":\"").append(Base64.getEncoder().encodeToString(leaves[i])).append("\"}");
        }
        return json.append("]").append(space).append("}").toString();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
