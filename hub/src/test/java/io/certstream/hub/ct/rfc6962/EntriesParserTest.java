package io.certstream.hub.ct.rfc6962;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.metrics.FaultKind;
import io.certstream.hub.testing.CtData;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /** The shape logs send is read straight from the bytes, and gives exactly what the JSON parser gives. */
    @Test
    void plainBodiesGiveWhatTheJsonParserGives() {
        String[] spaces = {"", " ", "\n  ", "\r\n\t"};
        for (int round = 0; round < 50; round++) {
            int n = RANDOM.nextInt(6);
            String space = spaces[round % spaces.length];
            StringBuilder json = new StringBuilder("{" + space + "\"entries\"" + space + ":" + space + "[" + space);
            for (int i = 0; i < n; i++) {
                String leaf = "\"leaf_input\"" + space + ":" + space + "\"" + base64(bytes(RANDOM.nextInt(3000))) + "\"";
                String extra = "\"extra_data\":" + space + "\"" + base64(bytes(RANDOM.nextInt(5000))) + "\"" + space;
                json.append(i == 0 ? "" : "," + space).append('{').append(space)
                        .append(RANDOM.nextBoolean() ? leaf + "," + extra : extra + "," + space + leaf).append('}');
            }
            String body = json.append(space).append(']').append(space).append('}').append(space).toString();
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            List<RawEntry> plain = PlainBody.entries(bytes, 0, bytes.length, 7);
            assertTrue(plain != null, "read as a plain body: " + body);
            assertSame(EntriesParser.parseJson(Buffer.buffer(body), 7, "http://log"), plain);
            Buffer slice = Buffer.buffer("x\"{" + body + "}").slice(3, 3 + body.length());
            assertSame(EntriesParser.parseJson(Buffer.buffer(body), 7, "http://log"), EntriesParser.parse(slice, 7, "http://log"));
        }
    }

    /** A real log's get-entries answer (ctdata, skipped without it) is in the plain shape, read the same both ways. */
    @Test
    void aRealLogsAnswerIsReadAsAPlainBody() throws Exception {
        byte[] bytes = Files.readAllBytes(CtData.file("rfc6962/navigli2025h2_derived/get-entries_start0_end1023.json"));
        List<RawEntry> plain = PlainBody.entries(bytes, 0, bytes.length, 0);
        assertTrue(plain != null, "read as a plain body");
        assertEquals(1024, plain.size());
        assertSame(EntriesParser.parseJson(Buffer.buffer(bytes), 0, "ctdata"), plain);
    }

    /** Anything else goes to the JSON parser, whose answers (broken entries, bad_response) stay what they were. */
    @Test
    void bodiesInAnotherShapeAreLeftToTheJsonParser() {
        String a = base64(bytes(40));
        String b = base64(bytes(41));
        String[] others = {
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":\"" + "AAAA////".replace("/", "\\/") + "\"}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":\"" + b + "\",\"x\":1}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":\"not*base64\"}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"leaf_input\":\"" + b + "\"}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\"}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":5}]}",
            "{\"entries\":[7,{\"leaf_input\":\"" + a + "\",\"extra_data\":\"" + b + "\"}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":\"" + b + "\"}]}trailing",
            "{\"more\":1,\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":\"" + b + "\"}]}",
            "{\"entries\":[{\"leaf_input\":\"" + a + "\",\"extra_data\":\"" + b + "\"}",
        };
        for (String body : others) {
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            assertEquals(null, PlainBody.entries(bytes, 0, bytes.length, 0), body);
            List<RawEntry> viaJson;
            try {
                viaJson = EntriesParser.parseJson(Buffer.buffer(body), 0, "http://log");
            } catch (LogFetchException e) {
                LogFetchException again = assertThrows(LogFetchException.class, () -> EntriesParser.parse(Buffer.buffer(body), 0, "http://log"));
                assertEquals(e.getMessage(), again.getMessage());
                continue;
            }
            assertSame(viaJson, EntriesParser.parse(Buffer.buffer(body), 0, "http://log"));
        }
    }

    private static void assertSame(List<RawEntry> expected, List<RawEntry> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).index(), actual.get(i).index());
            assertEquals(expected.get(i).problem(), actual.get(i).problem());
            assertArrayEquals(expected.get(i).leafInput(), actual.get(i).leafInput(), "leaf_input " + i);
            assertArrayEquals(expected.get(i).extraData(), actual.get(i).extraData(), "extra_data " + i);
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
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
