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
    void badBase64AndMissingFieldsAreBadResponses() {
        LogFetchException e = assertThrows(LogFetchException.class, () -> EntriesParser.parse(
                Buffer.buffer("{\"entries\":[{\"leaf_input\":\"not*base64\",\"extra_data\":\"\"}]}"), 0, "http://log"));
        assertEquals(FaultKind.BAD_RESPONSE, e.kind());
        e = assertThrows(LogFetchException.class, () -> EntriesParser.parse(
                Buffer.buffer("{\"entries\":[{\"leaf_input\":\"AAAA\"}]}"), 7, "http://log"));
        assertTrue(e.getMessage().contains("entry 7 lacks leaf_input or extra_data"), e.getMessage());
        e = assertThrows(LogFetchException.class, () -> EntriesParser.parse(
                Buffer.buffer("{\"entries\":[{\"leaf_input\":17,\"extra_data\":\"\"}]}"), 0, "http://log"));
        assertEquals(FaultKind.BAD_RESPONSE, e.kind());
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
